"""派单: sending an order to a provider — by a dispatcher, automatically on approval, or by
a provider grabbing it — and its return to the queue when the provider declines or does not
take it in time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.catalog.models import Provider, Service
from minsheng.core.errors import DomainError
from minsheng.core.ids import as_id
from minsheng.orders import policy
from minsheng.orders.candidates import best_candidate
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import DISPATCH_QUEUE_STATUSES, Action, Audience, Order
from minsheng.orders.selectors import used_capacity_today
from minsheng.orders.services.steps import lock, moment, read_audience, read_note, take


def _lock_providers(ids: Iterable[int]) -> None:
    """Lock provider rows until the end of the transaction, so that their spare capacity is
    counted and used by one step at a time (two dispatches cannot both take the last slot).

    Always after the order's lock and in ascending id, so no two steps wait on each other.
    """
    list(Provider.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk").only("pk"))


def check_provider(order: Order, provider_id: object, at: datetime) -> Provider:
    pk = as_id(provider_id)
    if pk is not None:
        _lock_providers([pk])
    provider = Provider.objects.filter(pk=pk).first() if pk is not None else None
    if provider is None or provider.pk not in policy.eligible_provider_ids(order):
        raise DomainError.single(
            OrderCode.PROVIDER_NOT_ELIGIBLE,
            _("This provider does not serve this place and kind of service."),
            "provider",
        )
    used = used_capacity_today([provider.pk], at).get(provider.pk, 0)
    if used >= provider.daily_capacity:
        raise DomainError.single(
            OrderCode.PROVIDER_FULL, _("This provider has no capacity left today."), "provider"
        )
    return provider


def refuse_same_provider(order: Order, provider_id: object) -> None:
    """Sending an order elsewhere (re-dispatch, reassignment) to the team holding it."""
    if order.provider_id == as_id(provider_id):
        raise DomainError.single(
            OrderCode.PROVIDER_UNCHANGED,
            _("The order is already with this provider."),
            "provider",
        )


def auto_dispatch(order: Order, *, at: datetime) -> bool:
    """Send a queued auto-dispatch order to its best available candidate, if any.

    Called inside the transaction of the step that queued the order (approval, decline,
    timeout, reopening), so the order is never seen queued in between.
    """
    if order.status not in DISPATCH_QUEUE_STATUSES or order.service_id is None:
        return False
    mode = Service.objects.filter(pk=order.service_id).values_list("dispatch_mode", flat=True)
    if mode.first() != Service.DispatchMode.AUTO:
        return False
    _lock_providers(policy.eligible_provider_ids(order))
    best = best_candidate(order, now=at)
    if best is None:
        return False
    take(order, Action.DISPATCH, actor=None, at=at, provider_id=best.provider.pk)
    return True


def _send(
    order_id: int,
    *,
    action: str,
    actor: Actor,
    provider_id: int,
    note: str,
    audience: str | None,
    now: datetime | None,
) -> Order:
    note = read_note(note)
    audience = read_audience(audience)
    with transaction.atomic():
        order = lock(order_id)
        policy.require(action, actor, order)  # the verbs are the actions' names
        if action == Action.REDISPATCH:
            refuse_same_provider(order, provider_id)
        at = moment(order, now)
        provider = check_provider(order, provider_id, at)
        take(
            order,
            action,
            actor=actor,
            at=at,
            note=note,
            audience=audience,
            provider_id=provider.pk,
        )
    return order


def order_dispatch(
    *,
    order_id: int,
    actor: Actor,
    provider_id: int,
    note: str = "",
    audience: str | None = None,
    now: datetime | None = None,
) -> Order:
    """A dispatcher sends a queued order to a provider.

    An order already dispatched is a conflict (``already_dispatched``): a colleague sent it
    first. Sending it elsewhere is a re-dispatch, asked for explicitly.
    """
    return _send(
        order_id,
        action=Action.DISPATCH,
        actor=actor,
        provider_id=provider_id,
        note=note,
        audience=audience,
        now=now,
    )


def order_redispatch(
    *,
    order_id: int,
    actor: Actor,
    provider_id: int,
    note: str = "",
    audience: str | None = None,
    now: datetime | None = None,
) -> Order:
    """A dispatcher takes a dispatched order from its provider and sends it to another."""
    return _send(
        order_id,
        action=Action.REDISPATCH,
        actor=actor,
        provider_id=provider_id,
        note=note,
        audience=audience,
        now=now,
    )


def back_to_queue(order: Order, *, action: str, actor: Actor, at: datetime, note: str) -> None:
    """Declined or not taken: the order returns to dispatch, never lost.

    The event keeps the provider who let it go, which excludes them from this round's
    automatic dispatch (see ``declined_provider_ids``).
    """
    take(order, action, actor=actor, at=at, note=note, audience=Audience.STAFF)
    auto_dispatch(order, at=at)


def order_decline(
    *, order_id: int, actor: Actor, reason: str, now: datetime | None = None
) -> Order:
    """The provider gives a dispatched order back, with a reason for the dispatcher."""
    reason = read_note(reason, field="reason", required=True)
    with transaction.atomic():
        order = lock(order_id)
        policy.require("decline", actor, order)
        back_to_queue(order, action=Action.DECLINE, actor=actor, at=moment(order, now), note=reason)
    return order


def order_grab(
    *, order_id: int, actor: Actor, provider_id: int | None = None, now: datetime | None = None
) -> Order:
    """First come, first served: the row lock lets exactly one provider win.

    Without ``provider_id``, the order goes to the lowest-numbered of the actor's teams
    that may take it (staff of one team, the usual case, need not name it).
    """
    with transaction.atomic():
        order = lock(order_id)
        policy.require("grab", actor, order)
        teams = policy.grab_teams(actor, order)
        chosen = min(teams) if provider_id is None else as_id(provider_id)
        if chosen not in teams:
            raise policy.not_permitted()
        at = moment(order, now)
        provider = check_provider(order, chosen, at)
        take(order, Action.GRAB, actor=actor, at=at, provider_id=provider.pk)
    return order
