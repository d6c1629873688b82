"""Cancelling an open order: the resident, or staff at the resident's request."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from minsheng.accounts.types import Actor
from minsheng.orders import policy
from minsheng.orders.models import Action, Audience, Order
from minsheng.orders.services.steps import lock, moment, read_note, take


def order_cancel(
    *, order_id: int, actor: Actor, reason: str = "", now: datetime | None = None
) -> Order:
    """Cancel while the order is open; the reason is the resident's, or said to them."""
    reason = read_note(reason, field="reason")
    with transaction.atomic():
        order = lock(order_id)
        policy.require("cancel", actor, order)
        take(
            order,
            Action.CANCEL,
            actor=actor,
            at=moment(order, now),
            note=reason,
            audience=Audience.RESIDENT,
        )
    return order
