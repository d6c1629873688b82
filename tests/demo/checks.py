"""Consistency checks of seeded order history against the transition table."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings

from minsheng.catalog.models import UrgencyClass
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
    limits = {u.pk: u for u in UrgencyClass.objects.all()}
    close_after = timedelta(days=settings.MINSHENG_AUTO_CLOSE_DAYS)
    for o in Order.objects.all():
        evs = events[o.pk]
        p = f"order {o.pk}"
        if not evs or evs[0].action != Action.SUBMIT or evs[0].new_status != Status.SUBMITTED:
            problems.append(f"{p}: does not start with submit")
            continue
        u = limits[o.urgency_id]
        status, rnd, provider, escalations = Status.SUBMITTED, 0, None, 0
        escalated_at = None
        stamps: dict[str, datetime | None] = {"dispatched_at": None, "accepted_at": None}
        stamps["delivered_at"] = None
        step: datetime | None = o.created_at + u.review_limit
        resolve = o.created_at + u.resolve_limit
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
            t = e.created_at
            if e.action in ASSIGN_ACTIONS:
                provider = e.provider_id
                stamps["dispatched_at"] = t
            elif e.action in QUEUE_ACTIONS:
                provider = None
                stamps["dispatched_at"] = None
            if e.action in (Action.ACCEPT, Action.GRAB):
                stamps["accepted_at"] = t
            if e.action == Action.DELIVER:
                stamps["delivered_at"] = t
            if e.action == Action.REOPEN:
                stamps = dict.fromkeys(stamps)
                resolve = t + u.resolve_limit
            status = e.new_status
            if status in (Status.APPROVED, Status.REOPENED):
                step = t + u.review_limit
            elif status == Status.DISPATCHED:
                step = t + u.accept_limit
            elif status in (Status.ACCEPTED, Status.IN_SERVICE):
                step = max(resolve, t)
            elif status == Status.DELIVERED:
                step = t + close_after
            else:
                step = None
        if o.status != status:
            problems.append(f"{p}: status {o.status} but events end in {status}")
        if o.round != rnd:
            problems.append(f"{p}: round {o.round}, events say {rnd}")
        if o.provider_id != provider:
            problems.append(f"{p}: provider {o.provider_id}, events say {provider}")
        if o.escalation_count != escalations or o.escalated_at != escalated_at:
            problems.append(f"{p}: escalation fields disagree with the events")
        for name, value in stamps.items():
            if getattr(o, name) != value:
                problems.append(f"{p}: {name} {getattr(o, name)} but events say {value}")
        if o.step_deadline != step:
            problems.append(f"{p}: step_deadline {o.step_deadline}, events say {step}")
        if o.resolve_deadline != resolve:
            problems.append(f"{p}: resolve_deadline {o.resolve_deadline}, events say {resolve}")
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
