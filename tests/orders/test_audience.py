"""Who reads each step of an order's history.

Every event is written with an audience: everyone (public), the resident (and staff), or
staff only. Staff choose it for their free-text notes, staff-only by default; the
resident's own words go to the resident and staff; a client application's update is
public. One selector (``orders.selectors.timeline_for``) decides what a reader sees, and
the web pages, the REST API and Open311 show exactly its entries.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from minsheng.open311.services import api_key_create
from minsheng.orders import services as s
from minsheng.orders.models import Action, Audience, OrderEvent, Status
from minsheng.orders.selectors import timeline_for
from tests.api.conftest import token_client
from tests.helpers import submit
from tests.open311.conftest import BASE, create_request, json_of
from tests.web.conftest import logged_in

APPROVAL_NOTE = "门禁密码 4321，老人患糖尿病"  # a door code and a diagnosis
DECLINE_REASON = "家里有事，去不了"
DELIVERY_NOTE = "已上门，血压 160/100，建议复诊"
SECRETS = (APPROVAL_NOTE, DECLINE_REASON, DELIVERY_NOTE)


@pytest.fixture
def key(world):
    return api_key_create(name="Test client")


def walk(world, order, **deliver):
    """Approve with a note, dispatch, the team declines, dispatch to another team, which
    accepts, starts and delivers with a note. Notes are given without an audience unless
    ``deliver`` says otherwise."""
    s.order_approve(order_id=order.pk, actor=world.dispatcher_a, note=APPROVAL_NOTE)
    s.order_dispatch(order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk)
    s.order_decline(order_id=order.pk, actor=world.provider_staff, reason=DECLINE_REASON)
    s.order_dispatch(order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk)
    s.order_accept(order_id=order.pk, actor=world.provider2_staff)
    s.order_start(order_id=order.pk, actor=world.provider2_staff)
    s.order_deliver(order_id=order.pk, actor=world.provider2_staff, note=DELIVERY_NOTE, **deliver)
    order.refresh_from_db()
    return order


def web_entries(client, path):
    """(action label, note) of each timeline entry of a page, in order."""
    html = client.get(path).content.decode()
    block = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert block is not None
    entries = []
    for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S):
        label = unescape(re.search(r"<strong>(.*?)</strong>", item, re.S).group(1).strip())
        note = re.search(r'<p class="note">(.*?)</p>', item, re.S)
        entries.append((label, unescape(note.group(1).strip()) if note else ""))
    return entries


def api_entries(user, order):
    body = token_client(user).get(f"/api/v1/orders/{order.pk}/").json()
    return [(e["action"], e["note"]) for e in body["events"]]


def selected(user, order):
    return [(e.event.action, e.note) for e in timeline_for(user, order)]


def labelled(entries):
    from django.utils import translation

    with translation.override("en"):
        return [(str(Action(a).label), note) for a, note in entries]


def test_every_event_is_written_with_an_audience(world):
    order = walk(world, submit(world))
    got = list(
        OrderEvent.objects.filter(order=order).order_by("pk").values_list("action", "audience")
    )
    assert got == [
        ("submit", Audience.PUBLIC),
        ("approve", Audience.STAFF),  # a staff note: staff only unless staff say otherwise
        ("dispatch", Audience.STAFF),
        ("decline", Audience.STAFF),
        ("dispatch", Audience.STAFF),
        ("accept", Audience.STAFF),
        ("start", Audience.STAFF),
        ("deliver", Audience.STAFF),
    ]


def test_staff_notes_never_reach_the_public_through_open311(client, world, key):
    order = walk(world, create_request(key[0]).order)
    detail = client.get(f"{BASE}/requests/{order.pk}.json", {"extensions": "true"})
    updates = client.get(f"{BASE}/servicerequestupdates.json", {"service_request_id": order.pk})
    listing = client.get(f"{BASE}/requests.json", {"extensions": "true"})
    for response in (detail, updates, listing):
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body
    row = json_of(detail)[0]
    assert row["status_notes"] == "已完成服务"  # the step, not the provider's note
    assert [n["type"] for n in row["notes"]] == [
        "submit",
        "approve",
        "dispatch",
        "dispatch",
        "accept",
        "start",
        "deliver",
    ]
    assert {n["description"] for n in row["notes"]} == {None}


def test_staff_notes_and_a_decline_reason_stay_off_the_residents_own_page(world):
    order = walk(world, submit(world))
    page = logged_in(world.resident).get(f"/me/orders/{order.pk}/").content.decode()
    api = token_client(world.resident).get(f"/api/v1/orders/{order.pk}/").content.decode()
    for secret in SECRETS:
        assert secret not in page
        assert secret not in api


def test_staff_read_every_note(world):
    order = walk(world, submit(world))
    notes = [note for _action, note in api_entries(world.dispatcher_a, order)]
    assert notes == ["", APPROVAL_NOTE, "", DECLINE_REASON, "", "", "", DELIVERY_NOTE]


@pytest.mark.parametrize("who", ["resident", "dispatcher_a", "county_admin", "provider2_staff"])
def test_the_web_and_the_api_show_a_reader_exactly_the_selectors_entries(world, who):
    order = walk(world, submit(world), audience=Audience.RESIDENT)
    user = getattr(world, who)
    expected = selected(user, order)
    assert api_entries(user, order) == expected
    path = (
        f"/me/orders/{order.pk}/"
        if who == "resident"
        else f"/staff/orders/{order.pk}/"
        if who != "provider2_staff"
        else None
    )
    if path is not None:
        assert web_entries(logged_in(user), path) == labelled(expected)


def test_what_the_resident_reads(world):
    order = walk(world, submit(world), audience=Audience.RESIDENT)
    assert selected(world.resident, order) == [
        ("submit", ""),
        ("approve", ""),
        ("dispatch", ""),
        ("dispatch", ""),
        ("accept", ""),
        ("start", ""),
        ("deliver", DELIVERY_NOTE),  # addressed to the resident by the provider
    ]


def test_open311_shows_the_public_exactly_the_selectors_entries(client, world, key):
    order = walk(world, create_request(key[0]).order, audience=Audience.PUBLIC)
    expected = selected(None, order)
    assert expected[-1] == ("deliver", DELIVERY_NOTE)
    row = json_of(client.get(f"{BASE}/requests/{order.pk}.json", {"extensions": "true"}))[0]
    assert [(n["type"], n["description"] or "") for n in row["notes"]] == expected
    assert row["status_notes"] == DELIVERY_NOTE
    updates = json_of(
        client.get(f"{BASE}/servicerequestupdates.json", {"service_request_id": order.pk})
    )
    assert [u["update_id"] for u in updates] == [str(e.event.pk) for e in timeline_for(None, order)]
    assert updates[-1]["description"] == DELIVERY_NOTE


def test_the_residents_own_words_go_to_the_resident_and_staff(world):
    order = submit(world)
    s.order_comment(order_id=order.pk, actor=world.resident, note="请下午来")
    s.order_cancel(order_id=order.pk, actor=world.resident, reason="已自行解决")
    got = list(
        OrderEvent.objects.filter(order=order).order_by("pk").values_list("action", "audience")
    )
    assert got == [
        ("submit", Audience.PUBLIC),
        ("comment", Audience.RESIDENT),
        ("cancel", Audience.RESIDENT),
    ]
    assert selected(None, order) == [("submit", ""), ("cancel", "")]
    assert selected(world.resident, order) == [
        ("submit", ""),
        ("comment", "请下午来"),
        ("cancel", "已自行解决"),
    ]


def test_a_rejection_reason_is_addressed_to_the_resident(world):
    order = submit(world)
    s.order_reject(order_id=order.pk, actor=world.dispatcher_a, reason="不属于本服务范围")
    assert selected(world.resident, order)[-1] == ("reject", "不属于本服务范围")
    assert selected(None, order)[-1] == ("reject", "")


def test_the_approval_form_says_who_will_read_the_note_staff_only_by_default(world):
    order = submit(world)
    html = logged_in(world.dispatcher_a).get(f"/staff/orders/{order.pk}/").content.decode()
    form = re.search(r'action="/staff/orders/\d+/approve/".*?</form>', html, re.S).group(0)
    radios = re.findall(r'name="audience" value="(\w+)"( checked)?', form)
    assert radios == [("staff", " checked"), ("resident", ""), ("public", "")]
    assert "Who will read this note" in form


def test_staff_choose_the_audience_on_the_web(world):
    order = submit(world)
    response = logged_in(world.dispatcher_a).post(
        f"/staff/orders/{order.pk}/approve/", {"note": "已核实", "audience": "resident"}
    )
    assert response.status_code == 302
    event = OrderEvent.objects.get(order=order, action=Action.APPROVE)
    assert (event.note, event.audience) == ("已核实", Audience.RESIDENT)


def test_staff_choose_the_audience_through_the_api(world):
    order = submit(world)
    response = token_client(world.dispatcher_a).post(
        f"/api/v1/orders/{order.pk}/approve/",
        {"note": "已核实", "audience": "public"},
        format="json",
    )
    assert response.status_code == 200
    event = OrderEvent.objects.get(order=order, action=Action.APPROVE)
    assert (event.note, event.audience) == ("已核实", Audience.PUBLIC)


def test_an_unknown_audience_is_refused_and_writes_nothing(world):
    order = submit(world)
    before = OrderEvent.objects.count()
    response = token_client(world.dispatcher_a).post(
        f"/api/v1/orders/{order.pk}/approve/", {"note": "x", "audience": "everyone"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "audience"
    assert OrderEvent.objects.count() == before
    order.refresh_from_db()
    assert order.status == Status.SUBMITTED
