"""审单: the dispatcher's review. Approve (an auto-dispatch service goes straight on to its
best candidate) or reject with a reason for the resident."""

from __future__ import annotations

from datetime import datetime

from minsheng.accounts.types import Actor
from minsheng.orders.models import Action, Audience, Order
from minsheng.orders.services.dispatch import auto_dispatch
from minsheng.orders.services.steps import perform, read_audience, read_note


def order_approve(
    *,
    order_id: int,
    actor: Actor,
    note: str = "",
    audience: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Approve at review, with an optional note (staff-only unless ``audience`` says)."""
    return perform(
        order_id,
        verb="approve",
        action=Action.APPROVE,
        actor=actor,
        now=now,
        note=read_note(note),
        audience=read_audience(audience),
        then=lambda order, at: auto_dispatch(order, at=at),
    )


def order_reject(*, order_id: int, actor: Actor, reason: str, now: datetime | None = None) -> Order:
    """Reject at review; the reason is addressed to the resident."""
    return perform(
        order_id,
        verb="reject",
        action=Action.REJECT,
        actor=actor,
        now=now,
        note=read_note(reason, field="reason", required=True),
        audience=Audience.RESIDENT,
    )
