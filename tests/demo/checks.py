"""Consistency checks of seeded order history against the transition table."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from minsheng.orders.models import (
    ACTION_TRANSITIONS,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Order,
    OrderEvent,
    Rating,
    Status,
)

QUEUE_ACTIONS = {Action.DECLINE, Action.ACCEPT_TIMEOUT, Action.REOPEN}
ASSIGN_ACTIONS = {Action.DISPATCH, Action.REDISPATCH, Action.GRAB}
FINAL_TIME = {Status.CLOSED, Status.REJECTED, Status.CANCELLED}


def history_problems(now: datetime) -> list[str]:
    """Every way an order's fields, events and ratings disagree; empty when consistent."""
    problems: list[str] = []
    events = defaultdict(list)
    for e in OrderEvent.objects.order_by("order_id", "created_at", "pk"):
        events[e.order_id].append(e)
    ratings = defaultdict(list)
    for r in Rating.objects.order_by("created_at", "pk"):
        ratings[r.order_id].append(r)
    for o in Order.objects.all():
        evs = events[o.pk]
        p = f"order {o.pk}"
        if not evs or evs[0].action != Action.SUBMIT or evs[0].new_status != Status.SUBMITTED:
            problems.append(f"{p}: does not start with submit")
            continue
        status, rnd, provider, escalations = Status.SUBMITTED, 0, None, 0
        escalated_at = None
        expected_ratings = []
        last = evs[0].created_at
        for e in evs[1:]:
            if e.created_at < last:
                problems.append(f"{p}: time runs backwards at {e.action}")
            last = e.created_at
            if e.old_status != status:
                problems.append(f"{p}: {e.action} from {e.old_status}, order was {status}")
            if e.action == Action.ESCALATE:
                if e.new_status != status or status not in OPEN_STATUSES:
                    problems.append(f"{p}: bad escalation in {status}")
                if escalated_at is not None:
                    problems.append(f"{p}: escalated twice in one step")
                escalations += 1
                escalated_at = e.created_at
                continue
            if (e.old_status, e.new_status) not in ACTION_TRANSITIONS[e.action] or (
                e.new_status not in TRANSITIONS[e.old_status]
            ):
                problems.append(f"{p}: illegal {e.action} {e.old_status}->{e.new_status}")
            escalated_at = None
            if e.action in (Action.RATE, Action.REOPEN):
                expected_ratings.append((rnd, e.created_at))
            if e.action == Action.REOPEN:
                rnd += 1
            if e.round != rnd:
                problems.append(f"{p}: {e.action} has round {e.round}, expected {rnd}")
            if e.action in ASSIGN_ACTIONS:
                provider = e.provider_id
            elif e.action in QUEUE_ACTIONS:
                provider = None
            status = e.new_status
        if o.status != status:
            problems.append(f"{p}: status {o.status} but events end in {status}")
        if o.round != rnd:
            problems.append(f"{p}: round {o.round}, events say {rnd}")
        if o.provider_id != provider:
            problems.append(f"{p}: provider {o.provider_id}, events say {provider}")
        if o.escalation_count != escalations or o.escalated_at != escalated_at:
            problems.append(f"{p}: escalation fields disagree with the events")
        if o.updated_at != last:
            problems.append(f"{p}: updated_at is not the last event's time")
        if last > now:
            problems.append(f"{p}: an event in the future")
        if status in FINAL_TIME and o.closed_at != last:
            problems.append(f"{p}: closed_at is not the final event's time")
        if status in OPEN_STATUSES | {Status.DELIVERED} and o.closed_at is not None:
            problems.append(f"{p}: open but closed_at set")
        got = [(r.round, r.created_at) for r in ratings[o.pk]]
        if got != expected_ratings:
            problems.append(f"{p}: ratings {got} do not match rate/reopen events")
    return problems
