"""Helpers for the order-loop tests: take a snapshot of everything a refused call must leave
untouched, assert refusals exactly, read an order's history. (Orders at a given step come
from ``tests.helpers``.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minsheng.catalog.models import Service
from minsheng.core.errors import DomainError
from minsheng.orders.models import Order, OrderEvent, Rating


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
