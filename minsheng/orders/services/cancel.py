"""Cancelling an open order: the resident, or staff at the resident's request."""

from __future__ import annotations

from datetime import datetime

from minsheng.accounts.types import Actor
from minsheng.orders.models import Action, Audience, Order
from minsheng.orders.services.steps import perform, read_note


def order_cancel(
    *, order_id: int, actor: Actor, reason: str = "", now: datetime | None = None
) -> Order:
    """Cancel while the order is open; the reason is the resident's, or said to them."""
    return perform(
        order_id,
        verb="cancel",
        action=Action.CANCEL,
        actor=actor,
        now=now,
        note=read_note(reason, field="reason"),
        audience=Audience.RESIDENT,
    )
