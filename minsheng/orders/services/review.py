"""审单: the dispatcher's review. Approve (an auto-dispatch service goes straight on to its
best candidate) or reject with a reason for the resident."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from minsheng.accounts.types import Actor
from minsheng.orders import policy
from minsheng.orders.models import Action, Audience, Order
from minsheng.orders.services.dispatch import auto_dispatch
from minsheng.orders.services.steps import lock, moment, read_audience, read_note, take


def order_approve(
    *,
    order_id: int,
    actor: Actor,
    note: str = "",
    audience: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Approve at review, with an optional note (staff-only unless ``audience`` says)."""
    note = read_note(note)
    audience = read_audience(audience)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("approve", actor, order)
        at = moment(order, now)
        take(order, Action.APPROVE, actor=actor, at=at, note=note, audience=audience)
        auto_dispatch(order, at=at)
    return order


def order_reject(*, order_id: int, actor: Actor, reason: str, now: datetime | None = None) -> Order:
    """Reject at review; the reason is addressed to the resident."""
    reason = read_note(reason, field="reason", required=True)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("reject", actor, order)
        take(
            order,
            Action.REJECT,
            actor=actor,
            at=moment(order, now),
            note=reason,
            audience=Audience.RESIDENT,
        )
    return order
