"""A dispatcher's day on the web (issue 8): landing after login, one-step approve and
dispatch, the escalation actions, merging a duplicate."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from minsheng.accounts.models import Role
from minsheng.orders import services as s
from minsheng.orders.models import Status
from tests.factories import make_user
from tests.helpers import order_at, submit
from tests.orders.conftest import snapshot
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"


def sign_in(username: str, next_url: str = "") -> str:
    client = Client()
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    if response["Location"] != "/start/":
        return response["Location"]
    landed = client.get("/start/")
    assert landed.status_code == 302
    return landed["Location"]


@pytest.mark.parametrize(
    ("who", "where"),
    [
        ("disp_a", "/staff/dispatch/"),
        ("admin", "/staff/dispatch/"),
        ("p1staff", "/staff/provider/"),
        ("grid", "/need/"),  # nothing entered yet: the order form
        ("resident", "/"),
    ],
)
def test_each_person_lands_on_their_own_console(world, who, where):
    assert sign_in(who) == where


def test_a_grid_worker_who_has_entered_orders_lands_on_them(world):
    s.order_submit(
        actor=world.grid_worker,
        data=s.OrderInput(region_code="V1", service_code=world.service.code, channel="grid_worker"),
        resident=world.resident,
    )
    assert sign_in("grid") == "/me/"


def test_a_next_address_wins_over_the_console(world):
    assert sign_in("disp_a", "/staff/orders/") == "/staff/orders/"


def test_the_landing_page_sends_anonymous_visitors_to_log_in(world):
    response = Client().get("/start/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_approve_and_dispatch_from_the_order_page(world):
    order = submit(world)
    client = logged_in(world.dispatcher_a)
    response = client.post(
        f"/staff/orders/{order.pk}/approve-dispatch/", {"provider_id": world.provider2.pk}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.provider_id) == (Status.DISPATCHED, world.provider2.pk)


def test_approve_and_dispatch_without_a_provider_is_a_400_and_writes_nothing(world):
    order = submit(world)
    before = snapshot(order)
    response = logged_in(world.dispatcher_a).post(
        f"/staff/orders/{order.pk}/approve-dispatch/", {"provider_id": "abc"}
    )
    assert response.status_code == 400
    assert snapshot(order) == before


def test_urging_a_closed_order_on_the_web_is_refused_with_its_message(world):
    order = order_at(world, Status.ACCEPTED)
    s.order_cancel(order_id=order.pk, actor=world.dispatcher_a)
    before = snapshot(order)
    response = logged_in(world.dispatcher_a).post(f"/staff/orders/{order.pk}/urge/", {})
    assert response.status_code == 409
    assert "nobody left to urge" in response.content.decode()
    assert snapshot(order) == before


def test_a_duplicate_is_listed_and_merged_by_its_number(world):
    neighbour = make_user(Role.RESIDENT, world.village_a, username="neighbour")
    keep = submit(world, description="村口的路灯坏了，晚上很黑", address="东头第三家")
    duplicate = submit(world, actor=neighbour, description="村口的路灯坏了,晚上很黑!")
    client = logged_in(world.dispatcher_a)
    page = client.get(f"/staff/orders/{duplicate.pk}/")
    assert [o.pk for o in page.context["duplicates"]] == [keep.pk]
    assert f'value="{keep.number}"' in page.content.decode()
    response = client.post(f"/staff/orders/{duplicate.pk}/merge/", {"keep_id": keep.number})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (Status.MERGED, keep.pk)
    # The neighbour now follows the kept order on their own pages.
    followed = logged_in(neighbour).get(f"/me/orders/{keep.pk}/")
    assert followed.status_code == 200
    # ... without the other resident's words or address.
    assert "东头第三家" not in followed.content.decode()
    assert "晚上很黑" not in followed.content.decode()
    kept_page = client.get(f"/staff/orders/{keep.pk}/")
    assert [o.pk for o in kept_page.context["merged_duplicates"]] == [duplicate.pk]


def test_a_merge_across_townships_on_the_web_is_refused_and_writes_nothing(world):
    keep = submit(world)
    duplicate = submit(world, region_code=world.village_b.code)
    before = snapshot(duplicate)
    response = logged_in(world.county_admin).post(
        f"/staff/orders/{duplicate.pk}/merge/", {"keep_id": str(keep.pk)}
    )
    assert response.status_code == 409
    assert "different townships" in response.content.decode()
    assert snapshot(duplicate) == before


def test_a_county_dispatcher_sees_what_townships_escalated(world):
    order = order_at(world, Status.ACCEPTED)
    s.order_escalate_county(order_id=order.pk, actor=world.dispatcher_a, reason="队伍不够")
    county = logged_in(world.county_admin).get("/staff/escalations/")
    assert [o.pk for o in county.context["county_orders"]] == [order.pk]
    township = logged_in(world.dispatcher_a).get("/staff/escalations/")
    assert township.context["county_orders"] == []
    assert f'href="/staff/orders/{order.pk}/"' in county.content.decode()


# --- the queue: filters, the county's township column, self-refresh ------------------------------


def test_the_console_filters_with_a_plain_get_form(world):
    here = submit(world)
    there = submit(world, region_code=world.village_b.code)
    admin = logged_in(world.county_admin)
    page = admin.get("/staff/dispatch/", {"township": "T2"})
    assert page.status_code == 200
    assert [o.pk for o in page.context["orders"]] == [there.pk]
    assert 'method="get" action="/staff/dispatch/"' in page.content.decode()
    everything = admin.get("/staff/dispatch/")
    assert {o.pk for o in everything.context["orders"]} == {here.pk, there.pk}


def test_the_countys_queue_shows_the_township_and_a_townships_does_not(world):
    submit(world)
    county = logged_in(world.county_admin).get("/staff/dispatch/").content.decode()
    township = logged_in(world.dispatcher_a).get("/staff/dispatch/").content.decode()
    with translation.override("en"):
        place = f"{world.town_a.name} · {world.village_a.name}"
    assert place in county
    assert 'name="township"' in county
    assert 'name="township"' not in township
    assert place not in township


def test_the_console_offers_one_step_approve_and_dispatch_per_submitted_order(world):
    order = submit(world)
    page = logged_in(world.dispatcher_a).get("/staff/dispatch/").content.decode()
    assert f'action="/staff/orders/{order.pk}/approve-dispatch/"' in page
    assert f'<option value="{world.provider.pk}">' in page


def test_the_console_marks_likely_duplicates(world):
    first = submit(world)
    second = submit(world)
    page = logged_in(world.dispatcher_a).get("/staff/dispatch/")
    assert page.context["marked"] == {first.pk, second.pk}
    assert page.content.decode().count("Likely duplicate") == 2


def test_the_queue_fragment_refreshes_with_the_same_filters(world):
    submit(world)
    there = submit(world, region_code=world.village_b.code)
    admin = logged_in(world.county_admin)
    console = admin.get("/staff/dispatch/", {"township": "T2"}).content.decode()
    assert 'data-refresh-url="/staff/dispatch/queue/?township=T2"' in console
    assert 'aria-live="polite"' in console
    assert "/static/minsheng/queue-refresh.js" in console
    fragment = admin.get("/staff/dispatch/queue/", {"township": "T2"})
    assert fragment.status_code == 200
    assert [o.pk for o in fragment.context["orders"]] == [there.pk]
    assert "<html" not in fragment.content.decode()
    assert 'data-count="1"' in fragment.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"township": "NOPE"}, "There is no township with this code."),
        ({"status": "bogus"}, "Choose a state from the list."),
        ({"sort": "x"}, "Choose an order from the list."),
    ],
)
def test_an_unknown_filter_is_a_400_with_its_message(world, params, message):
    submit(world)
    for url in ("/staff/dispatch/", "/staff/dispatch/queue/", "/staff/orders/"):
        response = logged_in(world.county_admin).get(url, params)
        assert response.status_code == 400, url
        assert message in response.content.decode(), url


def test_the_search_finds_an_order_by_phone_and_pages_keep_the_query(world):
    from minsheng.orders.views.common import PAGE_SIZE

    orders = [
        submit(
            world,
            actor=world.dispatcher_a,
            channel="hotline",
            contact_name="王秀英",
            contact_phone="13800138000",
        )
        for _ in range(PAGE_SIZE + 1)
    ]
    submit(world)
    client = logged_in(world.dispatcher_a)
    first = client.get("/staff/orders/", {"phone": "138 0013 8000"})
    assert first.status_code == 200
    assert first.context["page"].paginator.count == PAGE_SIZE + 1
    assert "phone=138+0013+8000&amp;page=2" in first.content.decode()
    second = client.get("/staff/orders/", {"phone": "138 0013 8000", "page": "2"})
    assert [o.pk for o in second.context["orders"]] == [orders[0].pk]


def test_the_escalations_page_offers_urging_each_held_order(world):
    from datetime import timedelta

    from tests.helpers import T0

    held = order_at(world, Status.ACCEPTED)
    waiting = order_at(world, Status.APPROVED)
    s.sweep(now=T0 + timedelta(days=30))
    page = logged_in(world.dispatcher_a).get("/staff/escalations/").content.decode()
    assert f'action="/staff/orders/{held.pk}/urge/"' in page
    assert f'action="/staff/orders/{waiting.pk}/urge/"' not in page  # nobody holds it
    assert f'href="/staff/orders/{waiting.pk}/"' in page


def test_a_merged_orders_resident_is_led_to_the_kept_order(world):
    neighbour = make_user(Role.RESIDENT, world.village_a, username="neighbour")
    keep = submit(world)
    duplicate = submit(world, actor=neighbour)
    s.order_merge(duplicate_id=duplicate.pk, keep_id=keep.pk, actor=world.dispatcher_a)
    page = logged_in(neighbour).get(f"/me/orders/{duplicate.pk}/").content.decode()
    assert f'href="/me/orders/{keep.pk}/"' in page
    assert "Merged into another order" in page


def test_an_order_escalated_to_the_county_stays_in_the_countys_queue(world):
    order = order_at(world, Status.ACCEPTED)
    s.order_escalate_county(order_id=order.pk, actor=world.dispatcher_a, reason="人手不够")
    page = logged_in(world.county_admin).get("/staff/dispatch/", {"escalated": "yes"})
    assert [o.pk for o in page.context["orders"]] == [order.pk]
    assert "Escalated to the county" in page.content.decode()
