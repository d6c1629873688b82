"""Updates added to an order's history without changing its state."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import DomainError
from minsheng.orders import policy
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import Action, Audience, Order, OrderEvent
from minsheng.orders.services import events
from minsheng.orders.services.steps import lock, moment, read_audience, read_note


def order_comment(
    *,
    order_id: int,
    actor: Actor,
    note: str,
    audience: str | None = None,
    now: datetime | None = None,
) -> OrderEvent:
    """An update from the order's resident or from staff in scope.

    The resident's words go to the resident and staff; staff choose who reads theirs
    (staff only by default).
    """
    note = read_note(note, required=True)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("comment", actor, order)
        if policy.reading_of(actor, order).audience == Audience.RESIDENT:
            if audience not in (None, "", Audience.RESIDENT):
                raise DomainError.single(
                    OrderCode.AUDIENCE_INVALID,
                    _("Your updates are read by you and the staff."),
                    "audience",
                )
            chosen: str = Audience.RESIDENT
        else:
            chosen = read_audience(audience)
        return add_note(order, actor=actor, note=note, audience=chosen, now=now)


def client_comment(*, order_id: int, note: str, now: datetime | None = None) -> OrderEvent:
    """A client application's public update (Open311's ``servicerequestupdates``).

    The adapter has checked that its key may write to this order; the order must still be
    open to updates.
    """
    note = read_note(note, required=True)
    with transaction.atomic():
        order = lock(order_id)
        refusal = policy.final_refusal(order)
        if refusal is not None:
            raise refusal
        return add_note(order, actor=None, note=note, audience=Audience.PUBLIC, now=now)


def add_note(
    order: Order,
    *,
    actor: Actor,
    note: str,
    audience: str,
    now: datetime | None,
    action: str = Action.COMMENT,
) -> OrderEvent:
    """Record a step that changes no state (an update, an urge) on a locked order."""
    at = moment(order, now)
    order.updated_at = at
    order.save(update_fields=["updated_at"])
    return events.record_note(
        order, action=action, at=at, actor=actor, audience=audience, note=note
    )
