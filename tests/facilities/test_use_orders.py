"""Orders delivered at a facility counted as its use (``order_use_collect``, the command
``facility_use_orders`` and the nightly task): which orders count where, and which not."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from minsheng.catalog.models import Service
from minsheng.facilities.models import Kind, Status, UseCount, UseSource
from minsheng.facilities.services.use import order_use_collect
from minsheng.facilities.tasks import collect_order_use
from minsheng.orders.models import Order
from minsheng.orders.models import Status as OrderStatus
from tests.facilities.factories import make_facility
from tests.facilities.use_helpers import counts_of
from tests.helpers import order_at

pytestmark = pytest.mark.django_db

DAY = date(2026, 5, 4)  # tests.helpers.T0's local day


@pytest.fixture
def town(world: Any) -> Any:
    """The world's service delivered at a facility; two orders in V1 delivered on DAY by
    T1's team, one in V2 by the county centre, one in V1 still in service."""
    Service.objects.filter(pk=world.service.pk).update(delivery_mode=Service.DeliveryMode.FACILITY)
    world.v1_orders = [order_at(world, OrderStatus.DELIVERED) for _ in range(2)]
    world.v2_order = order_at(world, OrderStatus.DELIVERED, region_code=world.village_b.code)
    world.open_order = order_at(world, OrderStatus.IN_SERVICE)
    return world


def _facility(world: Any, region: Any, kind: str = Kind.ELDERLY, **fields: Any) -> Any:
    f = make_facility(region, kind, **fields)
    f.services.add(world.service)
    return f


def test_orders_count_at_the_village_and_township_facilities_that_deliver_them(town: Any) -> None:
    village = _facility(town, town.village_a)
    township = _facility(town, town.town_a)
    other_village = _facility(town, town.village_b)
    other_township = _facility(town, town.town_b)
    not_delivering = make_facility(town.village_a, Kind.ELDERLY)
    result = order_use_collect(day_from=DAY, day_to=DAY)
    assert (result.days, result.orders, result.counts, result.removed) == (1, 3, 4, 0)
    assert counts_of(village) == [("2026-05-04", "orders", 2, "orders")]
    assert counts_of(township) == [("2026-05-04", "orders", 2, "orders")]
    assert counts_of(other_village) == [("2026-05-04", "orders", 1, "orders")]
    assert counts_of(other_township) == [("2026-05-04", "orders", 1, "orders")]
    assert counts_of(not_delivering) == []


def test_a_facility_run_by_a_provider_counts_only_its_orders(town: Any) -> None:
    ours = _facility(town, town.town_a, provider=town.provider)
    theirs = _facility(town, town.village_a, provider=town.provider2)
    order_use_collect(day_from=DAY, day_to=DAY)
    assert counts_of(ours) == [("2026-05-04", "orders", 2, "orders")]
    assert counts_of(theirs) == []


def test_a_service_not_delivered_at_a_facility_does_not_count(town: Any) -> None:
    village = _facility(town, town.village_a)
    Service.objects.filter(pk=town.service.pk).update(delivery_mode=Service.DeliveryMode.DOOR)
    assert order_use_collect(day_from=DAY, day_to=DAY).orders == 0
    assert counts_of(village) == []


def test_closed_orders_count_on_their_delivery_day_and_others_not(town: Any) -> None:
    village = _facility(town, town.village_a)
    first, second = town.v1_orders
    Order.objects.filter(pk=first.pk).update(status=OrderStatus.CLOSED)
    Order.objects.filter(pk=second.pk).update(delivered_at=second.delivered_at + timedelta(days=1))
    order_use_collect(day_from=DAY, day_to=DAY + timedelta(days=1))
    assert counts_of(village) == [
        ("2026-05-04", "orders", 1, "orders"),
        ("2026-05-05", "orders", 1, "orders"),
    ]
    Order.objects.filter(pk=second.pk).update(status=OrderStatus.REOPENED)
    order_use_collect(day_from=DAY, day_to=DAY + timedelta(days=1))
    assert counts_of(village) == [("2026-05-04", "orders", 1, "orders")]


def test_a_planned_facility_counts_nothing(town: Any) -> None:
    planned = _facility(town, town.village_a, status=Status.PLANNED)
    order_use_collect(day_from=DAY, day_to=DAY)
    assert counts_of(planned) == []


def test_collecting_again_replaces_the_days_and_leaves_other_days_and_sources(town: Any) -> None:
    village = _facility(town, town.village_a)
    now = timezone.now()
    for day, source, n in (
        (DAY, UseSource.ORDERS, 9),
        (DAY - timedelta(days=1), UseSource.ORDERS, 5),
        (DAY, UseSource.STAFF, 7),
    ):
        UseCount.objects.create(
            facility=village, day=day, kind="orders" if source == "orders" else "visits",
            count=n, source=source, recorded_at=now,
        )  # fmt: skip
    first = order_use_collect(day_from=DAY, day_to=DAY)
    again = order_use_collect(day_from=DAY, day_to=DAY)
    assert (first.removed, again.removed) == (1, 1)
    assert counts_of(village) == [
        ("2026-05-03", "orders", 5, "orders"),
        ("2026-05-04", "orders", 2, "orders"),
        ("2026-05-04", "visits", 7, "staff"),
    ]


def test_the_command_and_the_task_collect_the_last_days(world: Any) -> None:
    Service.objects.filter(pk=world.service.pk).update(delivery_mode=Service.DeliveryMode.FACILITY)
    village = _facility(world, world.village_a)
    order = order_at(world, OrderStatus.DELIVERED)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - timedelta(days=2))
    today = timezone.localdate()
    out = io.StringIO()
    call_command("facility_use_orders", "--days", "2", stdout=out)
    assert out.getvalue().strip() == (
        "2 days: 0 orders counted at facilities, 0 daily counts written (0 replaced)"
    )
    call_command("facility_use_orders", stdout=out)
    assert counts_of(village) == [((today - timedelta(days=2)).isoformat(), "orders", 1, "orders")]
    assert collect_order_use(days=3) == {"days": 3, "orders": 1, "counts": 1}
    with pytest.raises(CommandError):
        call_command("facility_use_orders", "--days", "0")
