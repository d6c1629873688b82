"""The one builder of history rows: every write of the order loop records its step here.

An event says what happened (action, from and to), when, who took it and which provider it
concerns, in which round, with an optional note and the audience that may read the note.
Services record events with :func:`record`; the demo's bulk history writer builds the same
rows with :func:`build` (unsaved), so the two can never disagree on a column. Every event
recorded here is fanned out to the people it concerns after its commit
(``orders.notifications``); bulk-written history notifies nobody.
"""

from __future__ import annotations

from datetime import datetime

from minsheng.accounts.types import Actor
from minsheng.orders.lifecycle import Change
from minsheng.orders.models import Order, OrderEvent
from minsheng.orders.notifications import event_recorded


def build(
    *,
    order_id: int | None,
    action: str,
    old_status: str,
    new_status: str,
    at: datetime,
    round: int,
    audience: str,
    actor_id: int | None = None,
    provider_id: int | None = None,
    note: str = "",
) -> OrderEvent:
    """An unsaved event row (``order_id`` may be set later, as bulk writers do)."""
    return OrderEvent(
        order_id=order_id,  # type: ignore[misc]  # set later by bulk writers
        action=action,
        old_status=old_status,
        new_status=new_status,
        actor_id=actor_id,
        provider_id=provider_id,
        note=note,
        audience=audience,
        round=round,
        created_at=at,
    )


def actor_id_of(actor: Actor) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


def from_change(
    order: Order, change: Change, *, actor: Actor, audience: str, note: str = ""
) -> OrderEvent:
    """The unsaved event of a lifecycle step of ``order``."""
    return build(
        order_id=order.pk,
        action=change.action,
        old_status=change.old_status,
        new_status=change.new_status,
        at=change.at,
        round=change.round,
        audience=audience,
        actor_id=actor_id_of(actor),
        provider_id=change.provider_id,
        note=note,
    )


def record(
    order: Order, change: Change, *, actor: Actor, audience: str, note: str = ""
) -> OrderEvent:
    """Append the event of a lifecycle step (the order row is the caller's to save)."""
    event = from_change(order, change, actor=actor, audience=audience, note=note)
    event.save(force_insert=True)
    event_recorded(event)
    return event


def record_note(
    order: Order, *, action: str, at: datetime, actor: Actor, audience: str, note: str
) -> OrderEvent:
    """Append an event that changes no state (an update, an imported status note)."""
    event = build(
        order_id=order.pk,
        action=action,
        old_status=order.status,
        new_status=order.status,
        at=at,
        round=order.round,
        audience=audience,
        actor_id=actor_id_of(actor),
        provider_id=order.provider_id,
        note=note,
    )
    event.save(force_insert=True)
    event_recorded(event)
    return event
