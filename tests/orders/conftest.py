"""Helpers for the order-loop tests: drive an order to a status through the services, take
a snapshot of everything a refused call must leave untouched, and assert refusals exactly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from minsheng.catalog.models import Service
from minsheng.core.errors import DomainError
from minsheng.orders import services as s
from minsheng.orders.models import Order, OrderEvent, Rating, Status

# A fixed Monday morning in the county's time zone; every service call passes ``now`` so
# deadlines are exact.
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=TZ)
MINUTE = timedelta(minutes=1)

# The path through the loop, and which service moves an order one step further along it.
PATH = [
    Status.SUBMITTED,
    Status.APPROVED,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.IN_SERVICE,
    Status.DELIVERED,
]


def submit(world: Any, *, actor: Any = None, now: datetime = T0, **fields: Any) -> Order:
    fields.setdefault("region_code", "V1")
    fields.setdefault("service_code", world.service.code)
    return s.order_submit(actor=actor or world.resident, data=s.OrderInput(**fields), now=now)


def advance(
    world: Any,
    order: Order,
    to: str,
    *,
    provider: Any = None,
    now: datetime | None = None,
) -> Order:
    """Move ``order`` along PATH to ``to`` through the services (dispatching to ``provider``,
    by default the township volunteer team), one minute per step, starting at ``now``
    (default: the order's last change, T0 for an order submitted at T0)."""
    provider = provider or world.provider
    staff = provider.staff.first()
    dispatcher = world.dispatcher_a if order.township_id == world.town_a.pk else world.dispatcher_b
    order.refresh_from_db()
    t = now or order.updated_at
    while order.status != to:
        if order.status == Status.SUBMITTED:
            s.order_approve(order_id=order.pk, actor=dispatcher, now=t)
        elif order.status in (Status.APPROVED, Status.REOPENED):
            s.order_dispatch(order_id=order.pk, actor=dispatcher, provider_id=provider.pk, now=t)
        elif order.status == Status.DISPATCHED:
            s.order_accept(order_id=order.pk, actor=staff, now=t)
        elif order.status == Status.ACCEPTED:
            s.order_start(order_id=order.pk, actor=staff, now=t)
        elif order.status == Status.IN_SERVICE:
            s.order_deliver(order_id=order.pk, actor=staff, note="已送达", now=t)
        else:  # pragma: no cover - a test asked for an unreachable status
            raise AssertionError(f"cannot advance from {order.status} to {to}")
        order.refresh_from_db()
        t += MINUTE
    return order


def set_mode(world: Any, mode: str) -> Service:
    Service.objects.filter(pk=world.service.pk).update(dispatch_mode=mode)
    world.service.refresh_from_db()
    return world.service


def events(order: Order) -> list[tuple[Any, ...]]:
    """The order's history as (action, old, new, actor username, provider id, note, round)."""
    return [
        (
            e.action,
            e.old_status,
            e.new_status,
            e.actor.username if e.actor else None,
            e.provider_id,
            e.note,
            e.round,
        )
        for e in OrderEvent.objects.filter(order_id=order.pk)
        .select_related("actor")
        .order_by("created_at", "pk")
    ]


def snapshot(order: Order | None = None) -> dict[str, Any]:
    """Everything a refused call must leave as it was."""
    snap: dict[str, Any] = {
        "orders": Order.objects.count(),
        "events": OrderEvent.objects.count(),
        "ratings": Rating.objects.count(),
    }
    if order is not None:
        snap["row"] = Order.objects.filter(pk=order.pk).values().get()
    return snap


def refused(
    call: Callable[[], object],
    *,
    error: type[DomainError] = DomainError,
    errors: list[tuple[str, str | None]],
    order: Order | None = None,
) -> DomainError:
    """Assert ``call`` raises exactly ``error`` with exactly these (code, field) pairs and
    that nothing was written."""
    before = snapshot(order)
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot(order) == before
    return info.value
