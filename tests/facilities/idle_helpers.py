"""Helpers of the idle part's tests: four bookshops of one size, one far less used than the
others (``shops``), use counts, and a snapshot of everything the idle services write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from minsheng.facilities.models import (
    Facility,
    FacilityEvent,
    IdleFlag,
    Kind,
    UseCount,
    UseKind,
    UseSource,
)
from minsheng.notify.models import Message
from tests.facilities.factories import make_facility

AS_OF = date(2026, 6, 30)


def count(facility: Facility, day: date, n: int, kind: str = UseKind.VISITS) -> None:
    UseCount.objects.create(
        facility=facility,
        day=day,
        kind=kind,
        source=UseSource.STAFF,
        count=n,
        recorded_at=timezone.now(),
    )


@dataclass
class Shops:
    a: Facility  # V1, kept by the grid worker: 10 visits per 1,000 served (idle)
    b: Facility  # V1: 100
    c: Facility  # V2: 120
    d: Facility  # V2: 80


def shops(world: Any, *, as_of: date = AS_OF, kind: str = Kind.BOOKSHOP) -> Shops:
    """Four facilities serving 1,000 each; their use counted five days before ``as_of``."""
    made = []
    for region, n, keepers in [
        (world.village_a, 10, [world.grid_worker]),
        (world.village_a, 100, []),
        (world.village_b, 120, []),
        (world.village_b, 80, []),
    ]:
        f = make_facility(region, kind, keepers=keepers, population_served=1000)
        count(f, as_of - timedelta(days=5), n)
        made.append(f)
    return Shops(*made)


def snapshot() -> tuple[Any, ...]:
    """What the idle services write: flags, facility events, messages."""
    return (
        list(IdleFlag.objects.order_by("pk").values()),
        list(FacilityEvent.objects.order_by("pk").values_list("pk", "action", "note")),
        Message.objects.count(),
    )
