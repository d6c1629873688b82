"""What every step of the order loop does: lock the order, take the time after the lock,
ask the lifecycle for the change, write it and record its event.

A step that reads the time before it holds the lock can be written after a colleague's
later step: the history then reads out of order, and ``updated_at`` can be older than the
newest event (Open311 clients polling ``updated_after`` would miss the change). So the
time is taken under the lock, and never earlier than the order's last change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.catalog.selectors import urgency_class
from minsheng.core.errors import DomainError, NotFound
from minsheng.core.ids import as_id
from minsheng.core.inputs import Invalid, read_text
from minsheng.orders import lifecycle, policy
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import Audience, Order, OrderEvent
from minsheng.orders.services import events

MAX_NOTE = 2000


def lock(order_id: object) -> Order:
    """Lock the order row for the rest of the transaction (SQLite: the whole database)."""
    pk = as_id(order_id)
    order = Order.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if order is None:
        raise NotFound.single(OrderCode.ORDER_NOT_FOUND, _("No such order."), "order")
    return order


def moment(order: Order, now: datetime | None) -> datetime:
    """The time of a step on a locked order: now (or the time given), never earlier than
    the order's last change."""
    return max(now or timezone.now(), order.updated_at)


def limits_of(order: Order) -> lifecycle.Limits:
    urgency = urgency_class(pk=order.urgency_id)
    return lifecycle.Limits(
        review=urgency.review_limit,
        accept=urgency.accept_limit,
        resolve=urgency.resolve_limit,
        auto_close=timedelta(days=settings.MINSHENG_AUTO_CLOSE_DAYS),
    )


def state_of(order: Order) -> lifecycle.State:
    return lifecycle.State(**{name: getattr(order, name) for name in lifecycle.STATE_FIELDS})


def apply(order: Order, change: lifecycle.Change) -> None:
    """Write a change to the (locked) order row: only the fields it changed."""
    changed = change.changed(state_of(order))
    for name, value in changed.items():
        setattr(order, name, value)
    if changed:
        order.save(update_fields=list(changed))


def take(
    order: Order,
    action: str,
    *,
    actor: Actor,
    at: datetime,
    note: str = "",
    audience: str | None = None,
    provider_id: int | None = None,
) -> OrderEvent:
    """Move a locked order one step along the lifecycle and record it."""
    try:
        change = lifecycle.step(
            state_of(order), action, at, limits_of(order), provider_id=provider_id
        )
    except lifecycle.Refused:
        raise policy.illegal(order, action) from None
    apply(order, change)
    return events.record(
        order,
        change,
        actor=actor,
        audience=audience or policy.default_audience(action),
        note=note,
    )


def perform(
    order_id: int,
    *,
    verb: str,
    action: str,
    actor: Actor,
    now: datetime | None,
    note: str = "",
    audience: str | None = None,
    then: Callable[[Order, datetime], object] | None = None,
) -> Order:
    """The whole of a simple step: lock, ask the policy (``verb``), take the time, take the
    step; ``then`` runs in the same transaction (auto-dispatch after an approval)."""
    with transaction.atomic():
        order = lock(order_id)
        policy.require(verb, actor, order)
        at = moment(order, now)
        take(order, action, actor=actor, at=at, note=note, audience=audience)
        if then is not None:
            then(order, at)
    return order


def read_note(value: object, *, field: str = "note", required: bool = False) -> str:
    """A note or a reason: text of at most ``MAX_NOTE`` characters; a required one is a
    reason the person must give."""
    try:
        text = read_text(value, max_length=MAX_NOTE)
    except Invalid as exc:
        raise exc.error(field) from None
    if required and not text:
        raise DomainError.single(OrderCode.REASON_REQUIRED, _("Please give a reason."), field)
    return text


def read_audience(value: object, *, default: str = Audience.STAFF) -> str:
    """Who will read a note: one of the audiences; nothing given is ``default``."""
    if value is None or value == "":
        return default
    if isinstance(value, str) and value in Audience.values:
        return value
    raise DomainError.single(
        OrderCode.AUDIENCE_INVALID,
        _("Choose who will read this: staff only, the resident and staff, or everyone."),
        "audience",
    )
