"""GET /api/v1/orders/: filters, ordering and their refusals, within the caller's scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minsheng.orders import services as s
from minsheng.orders.models import Order, Status
from tests.api.conftest import URL, token_client
from tests.factories import ProviderFactory, RegionFactory, ServiceFactory
from tests.helpers import advance, submit


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


T0 = timezone.make_aware(datetime(2026, 5, 10, 9, 0))


@pytest.fixture
def orders(world: Any) -> dict[str, Order]:
    """a1 (V1, day 0, approved then dispatched), a2 (V1, day 1, submitted via the API),
    b1 (V2, day 2, submitted), b2 (V2, day 3, cancelled)."""
    a1 = advance(world, submit(world, now=T0), Status.DISPATCHED, now=T0 + timedelta(hours=1))
    a2 = submit(world, now=T0 + timedelta(days=1), channel="api")
    b1 = submit(world, region_code="V2", now=T0 + timedelta(days=2))
    b2 = submit(world, region_code="V2", now=T0 + timedelta(days=3))
    s.order_cancel(order_id=b2.pk, actor=world.resident2, now=T0 + timedelta(days=3, hours=1))
    return {"a1": a1, "a2": a2, "b1": b1, "b2": b2}


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def names(orders: dict[str, Order], *keys: str) -> list[int]:
    return [orders[k].pk for k in keys]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["b2", "b1", "a2", "a1"]),
        ({"status": "submitted"}, ["b1", "a2"]),
        ({"status": ["dispatched", "cancelled"]}, ["b2", "a1"]),
        ({"service": "meal-delivery"}, ["b2", "b1", "a2", "a1"]),
        ({"service": "other"}, []),
        ({"area": "elderly"}, ["b2", "b1", "a2", "a1"]),
        ({"township": "T2"}, ["b2", "b1"]),
        ({"region": "V1"}, ["a2", "a1"]),
        ({"region": "T2"}, ["b2", "b1"]),
        ({"region": "C"}, ["b2", "b1", "a2", "a1"]),
        ({"region": "nowhere"}, []),
        ({"channel": "api"}, ["a2"]),
        ({"created_after": "2026-05-11"}, ["b2", "b1", "a2"]),
        ({"created_before": "2026-05-11"}, ["a1"]),
        ({"created_after": "2026-05-11T09:00:00+08:00"}, ["b2", "b1", "a2"]),
        ({"created_after": "2026-05-11T09:00:01+08:00"}, ["b2", "b1"]),
        ({"created_after": "2026-05-11", "created_before": "2026-05-13"}, ["b1", "a2"]),
        ({"ordering": "created_at"}, ["a1", "a2", "b1", "b2"]),
        ({"ordering": "-updated_at"}, ["b2", "b1", "a2", "a1"]),
        ({"status": "submitted", "ordering": "step_deadline"}, ["a2", "b1"]),
        # Closed orders have no step deadline: last either way.
        ({"ordering": "-step_deadline"}, ["b1", "a2", "a1", "b2"]),
        ({"ordering": "resolve_deadline"}, ["a1", "a2", "b1", "b2"]),
    ],
)
def test_county_admin_filters_and_orders(
    world: Any, orders: dict[str, Order], query: dict[str, Any], expected: list[str]
) -> None:
    response = token_client(world.county_admin).get(URL, query)

    assert ids(response) == names(orders, *expected)


def test_provider_filter(world: Any, orders: dict[str, Order]) -> None:
    client = token_client(world.county_admin)

    assert ids(client.get(URL, {"provider": world.provider.pk})) == names(orders, "a1")
    assert ids(client.get(URL, {"provider": world.provider2.pk})) == []


def test_filters_never_widen_the_scope(world: Any, orders: dict[str, Order]) -> None:
    client = token_client(world.dispatcher_a)

    assert ids(client.get(URL, {"township": "T2"})) == []
    assert ids(client.get(URL, {"region": "C"})) == names(orders, "a2", "a1")


def test_overdue_and_escalated(world: Any, orders: dict[str, Order]) -> None:
    # Everything open was due long ago (2026-05); the sweep escalates what is overdue.
    s.sweep(now=T0 + timedelta(days=3, hours=2))
    client = token_client(world.county_admin)

    overdue = ids(client.get(URL, {"overdue": "true"}))
    on_time = ids(client.get(URL, {"overdue": "false"}))
    escalated = ids(client.get(URL, {"escalated": "true"}))
    not_escalated = ids(client.get(URL, {"escalated": "false"}))

    open_ids = set(Order.objects.exclude(status="cancelled").values_list("pk", flat=True))
    assert set(overdue) == open_ids
    assert on_time == names(orders, "b2")
    escalated_ids = set(
        Order.objects.filter(escalated_at__isnull=False).values_list("pk", flat=True)
    )
    assert set(escalated) == escalated_ids
    assert set(not_escalated) == set(o.pk for o in orders.values()) - escalated_ids


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"created_after": "yesterday"}, "created_after", "invalid"),
        ({"created_before": "2026-02-30"}, "created_before", "invalid"),
        ({"created_before": "2026-13-01T00:00:00"}, "created_before", "invalid"),
        ({"status": "lost"}, "status", "invalid_choice"),
        ({"channel": "fax"}, "channel", "invalid_choice"),
        ({"provider": "abc"}, "provider", "invalid"),
        ({"provider": "0"}, "provider", "min_value"),
        ({"provider": str(2**63)}, "provider", "max_value"),
        ({"overdue": "soon"}, "overdue", "invalid"),
        ({"ordering": "status"}, "ordering", "invalid_ordering"),
        ({"township": "T" * 101}, "township", "max_length"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(
    world: Any, orders: dict[str, Order], query: dict[str, str], field: str, code: str
) -> None:
    response = token_client(world.county_admin).get(URL, query)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)


def test_bad_date_message_shows_the_accepted_forms(world: Any, orders: dict[str, Order]) -> None:
    response = token_client(world.county_admin).get(URL, {"created_after": "yesterday"})

    assert response.json()["errors"][0]["message"] == (
        "Give a date (2026-05-01) or an ISO 8601 date-time (2026-05-01T08:00:00+08:00)."
    )


def test_list_rows_have_the_list_shape(world: Any, orders: dict[str, Order]) -> None:
    row = token_client(world.resident).get(URL, {"status": "dispatched"}).json()["results"][0]

    a1 = orders["a1"]
    a1.refresh_from_db()
    assert row["id"] == a1.pk
    assert (row["status"], row["provider"], row["township"]) == (
        "dispatched",
        world.provider.pk,
        "T1",
    )
    assert row["dispatched_at"] == timezone.localtime(a1.dispatched_at).isoformat()
    assert "events" not in row and "answers" not in row


def list_queries(client: Any, url: str, query: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, query or {}).status_code == 200
    return len(ctx.captured_queries)


def test_lists_cost_the_same_queries_however_long(world: Any, orders: dict[str, Order]) -> None:
    """No query per row: orders, ratings, providers and services are read joined."""
    client = token_client(world.county_admin)
    urls = [URL, "/api/v1/providers/", "/api/v1/services/", "/api/v1/regions/"]
    client.get(URL)  # the token lookup, cached from then on
    before = [list_queries(client, url) for url in urls]

    for _ in range(3):
        submit(world, now=T0)
    ProviderFactory(regions=[world.town_a], categories=world.provider.categories.all())
    ServiceFactory(regions=[world.town_b])
    RegionFactory(code="V3", parent=world.town_b)

    assert [list_queries(client, url) for url in urls] == before
