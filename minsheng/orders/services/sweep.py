"""Time limits: the sweep that escalates overdue steps, returns dispatched orders nobody
took in time to the queue, and closes delivered orders nobody rated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.orders import lifecycle
from minsheng.orders.models import OPEN_STATUSES, Action, Audience, Order, Status
from minsheng.orders.services import events
from minsheng.orders.services.dispatch import back_to_queue
from minsheng.orders.services.steps import apply, lock, moment, state_of, take


def timeout_note() -> str:
    """The note of an acceptance that timed out (the sweep's words)."""
    return str(_("Not taken within the time limit."))


def escalation_note(due: datetime) -> str:
    """The note of an escalation: since when the step is overdue, in local time."""
    return str(
        _("Step overdue since %(due)s.")
        % {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}
    )


@dataclass
class SweepResult:
    escalated: int = 0
    redispatched: int = 0
    requeued: int = 0
    auto_closed: int = 0


def _sweep_one(order_id: int, now: datetime, result: SweepResult) -> None:
    with transaction.atomic():
        order = lock(order_id)
        # Re-check under the lock: another sweep or a person may have acted meanwhile.
        if order.step_deadline is None or order.step_deadline >= now:
            return
        now = moment(order, now)
        if order.status == Status.DISPATCHED:
            back_to_queue(
                order,
                action=Action.ACCEPT_TIMEOUT,
                actor=None,
                at=now,
                note=timeout_note(),
            )
            if order.status == Status.DISPATCHED:
                result.redispatched += 1
            else:
                result.requeued += 1
        elif order.status == Status.DELIVERED:
            take(order, Action.AUTO_CLOSE, actor=None, at=now)
            result.auto_closed += 1
        elif lifecycle.overdue(state_of(order), now):
            due = order.step_deadline
            change = lifecycle.escalate(state_of(order), now)
            apply(order, change)
            events.record(
                order,
                change,
                actor=None,
                audience=Audience.STAFF,
                note=escalation_note(due),
            )
            result.escalated += 1


def sweep(*, now: datetime | None = None, batch: int = 1000) -> SweepResult:
    """Escalate overdue steps, re-dispatch timed-out acceptances, auto-close unrated orders.

    Idempotent: an escalated step is not escalated again, and every order is re-checked
    under its lock, so overlapping sweeps do no harm.
    """
    now = now or timezone.now()
    result = SweepResult()
    due = (
        Order.objects.filter(step_deadline__lt=now)
        .filter(
            # open steps not yet escalated, dispatched (re-dispatch), delivered (auto-close)
            status__in=[*OPEN_STATUSES, Status.DELIVERED]
        )
        .exclude(escalated_at__isnull=False, status__in=OPEN_STATUSES - {Status.DISPATCHED})
        .order_by("step_deadline")
        .values_list("pk", flat=True)
    )
    for order_id in list(due[:batch]):
        _sweep_one(order_id, now, result)
    return result
