"""A dispatcher's day at the desk (issue 8): approve and dispatch in one step, urge the
provider (催办), reassign an order already taken, add an internal note, hand an order up to
the county.

Each is one transaction through ``steps`` (lock, ask ``orders.policy``, take the time under
the lock, the lifecycle's change, its event with its audience); a refusal writes nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from minsheng.accounts.types import Actor
from minsheng.orders import lifecycle, policy
from minsheng.orders.models import Action, Audience, Order, OrderEvent
from minsheng.orders.services import events
from minsheng.orders.services.comment import add_note
from minsheng.orders.services.dispatch import check_provider, refuse_same_provider
from minsheng.orders.services.steps import (
    apply,
    lock,
    moment,
    read_audience,
    read_note,
    state_of,
    take,
)


def order_approve_dispatch(
    *,
    order_id: int,
    actor: Actor,
    provider_id: object,
    note: str = "",
    audience: str | None = None,
    now: datetime | None = None,
) -> Order:
    """审单 and 派单 at once: approve a submitted order and send it to ``provider_id``.

    Both steps are recorded (approve, then dispatch, at the same moment; the note goes with
    the dispatch). All or nothing: a provider that may not take it (not eligible, full)
    leaves the order submitted and writes nothing. An auto-dispatch service is not
    auto-dispatched: the dispatcher chose.
    """
    note = read_note(note)
    audience = read_audience(audience)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("approve_dispatch", actor, order)
        at = moment(order, now)
        take(order, Action.APPROVE, actor=actor, at=at)
        provider = check_provider(order, provider_id, at)
        take(
            order,
            Action.DISPATCH,
            actor=actor,
            at=at,
            note=note,
            audience=audience,
            provider_id=provider.pk,
        )
    return order


def order_reassign(
    *,
    order_id: int,
    actor: Actor,
    provider_id: object,
    reason: str,
    now: datetime | None = None,
) -> Order:
    """Take an accepted or in-service order from its provider and send it to another, who
    must accept it; the old team loses it (as with a re-dispatch). The reason is staff-only."""
    reason = read_note(reason, field="reason", required=True)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("reassign", actor, order)
        refuse_same_provider(order, provider_id)
        at = moment(order, now)
        provider = check_provider(order, provider_id, at)
        take(
            order,
            Action.REASSIGN,
            actor=actor,
            at=at,
            note=reason,
            audience=Audience.STAFF,
            provider_id=provider.pk,
        )
    return order


def order_urge(
    *, order_id: int, actor: Actor, note: str = "", now: datetime | None = None
) -> OrderEvent:
    """催办: press the provider holding an open order. Recorded as a staff-only step naming
    the provider (the notifications read it from there); the order's state is unchanged."""
    note = read_note(note)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("urge", actor, order)
        return add_note(
            order, action=Action.URGE, actor=actor, note=note, audience=Audience.STAFF, now=now
        )


def order_note(
    *,
    order_id: int,
    actor: Actor,
    note: str,
    audience: str | None = None,
    now: datetime | None = None,
) -> OrderEvent:
    """An internal note from staff acting on the order: staff only unless they choose."""
    note = read_note(note, required=True)
    chosen = read_audience(audience)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("note", actor, order)
        return add_note(order, actor=actor, note=note, audience=chosen, now=now)


def order_escalate_county(
    *, order_id: int, actor: Actor, reason: str, now: datetime | None = None
) -> Order:
    """A township dispatcher hands an open order up to the county, saying why: a flag
    (``county_escalated_at``) and a staff-only event; county dispatchers then see it among
    their escalations."""
    reason = read_note(reason, field="reason", required=True)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("escalate_county", actor, order)
        at = moment(order, now)
        try:
            change = lifecycle.escalate_county(state_of(order), at)
        except lifecycle.Refused:
            raise policy.illegal(order, Action.ESCALATE_COUNTY) from None
        apply(order, change)
        events.record(order, change, actor=actor, audience=Audience.STAFF, note=reason)
    return order
