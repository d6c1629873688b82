"""mySociety's servicerequestupdates: GET service_request_updates/request_update{update_id,
service_request_id, status, updated_datetime, description, media_url, external_status_code}
for public events; POST a resident's update (api_key, service_request_id, description)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from minsheng.orders import services as s
from minsheng.orders.models import Action, OrderEvent, Status
from tests.helpers import advance
from tests.open311.conftest import (
    BASE,
    children,
    counts,
    create_request,
    errors_json,
    errors_xml,
    json_of,
    text,
    xml_root,
)

UPDATE_FIELDS = [
    "update_id",
    "service_request_id",
    "status",
    "updated_datetime",
    "description",
    "media_url",
    "external_status_code",
]


def w3c(value):
    return timezone.localtime(value).isoformat(timespec="seconds")


@pytest.fixture
def order(world, key):
    start = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    order = create_request(key[0], now=start).order
    advance(world, order, Status.DISPATCHED, now=start)
    s.order_decline(
        order_id=order.pk,
        actor=world.provider_staff,
        reason="busy",
        now=start + timedelta(minutes=5),
    )
    return order


def test_get_updates_lists_public_events_oldest_first(client, order):
    public = list(
        OrderEvent.objects.filter(order=order)
        .exclude(action=Action.DECLINE)
        .order_by("created_at", "pk")
    )
    response = client.get(f"{BASE}/servicerequestupdates.json")
    assert response.status_code == 200
    assert json_of(response) == [
        {
            "update_id": str(e.pk),
            "service_request_id": str(order.pk),
            "status": status,
            "updated_datetime": w3c(e.created_at),
            "description": description,
            "media_url": None,
            "external_status_code": e.new_status,
        }
        for e, status, description in zip(
            public,
            ["OPEN", "OPEN", "ACTION_SCHEDULED"],
            ["点单", "审核通过", "已派单"],
            strict=True,
        )
    ]


def test_get_updates_xml_element_by_element(client, order):
    root = xml_root(client.get(f"{BASE}/servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    assert children(root) == ["request_update"] * 3
    assert [children(u) for u in root] == [UPDATE_FIELDS] * 3
    assert [text(u, "status") for u in root] == ["OPEN", "OPEN", "ACTION_SCHEDULED"]
    assert [text(u, "media_url") for u in root] == [None] * 3


def test_get_updates_filters_by_date_and_request(client, world, order, key):
    other = create_request(key[0]).order
    rows = json_of(
        client.get(f"{BASE}/servicerequestupdates.json", {"service_request_id": str(other.pk)})
    )
    assert [r["service_request_id"] for r in rows] == [str(other.pk)]
    late = {"start_date": w3c(timezone.now() - timedelta(minutes=30))}
    assert [
        r["service_request_id"]
        for r in json_of(client.get(f"{BASE}/servicerequestupdates.json", late))
    ] == [str(other.pk)]
    too_long = {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}
    assert errors_json(client.get(f"{BASE}/servicerequestupdates.json", too_long), 400) == [
        {
            "code": 400,
            "description": "end_date: the range from start_date may not span more than 90 days",
        }
    ]


def test_delivered_then_closed_statuses(client, world, key):
    start = timezone.now() - timedelta(hours=1)
    order = create_request(key[0], now=start).order
    advance(world, order, Status.DELIVERED, now=start)
    statuses = [r["status"] for r in json_of(client.get(f"{BASE}/servicerequestupdates.json"))]
    assert statuses == ["OPEN", "OPEN", "ACTION_SCHEDULED", "IN_PROGRESS", "IN_PROGRESS", "FIXED"]


def test_post_update_appends_a_public_comment(client, order, raw_key):
    before = OrderEvent.objects.count()
    response = client.post(
        f"{BASE}/servicerequestupdates.json",
        {
            "api_key": raw_key,
            "service_request_id": str(order.pk),
            "description": "Still waiting, please hurry",
            "status": "OPEN",
            "updated_datetime": "2026-01-01T00:00:00Z",
        },
    )
    assert response.status_code == 201
    event = OrderEvent.objects.latest("pk")
    assert json_of(response) == [{"update_id": str(event.pk)}]
    assert OrderEvent.objects.count() == before + 1
    assert (event.action, event.note, event.old_status, event.new_status, event.actor) == (
        Action.COMMENT,
        "Still waiting, please hurry",
        Status.APPROVED,
        Status.APPROVED,
        None,
    )
    order.refresh_from_db()
    assert order.status == Status.APPROVED  # an update never changes the state
    row = json_of(client.get(f"{BASE}/requests/{order.pk}.json"))[0]
    assert row["status_notes"] == "Still waiting, please hurry"


def test_post_update_xml(client, order, raw_key):
    response = client.post(
        f"{BASE}/servicerequestupdates.xml",
        {"api_key": raw_key, "service_request_id": str(order.pk), "description": "hello"},
    )
    assert response.status_code == 201
    root = xml_root(response)
    assert root.tag == "service_request_updates"
    assert children(root) == ["request_update"]
    assert children(root[0]) == ["update_id"]
    assert text(root[0], "update_id") == str(OrderEvent.objects.latest("pk").pk)


@pytest.mark.parametrize(
    ("form", "status", "errors"),
    [
        (
            {"service_request_id": "1", "description": "x"},
            403,
            ["api_key: required -- can't proceed with create_update."],
        ),
        (
            {"api_key": "wrong", "service_request_id": "1", "description": "x"},
            403,
            ["Invalid api_key received -- can't proceed with create_update."],
        ),
        ({"api_key": "KEY"}, 400, ["service_request_id: required", "description: required"]),
        (
            {"api_key": "KEY", "service_request_id": "ID", "description": "x" * 2001},
            400,
            ["description: at most 2000 characters (got 2001)"],
        ),
        (
            {"api_key": "KEY", "service_request_id": "999999", "description": "x"},
            404,
            ["service_request_id: No such order."],
        ),
        (
            {"api_key": "KEY", "service_request_id": "abc", "description": "x"},
            404,
            ["service_request_id: no such request 'abc'"],
        ),
    ],
)
def test_post_update_refusals_write_nothing(client, order, raw_key, form, status, errors):
    form = {
        k: (raw_key if v == "KEY" else str(order.pk) if v == "ID" else v) for k, v in form.items()
    }
    before = counts()
    response = client.post(f"{BASE}/servicerequestupdates.xml", form, HTTP_ACCEPT_LANGUAGE="en")
    assert errors_xml(response, status) == [(status, e) for e in errors]
    assert counts() == before


def test_post_update_with_html_is_400(client, order, raw_key):
    before = counts()
    response = client.post(
        f"{BASE}/servicerequestupdates.json",
        {"api_key": raw_key, "service_request_id": str(order.pk), "description": "<a href=x>x</a>"},
    )
    assert errors_json(response, 400) == [
        {"code": 400, "description": "description: plain text only: no HTML or code"}
    ]
    assert counts() == before
