"""接单: the provider takes the order, starts the service and delivers it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from minsheng.accounts.types import Actor
from minsheng.orders import policy
from minsheng.orders.models import Action, Order
from minsheng.orders.services.steps import lock, moment, read_audience, read_note, take


def order_accept(*, order_id: int, actor: Actor, now: datetime | None = None) -> Order:
    with transaction.atomic():
        order = lock(order_id)
        policy.require("accept", actor, order)
        take(order, Action.ACCEPT, actor=actor, at=moment(order, now))
    return order


def order_start(
    *,
    order_id: int,
    actor: Actor,
    note: str = "",
    audience: str | None = None,
    now: datetime | None = None,
) -> Order:
    note = read_note(note)
    audience = read_audience(audience)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("start", actor, order)
        take(order, Action.START, actor=actor, at=moment(order, now), note=note, audience=audience)
    return order


def order_deliver(
    *,
    order_id: int,
    actor: Actor,
    note: str,
    audience: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Delivered, with a note of what was done (staff-only unless ``audience`` says)."""
    note = read_note(note, required=True)
    audience = read_audience(audience)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("deliver", actor, order)
        take(
            order, Action.DELIVER, actor=actor, at=moment(order, now), note=note, audience=audience
        )
    return order
