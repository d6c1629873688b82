"""The oracle of seeded history: every order's recorded events, replayed through the
lifecycle, must give the stored order.

The replay starts from ``lifecycle.submitted`` at the first event and takes each later event
through ``lifecycle.step`` (an escalation through ``lifecycle.escalate``) with the order's
own limits (its urgency class and ``MINSHENG_AUTO_CLOSE_DAYS``, read as the services read
them). Each event must say what the lifecycle says of its step, and the state the replay
ends in must be the stored order's, field by field. No rule of the lifecycle is restated
here: only what it does not cover (ratings, time order, nothing in the future, audiences).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from itertools import pairwise

from minsheng.orders import lifecycle, policy
from minsheng.orders.models import Action, Order, OrderEvent, Rating
from minsheng.orders.services.steps import limits_of, state_of

RATED = frozenset({Action.RATE, Action.REOPEN})  # the steps a rating makes


def history_problems(now: datetime) -> list[str]:
    """Every way an order's fields, events and ratings disagree; empty when consistent."""
    events: dict[int, list[OrderEvent]] = defaultdict(list)
    for e in OrderEvent.objects.order_by("order_id", "created_at", "pk"):
        events[e.order_id].append(e)
    ratings: dict[int, list[Rating]] = defaultdict(list)
    for r in Rating.objects.order_by("created_at", "pk"):
        ratings[r.order_id].append(r)
    problems: list[str] = []
    for order in Order.objects.order_by("pk"):
        problems += [
            f"order {order.pk}: {p}"
            for p in order_problems(order, events[order.pk], ratings[order.pk], now)
        ]
    return problems


def order_problems(
    order: Order, events: list[OrderEvent], ratings: list[Rating], now: datetime
) -> list[str]:
    if not events or events[0].action != Action.SUBMIT:
        return ["does not start with submit"]
    limits = limits_of(order)
    change = lifecycle.submitted(events[0].created_at, limits)
    problems = _disagreements(events[0], change)
    state = change.state
    expected_ratings: list[tuple[int, int | None, datetime]] = []
    for before, e in pairwise(events):
        if e.created_at < before.created_at:
            problems.append(f"time runs backwards at {e.action}")
        try:
            if e.action == Action.ESCALATE:
                change = lifecycle.escalate(state, e.created_at)
            else:
                change = lifecycle.step(
                    state, e.action, e.created_at, limits, provider_id=e.provider_id
                )
        except lifecycle.Refused as refused:
            return [*problems, f"the lifecycle refuses {refused}"]
        if e.action in RATED:  # rated in the round, by the provider, of the delivery
            expected_ratings.append((state.round, state.provider_id, e.created_at))
        problems += _disagreements(e, change)
        state = change.state
    stored = state_of(order)
    for name in lifecycle.STATE_FIELDS:
        if getattr(stored, name) != getattr(state, name):
            problems.append(f"{name} {getattr(stored, name)}, events say {getattr(state, name)}")
    if order.created_at != events[0].created_at:
        problems.append("created_at is not the submit event's time")
    if events[-1].created_at > now:
        problems.append("an event in the future")
    got = [(r.round, r.provider_id, r.created_at) for r in ratings]
    if got != expected_ratings:
        problems.append(f"ratings {got} do not match rate/reopen events {expected_ratings}")
    return problems


def _disagreements(event: OrderEvent, change: lifecycle.Change) -> list[str]:
    """Where a recorded event says something else than the lifecycle's step, or was written
    for other readers than the services give it (nobody chose an audience in the demo)."""
    expected = {
        "old_status": change.old_status,
        "new_status": change.new_status,
        "provider_id": change.provider_id,
        "round": change.round,
        "audience": policy.default_audience(change.action),
    }
    return [
        f"{event.action} event has {name} {getattr(event, name)!r}, expected {value!r}"
        for name, value in expected.items()
        if getattr(event, name) != value
    ]
