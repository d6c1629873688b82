"""GET Service Requests and GET Service Request: service_requests/request with the spec's
fields; service_request_id overriding the rest, service_code, start_date/end_date within
90 days (the latest 90 days by default), status, the 1,000 cap; and the extensions
page/page_size, extensions=true, updated_after/updated_before."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from minsheng.orders import services as s
from minsheng.orders.models import Action, Order, OrderEvent, Status
from tests.helpers import advance
from tests.open311.conftest import (
    BASE,
    children,
    create_request,
    errors_json,
    errors_xml,
    json_of,
    need_zh,
    notice_zh,
    text,
    xml_root,
)

# The spec's request fields, in its order (GET Service Requests response).
FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def ids_for(client, query):
    return [r["service_request_id"] for r in json_of(client.get(f"{BASE}/requests.json", query))]


def w3c(value):
    return timezone.localtime(value).isoformat(timespec="seconds")


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def made(world, key, now):
    """An Open311 request from three days ago, with a point and a photo."""
    extra = create_request(
        key[0],
        now=now - timedelta(days=3),
        description="Lunch please",
        latitude=30.011,
        longitude=110.012,
        media_url="https://example.org/p.jpg",
        address="甲村 2 组",
    )
    return extra.order


def test_request_json_has_every_spec_field_with_the_right_types(client, made, now):
    response = client.get(f"{BASE}/requests.json")
    assert response.status_code == 200
    body = json_of(response)
    assert body == [
        {
            "service_request_id": str(made.pk),
            "status": "open",
            "status_notes": "点单",
            "service_name": "助餐送餐",
            "service_code": "meal-delivery",
            "description": "Lunch please",
            "agency_responsible": None,
            "service_notice": notice_zh(),
            "requested_datetime": w3c(now - timedelta(days=3)),
            "updated_datetime": w3c(now - timedelta(days=3)),
            # Waiting for review: the review limit (one day for "general").
            "expected_datetime": w3c(now - timedelta(days=2)),
            "address": "甲村 2 组",
            "address_id": "V1",
            "zipcode": None,
            "lat": 30.011,
            "long": 110.012,
            "media_url": "https://example.org/p.jpg",
        }
    ]
    assert list(body[0]) == FIELDS
    assert W3C.match(body[0]["requested_datetime"])


def test_request_xml_element_by_element(client, made, now):
    response = client.get(f"{BASE}/requests.xml")
    assert response.status_code == 200
    root = xml_root(response)
    assert root.tag == "service_requests"
    assert children(root) == ["request"]
    request = root[0]
    assert children(request) == FIELDS
    assert text(request, "service_request_id") == str(made.pk)
    assert text(request, "status") == "open"
    assert text(request, "status_notes") == "点单"
    assert text(request, "service_code") == "meal-delivery"
    assert text(request, "agency_responsible") is None
    assert text(request, "requested_datetime") == w3c(now - timedelta(days=3))
    assert text(request, "address_id") == "V1"
    assert text(request, "zipcode") is None
    assert float(text(request, "lat")) == 30.011
    assert float(text(request, "long")) == 110.012
    assert text(request, "media_url") == "https://example.org/p.jpg"


def test_orders_from_other_channels_are_listed_without_personal_fields(client, world, now):
    order = s.order_submit(
        actor=world.resident,
        data=s.OrderInput(region_code="V2", service_code="meal-delivery", description="x"),
        now=now - timedelta(hours=1),
    )
    body = json_of(client.get(f"{BASE}/requests.json"))
    assert [r["service_request_id"] for r in body] == [str(order.pk)]
    assert body[0]["address"] == "乙村"  # no address given: the place's name
    assert (body[0]["lat"], body[0]["long"], body[0]["media_url"]) == (None, None, None)
    assert "resident" not in json_of(client.get(f"{BASE}/requests.json"))[0]


def test_delivered_order_is_closed_with_the_provider_and_delivery_time(client, world, made):
    advance(world, made, Status.DELIVERED)
    made.refresh_from_db()
    response = client.get(f"{BASE}/requests.json", {"extensions": "false"})
    row = json_of(response)[0]
    assert row["status"] == "closed"
    # The provider's delivery note is for staff (its default audience): the public reads
    # the step.
    assert row["status_notes"] == "已完成服务"
    assert row["agency_responsible"] == "甲镇志愿队"
    assert row["updated_datetime"] == w3c(made.delivered_at)
    assert row["expected_datetime"] is None


def test_status_notes_come_from_the_latest_public_event(client, world, made):
    advance(world, made, Status.DISPATCHED)
    s.order_decline(order_id=made.pk, actor=world.provider_staff, reason="too far")
    assert OrderEvent.objects.filter(order=made).last().action == Action.DECLINE
    row = json_of(client.get(f"{BASE}/requests.json"))[0]
    # The decline is internal: the public note is still the dispatch.
    assert row["status_notes"] == "已派单"
    assert row["status"] == "open"
    # Back in the dispatch queue: nobody is responsible yet.
    assert row["agency_responsible"] is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.APPROVED, "open"),
        (Status.ACCEPTED, "open"),
        (Status.IN_SERVICE, "open"),
        (Status.DELIVERED, "closed"),
    ],
)
def test_status_mapping_along_the_loop(client, world, made, status, expected):
    advance(world, made, status)
    row = json_of(client.get(f"{BASE}/requests.json", {"extensions": "true"}))[0]
    assert (row["status"], row["detailed_status"]) == (expected, status)


def test_cancelled_order_is_closed_at_its_cancel_time(client, world, made, now):
    order = create_request(made.open311.api_key, now=now - timedelta(days=1)).order
    s.order_cancel(order_id=order.pk, actor=world.dispatcher_a, reason="duplicate", now=now)
    rows = json_of(client.get(f"{BASE}/requests.json", {"status": "closed"}))
    assert [(r["service_request_id"], r["status_notes"], r["updated_datetime"]) for r in rows] == [
        (str(order.pk), "已取消", w3c(now))  # the reason is the resident's to read
    ]


def test_status_filter(client, world, made, key, now):
    closed = create_request(key[0], now=now - timedelta(days=1)).order
    s.order_cancel(order_id=closed.pk, actor=world.dispatcher_a, reason="dup", now=now)
    assert ids_for(client, {"status": "open"}) == [str(made.pk)]
    assert ids_for(client, {"status": "closed"}) == [str(closed.pk)]
    assert ids_for(client, {"status": "open,closed"}) == [str(closed.pk), str(made.pk)]
    assert ids_for(client, {}) == [str(closed.pk), str(made.pk)]


def test_bad_status_is_400(client, made):
    response = client.get(f"{BASE}/requests.json", {"status": "open,pending"})
    assert errors_json(response, 400) == [
        {"code": 400, "description": "status: 'pending' is not open or closed"}
    ]


def test_service_request_id_list_overrides_every_other_argument(client, world, made, key, now):
    old = create_request(key[0], now=now - timedelta(days=200)).order
    other = create_request(key[0], now=now - timedelta(days=1)).order
    response = client.get(
        f"{BASE}/requests.json",
        {
            "service_request_id": f"{old.pk},{made.pk},999999",
            "status": "closed",
            "service_code": "nope",
            "start_date": "garbage",
        },
    )
    assert [r["service_request_id"] for r in json_of(response)] == [str(made.pk), str(old.pk)]
    assert str(other.pk) not in [r["service_request_id"] for r in json_of(response)]


def test_bad_service_request_ids_are_400(client, made):
    response = client.get(f"{BASE}/requests.json", {"service_request_id": "1,abc,-2"})
    assert errors_json(response, 400) == [
        {"code": 400, "description": "service_request_id: 'abc' is not a request id"},
        {"code": 400, "description": "service_request_id: '-2' is not a request id"},
    ]


def test_service_code_filter_takes_a_list_and_need_codes(client, world, made, key, now):
    need = create_request(
        key[0], service_code="", area_code="elderly", description="stove", now=now
    ).order
    assert ids_for(client, {"service_code": "meal-delivery"}) == [str(made.pk)]
    assert ids_for(client, {"service_code": "need.elderly"}) == [str(need.pk)]
    assert ids_for(client, {"service_code": "need.elderly,meal-delivery"}) == [
        str(need.pk),
        str(made.pk),
    ]
    row = json_of(client.get(f"{BASE}/requests.json", {"service_code": "need.elderly"}))[0]
    assert (row["service_code"], row["service_name"]) == ("need.elderly", need_zh("老有所养"))


def test_unknown_service_codes_are_404_one_error_each(client, made):
    response = client.get(f"{BASE}/requests.xml", {"service_code": "meal-delivery,x,need.y"})
    assert errors_xml(response, 404) == [
        (404, "service_code: no such service 'x'"),
        (404, "service_code: no such service 'need.y'"),
    ]


def test_default_window_is_the_latest_90_days(client, key, made, now):
    create_request(key[0], now=now - timedelta(days=91))
    assert [r["service_request_id"] for r in json_of(client.get(f"{BASE}/requests.json"))] == [
        str(made.pk)
    ]


def test_start_and_end_date_filter_on_the_requested_datetime(client, key, made, now):
    old = create_request(key[0], now=now - timedelta(days=100)).order
    q = {
        "start_date": w3c(now - timedelta(days=120)),
        "end_date": w3c(now - timedelta(days=50)),
    }
    assert [r["service_request_id"] for r in json_of(client.get(f"{BASE}/requests.json", q))] == [
        str(old.pk)
    ]
    # start_date alone: the 90 days from it; end_date alone: the 90 days up to it.
    only_start = {"start_date": w3c(now - timedelta(days=101))}
    assert [
        r["service_request_id"] for r in json_of(client.get(f"{BASE}/requests.json", only_start))
    ] == [str(old.pk)]
    only_end = {"end_date": w3c(now - timedelta(days=50))}
    assert [
        r["service_request_id"] for r in json_of(client.get(f"{BASE}/requests.json", only_end))
    ] == [str(old.pk)]


def test_utc_z_and_date_only_are_accepted(client, made):
    response = client.get(
        f"{BASE}/requests.json", {"start_date": "2026-09-01", "end_date": "2026-11-29T00:00:00Z"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"},
            "end_date: the range from start_date may not span more than 90 days",
        ),
        (
            {"start_date": "2026-05-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"},
            "end_date: before start_date",
        ),
        (
            {"start_date": "2026-05-01T00:00:00"},
            "start_date: a W3C date or datetime with a time zone such as "
            "2010-01-01T00:00:00Z, not '2026-05-01T00:00:00'",
        ),
        (
            {"end_date": "2026-13-01"},
            "end_date: a W3C date or datetime with a time zone such as "
            "2010-01-01T00:00:00Z, not '2026-13-01'",
        ),
        (
            {"end_date": "0001-01-01T00:00:00Z"},
            "end_date: a W3C date or datetime with a time zone such as "
            "2010-01-01T00:00:00Z, not '0001-01-01T00:00:00Z'",
        ),
    ],
)
def test_bad_date_ranges_are_400(client, made, query, error):
    assert errors_json(client.get(f"{BASE}/requests.json", query), 400) == [
        {"code": 400, "description": error}
    ]


def test_updated_after_and_before(client, world, made, key, now):
    older = create_request(key[0], now=now - timedelta(days=10)).order
    s.client_comment(order_id=older.pk, note="still waiting", now=now - timedelta(hours=1))
    q = {"updated_after": w3c(now - timedelta(hours=2))}
    rows = json_of(client.get(f"{BASE}/requests.json", q))
    assert [(r["service_request_id"], r["status_notes"]) for r in rows] == [
        (str(older.pk), "still waiting")
    ]
    q = {"updated_before": w3c(now - timedelta(days=2))}
    assert [r["service_request_id"] for r in json_of(client.get(f"{BASE}/requests.json", q))] == [
        str(made.pk)
    ]
    bad = {"updated_after": w3c(now), "updated_before": w3c(now - timedelta(days=1))}
    assert errors_json(client.get(f"{BASE}/requests.json", bad), 400) == [
        {"code": 400, "description": "updated_before: before updated_after"}
    ]


def test_extensions_true_adds_token_detailed_status_channel_and_public_notes(client, world, made):
    advance(world, made, Status.DISPATCHED)
    s.order_decline(order_id=made.pk, actor=world.provider_staff, reason="too far")
    events = list(
        OrderEvent.objects.filter(order=made, action__in=["submit", "approve", "dispatch"])
    )
    row = json_of(client.get(f"{BASE}/requests.json", {"extensions": "true"}))[0]
    assert list(row) == [*FIELDS, "token", "detailed_status", "channel", "notes"]
    assert row["token"] == made.open311.token
    assert (row["detailed_status"], row["channel"]) == ("approved", "open311")
    assert row["notes"] == [
        {"datetime": w3c(e.created_at), "type": e.action, "summary": label, "description": None}
        for e, label in zip(events, ["点单", "审核通过", "已派单"], strict=True)
    ]
    root = xml_root(client.get(f"{BASE}/requests.xml", {"extensions": "true"}))
    notes = root[0].find("notes")
    assert [children(n) for n in notes] == [["datetime", "type", "summary", "description"]] * 3
    assert [text(n, "type") for n in notes] == ["submit", "approve", "dispatch"]


def test_bad_extensions_value_is_400(client, made):
    assert errors_json(client.get(f"{BASE}/requests.json", {"extensions": "maybe"}), 400) == [
        {"code": 400, "description": "extensions: true or false, not 'maybe'"}
    ]


def test_page_and_page_size(client, key, made, now):
    more = [create_request(key[0], now=now - timedelta(days=2, minutes=i)).order for i in range(4)]
    newest_first = [str(o.pk) for o in more] + [str(made.pk)]
    pages = [
        [
            r["service_request_id"]
            for r in json_of(client.get(f"{BASE}/requests.json", {"page": p, "page_size": 2}))
        ]
        for p in (1, 2, 3, 4)
    ]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5], []]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"page": "0"}, "page: a whole number from 1 to 1000000, not '0'"),
        (
            {"page": "99999999999999999999999"},
            "page: a whole number from 1 to 1000000, not '99999999999999999999999'",
        ),
        ({"page_size": "1001"}, "page_size: a whole number from 1 to 1000, not '1001'"),
        ({"page_size": "ten"}, "page_size: a whole number from 1 to 1000, not 'ten'"),
    ],
)
def test_bad_paging_is_400(client, made, query, error):
    assert errors_json(client.get(f"{BASE}/requests.json", query), 400) == [
        {"code": 400, "description": error}
    ]


def test_a_thousand_requests_in_a_fixed_number_of_queries(
    client, made, now, django_assert_max_num_queries
):
    template = Order.objects.values().get(pk=made.pk)
    del template["id"]
    clones = Order.objects.bulk_create(
        [Order(**{**template, "created_at": now - timedelta(minutes=i + 1)}) for i in range(1000)]
    )
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(
                order=o, action=Action.SUBMIT, new_status=Status.SUBMITTED, created_at=o.created_at
            )
            for o in clones
        ]
    )
    # Orders, their latest public events by id, then one query for each kind of reference
    # they name (service, area, place, urgency: no provider yet): six, seven on SQLite,
    # which splits an IN list of more than 999 ids.
    with django_assert_max_num_queries(7):
        response = client.get(f"{BASE}/requests.json")
    body = json_of(response)
    assert len(body) == 1000
    # Newest first: the three-day-old request is the 1,001st and falls off.
    assert body[0]["service_request_id"] == str(clones[0].pk)
    assert str(made.pk) not in {r["service_request_id"] for r in body}
    assert {r["status_notes"] for r in body} == {"点单"}


# --- GET Service Request ----------------------------------------------------------------------


def test_one_request_json_and_xml(client, made):
    body = json_of(client.get(f"{BASE}/requests/{made.pk}.json"))
    assert len(body) == 1 and body[0]["service_request_id"] == str(made.pk)
    assert list(body[0]) == FIELDS
    root = xml_root(client.get(f"{BASE}/requests/{made.pk}.xml"))
    assert root.tag == "service_requests" and children(root) == ["request"]
    assert children(root[0]) == FIELDS


def test_one_request_outside_the_window_is_still_found(client, world, key, now):
    old = create_request(key[0], now=now - timedelta(days=400)).order
    assert client.get(f"{BASE}/requests/{old.pk}.json").status_code == 200


def test_one_request_with_extensions(client, made):
    body = json_of(client.get(f"{BASE}/requests/{made.pk}.json", {"extensions": "true"}))
    assert body[0]["token"] == made.open311.token


@pytest.mark.parametrize("rid", ["999999", "abc", "0", "99999999999999999999999"])
def test_unknown_request_is_404(client, made, rid):
    expected = f"service_request_id: no such request '{rid}'"
    assert errors_json(client.get(f"{BASE}/requests/{rid}.json"), 404) == [
        {"code": 404, "description": expected}
    ]
    assert errors_xml(client.get(f"{BASE}/requests/{rid}.xml"), 404) == [(404, expected)]


def test_requests_in_english(client, made):
    row = json_of(client.get(f"{BASE}/requests.json", HTTP_ACCEPT_LANGUAGE="en"))[0]
    assert row["service_name"] == made.service.name_en
    assert row["status_notes"] == "Ordered"
    assert row["service_notice"] == "General: to be resolved within 7 days of the request."


def test_too_many_service_codes_is_400(client, made):
    codes = ",".join(f"c{i}" for i in range(201))
    assert errors_json(client.get(f"{BASE}/requests.json", {"service_code": codes}), 400) == [
        {"code": 400, "description": "service_code: at most 200 codes at once"}
    ]


def test_a_thousand_ids_at_once_are_fine_and_more_are_400(client, made):
    ids = ",".join(str(made.pk + i) for i in range(1000))
    rows = json_of(client.get(f"{BASE}/requests.json", {"service_request_id": ids}))
    assert [r["service_request_id"] for r in rows] == [str(made.pk)]
    too_many = ids + f",{made.pk + 1000}"
    assert errors_json(
        client.get(f"{BASE}/requests.json", {"service_request_id": too_many}), 400
    ) == [{"code": 400, "description": "service_request_id: at most 1000 ids at once"}]


# --- privacy: orders residents placed elsewhere ----------------------------------------------


def test_orders_placed_off_open311_show_the_place_but_not_the_residents_words_or_door(
    client, world, key, now
):
    order = s.order_submit(
        actor=world.resident,
        data=s.OrderInput(
            region_code="V1",
            service_code="meal-delivery",
            description="我母亲独居，腿脚不便",
            address="甲村 3 组 12 号",
            latitude=30.0123,
            longitude=110.0123,
        ),
        now=now - timedelta(hours=2),
    )
    s.order_cancel(order_id=order.pk, actor=world.resident, reason="女儿回来了", now=now)
    opened = create_request(key[0], now=now - timedelta(hours=1), description="Lunch please")

    body = {r["service_request_id"]: r for r in json_of(client.get(f"{BASE}/requests.json"))}
    private = body[str(order.pk)]
    assert (private["description"], private["address"], private["address_id"]) == (
        None,
        "甲村",
        "V1",
    )
    assert (private["lat"], private["long"]) == (None, None)
    # The step is shown (cancelled), the resident's reason is not.
    assert private["status_notes"] == str(Action.CANCEL.label)
    public = body[str(opened.order_id)]
    assert public["description"] == "Lunch please"

    extended = json_of(client.get(f"{BASE}/requests/{order.pk}.json", {"extensions": "true"}))
    assert [(n["type"], n["description"]) for n in extended[0]["notes"]] == [
        ("submit", None),
        ("cancel", None),
    ]
    updates = json_of(
        client.get(f"{BASE}/servicerequestupdates.json", {"service_request_id": str(order.pk)})
    )
    assert [u["description"] for u in updates] == [
        str(Action.SUBMIT.label),
        str(Action.CANCEL.label),
    ]
