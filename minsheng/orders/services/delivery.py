"""接单: the provider takes the order, starts the service and delivers it."""

from __future__ import annotations

from datetime import datetime

from minsheng.accounts.types import Actor
from minsheng.orders.models import Action, Order
from minsheng.orders.services.steps import perform, read_audience, read_note


def order_accept(*, order_id: int, actor: Actor, now: datetime | None = None) -> Order:
    return perform(order_id, verb="accept", action=Action.ACCEPT, actor=actor, now=now)


def order_start(
    *,
    order_id: int,
    actor: Actor,
    note: str = "",
    audience: str | None = None,
    now: datetime | None = None,
) -> Order:
    return perform(
        order_id,
        verb="start",
        action=Action.START,
        actor=actor,
        now=now,
        note=read_note(note),
        audience=read_audience(audience),
    )


def order_deliver(
    *,
    order_id: int,
    actor: Actor,
    note: str,
    audience: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Delivered, with a note of what was done (staff-only unless ``audience`` says)."""
    return perform(
        order_id,
        verb="deliver",
        action=Action.DELIVER,
        actor=actor,
        now=now,
        note=read_note(note, required=True),
        audience=read_audience(audience),
    )
