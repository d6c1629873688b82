"""Order events → notifications: who is told what when an order moves.

Every event the order loop records (``services.events.record``) is, after its commit,
fanned out here by the ``notify_event`` task: the resident hears about the steps of their
order, staff about orders entering their queue, dispatched to their team, escalated or
urged; the periodic ``warn_deadlines`` task tells whoever holds a step that it is due soon.
Who the people are is ``orders.policy``'s answer; how they are reached (inbox, SMS,
e-mail, quiet hours) is ``notify``'s. Each notification's idempotency key names the event
(or the step deadline), so running any of this twice tells nobody twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from minsheng.catalog.models import Provider
from minsheng.notify.services import notification_send
from minsheng.orders import policy
from minsheng.orders.models import OPEN_STATUSES, Action, Order, OrderEvent
from minsheng.orders.rating_links import rating_path

# What the resident is told, by the event's action.
RESIDENT_TEMPLATES: dict[str, str] = {
    Action.APPROVE: "order_approved",
    Action.REJECT: "order_rejected",
    Action.DISPATCH: "order_dispatched",
    Action.REDISPATCH: "order_dispatched",
    Action.GRAB: "order_dispatched",
    Action.ACCEPT: "order_accepted",
    Action.START: "order_started",
    Action.DELIVER: "order_delivered",
    Action.REOPEN: "order_reopened",
}
# Steps that leave the order in the dispatch staff's hands.
QUEUE_ACTIONS = frozenset(
    {Action.SUBMIT, Action.APPROVE, Action.REOPEN, Action.DECLINE, Action.ACCEPT_TIMEOUT}
)
STAFF_ACTIONS = QUEUE_ACTIONS | {
    Action.DISPATCH,
    Action.REDISPATCH,
    Action.ESCALATE,
    Action.URGE,
    Action.ESCALATE_COUNTY,
    Action.REASSIGN,
}
NOTIFIED_ACTIONS = frozenset(RESIDENT_TEMPLATES) | STAFF_ACTIONS
REASON_CHARS = 60


def event_recorded(event: OrderEvent) -> None:
    """Fan the event out after the commit (nothing happens if it rolls back)."""
    if event.action not in NOTIFIED_ACTIONS:
        return
    from minsheng.orders.tasks import notify_event

    event_id = event.pk
    transaction.on_commit(lambda: notify_event.delay(event_id), robust=True)


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _provider_name(order: Order, event: OrderEvent | None) -> str:
    """The team the event concerns (a decline's is the one that let it go), else the
    order's."""
    provider_id = event.provider_id if event is not None and event.provider_id else None
    if provider_id is None or provider_id == order.provider_id:
        return order.provider.name if order.provider is not None else ""
    provider = Provider.objects.filter(pk=provider_id).first()
    return provider.name if provider is not None else ""


def _params(order: Order, event: OrderEvent | None = None) -> dict[str, str]:
    note = event.note if event is not None else ""
    return {
        "number": order.number,
        "title": order.title,
        "place": order.region.name,
        "provider": _provider_name(order, event),
        "state": str(order.get_status_display()),
        "reason": note[:REASON_CHARS] + ("…" if len(note) > REASON_CHARS else ""),
        "due": _local(order.step_deadline),
    }


def _tell_staff(
    people: Iterable[User],
    *,
    key: str,
    template: str,
    order: Order,
    params: dict[str, str],
    skip: int | None,
) -> int:
    told = 0
    link = reverse("staff_order", args=[order.pk])
    for person in people:
        if person.pk == skip:
            continue
        notification_send(
            recipient=person,
            key=key,
            template=template,
            params=params,
            link=link,
            about=f"order:{order.pk}",
        )
        told += 1
    return told


def _tell_resident(order: Order, event: OrderEvent, params: dict[str, str]) -> int:
    template = RESIDENT_TEMPLATES.get(event.action)
    if template is None:
        return 0
    resident, phone = policy.resident_to_tell(order)
    if resident is None and not phone:
        return 0
    if resident is not None and resident.pk == event.actor_id:
        return 0
    link = reverse("my_order", args=[order.pk]) if resident is not None else ""
    if event.action == Action.DELIVER:
        link = rating_path(order_id=order.pk, round=event.round)
        params = {**params, "link": f"{settings.MINSHENG_SITE_URL}{link}"}
    notification_send(
        recipient=resident,
        phone=phone,
        key=f"order-event:{event.pk}",
        template=template,
        params=params,
        link=link,
        about=f"order:{order.pk}",
    )
    return 1


def _staff_for_event(order: Order, event: OrderEvent) -> tuple[list[User], str]:
    """Who among staff hears of this event, and with which template."""
    action = event.action
    if action in QUEUE_ACTIONS:
        # Only if it is still waiting (an approval dispatched at once is nobody's queue).
        if order.status != event.new_status or order.status not in OPEN_STATUSES:
            return [], ""
        return list(policy.queue_dispatchers(order)), "staff_queue"
    if action in (Action.DISPATCH, Action.REDISPATCH, Action.REASSIGN):
        if order.provider_id != event.provider_id or order.status not in OPEN_STATUSES:
            return [], ""
        return list(policy.provider_staff(event.provider_id)), "staff_assigned"
    if action == Action.ESCALATE:
        people = {u.pk: u for u in policy.queue_dispatchers(order)}
        people.update({u.pk: u for u in policy.provider_staff(order.provider_id)})
        return list(people.values()), "staff_escalated"
    if action == Action.ESCALATE_COUNTY:
        return list(policy.county_dispatchers()), "staff_escalated"
    if action == Action.URGE:
        return list(policy.provider_staff(order.provider_id)), "staff_urged"
    return [], ""


def notify_event(event_id: int) -> int:
    """Tell everyone an event concerns (in the default language); how many were told."""
    event = OrderEvent.objects.select_related("order").filter(pk=event_id).first()
    if event is None:
        return 0
    order = (
        Order.objects.select_related("service", "area", "region", "provider")
        .filter(pk=event.order_id)
        .get()
    )
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        params = _params(order, event)
        told = _tell_resident(order, event, params)
        people, template = _staff_for_event(order, event)
        if template:
            told += _tell_staff(
                people,
                key=f"order-event:{event.pk}",
                template=template,
                order=order,
                params=params,
                skip=event.actor_id,
            )
    return told


def warn_deadlines(*, now: datetime | None = None) -> int:
    """Tell whoever holds each open order's current step, once, that it is due within
    ``MINSHENG_DEADLINE_WARNING_HOURS`` (the key names the deadline: a new step's deadline
    warns again)."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.MINSHENG_DEADLINE_WARNING_HOURS)
    orders = (
        Order.objects.filter(
            status__in=OPEN_STATUSES,
            step_deadline__gte=now,
            step_deadline__lte=soon,
            escalated_at__isnull=True,
        )
        .select_related("service", "area", "region", "provider")
        .order_by("step_deadline")
    )
    told = 0
    with translation.override(settings.LANGUAGE_CODE):
        for order in orders[:1000]:
            deadline = order.step_deadline
            assert deadline is not None
            with transaction.atomic():
                told += _tell_staff(
                    policy.owners_now(order),
                    key=f"order-deadline:{order.pk}:{int(deadline.timestamp())}",
                    template="staff_deadline",
                    order=order,
                    params=_params(order),
                    skip=None,
                )
    return told
