"""The order lifecycle as one pure function: (state, action, time, limits) → the change.

``step`` knows the transition table, the deadlines each step starts, and which fields a
step sets or clears; it reads no database and no clock. Three callers share it:

- the services (``orders.services``), which lock the order, ask ``step`` for the change,
  write it and record its event;
- the demo's history simulator, which applies it to unsaved orders to write a year of
  history in bulk;
- the demo's consistency checks, which replay recorded events through it and compare the
  result with the stored order.

So the lifecycle exists once: a new rule here reaches all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from minsheng.orders.models import (
    ACTION_TRANSITIONS,
    OPEN_STATUSES,
    TRANSITIONS,
    WITH_PROVIDER_STATUSES,
    Action,
    Status,
)

# Steps that hand the order to a provider, and those that take it back to the queue.
ASSIGNING = frozenset({Action.DISPATCH, Action.REDISPATCH, Action.GRAB, Action.REASSIGN})
REQUEUEING = frozenset({Action.DECLINE, Action.ACCEPT_TIMEOUT})


@dataclass(frozen=True)
class Limits:
    """An order's time limits: its urgency class's, and the auto-close delay."""

    review: timedelta
    accept: timedelta
    resolve: timedelta
    auto_close: timedelta


class State(NamedTuple):
    """What the lifecycle reads and writes of an order (the ``Order`` fields of that name).

    A named tuple rather than a frozen dataclass: replacing a few fields of it is what every
    step does, and the demo's history makes tens of thousands of steps.
    """

    status: str
    round: int
    provider_id: int | None
    updated_at: datetime
    resolve_deadline: datetime
    step_deadline: datetime | None = None
    escalated_at: datetime | None = None
    escalation_count: int = 0
    dispatched_at: datetime | None = None
    accepted_at: datetime | None = None
    delivered_at: datetime | None = None
    closed_at: datetime | None = None
    county_escalated_at: datetime | None = None


STATE_FIELDS: tuple[str, ...] = State._fields


@dataclass(frozen=True)
class Change:
    """One step: the state after it, and what its event records."""

    action: str
    old_status: str  # "" for the first step
    state: State
    provider_id: int | None  # the provider the event names
    at: datetime

    @property
    def new_status(self) -> str:
        return self.state.status

    @property
    def round(self) -> int:
        """The event's round: a reopening already belongs to the new one."""
        return self.state.round

    def changed(self, before: State) -> dict[str, Any]:
        """The fields whose value the step changed."""
        return {
            name: getattr(self.state, name)
            for name in STATE_FIELDS
            if getattr(self.state, name) != getattr(before, name)
        }


# Actions that are no state change: flags (``escalate``, ``escalate_county``) and notes
# (``urge``) have their own functions, ``submit`` is the first step.
FLAGS = frozenset({Action.ESCALATE, Action.ESCALATE_COUNTY, Action.URGE, Action.SUBMIT})


class Refused(Exception):
    """The step is not one the order's state allows (or time would run backwards)."""

    def __init__(self, action: str, status: str, why: str = "") -> None:
        super().__init__(f"{action} from {status}" + (f": {why}" if why else ""))
        self.action = action
        self.status = status


# (state, action) pairs the transition table allows, worked out once.
_ALLOWED = frozenset(
    (frm, action)
    for action, moves in ACTION_TRANSITIONS.items()
    for frm, to in moves
    if to in TRANSITIONS[frm]
)


def allows(status: str, action: str) -> bool:
    """Whether an order in ``status`` may take ``action`` now (the transition table).

    An action that is no transition (``submit``, ``comment``, ``import``) is never allowed.
    """
    if action in (Action.ESCALATE, Action.ESCALATE_COUNTY):
        return status in OPEN_STATUSES
    if action == Action.URGE:
        return status in WITH_PROVIDER_STATUSES
    return (status, action) in _ALLOWED


def submitted(at: datetime, limits: Limits) -> Change:
    """The first step: ordered (点单), waiting for review."""
    state = State(
        status=Status.SUBMITTED,
        round=0,
        provider_id=None,
        updated_at=at,
        step_deadline=at + limits.review,
        resolve_deadline=at + limits.resolve,
    )
    return Change(Action.SUBMIT, "", state, None, at)


# Steps that end an order before delivery, and the state each ends it in.
ENDING: dict[str, str] = {
    Action.REJECT: Status.REJECTED,
    Action.CANCEL: Status.CANCELLED,
    Action.MERGE: Status.MERGED,
}


def step(
    state: State, action: str, at: datetime, limits: Limits, *, provider_id: int | None = None
) -> Change:
    """The change ``action`` at ``at`` makes to an order in ``state``.

    ``provider_id`` names the provider a dispatch, re-dispatch or grab hands the order to.
    Raises :class:`Refused` for a step the table does not allow from this state, and for a
    step dated before the order's last change (history never runs backwards).
    """
    if not allows(state.status, action) or action in FLAGS:
        raise Refused(action, state.status)
    if at < state.updated_at:
        raise Refused(action, state.status, "earlier than the last change")
    if action in ASSIGNING and provider_id is None:
        raise Refused(action, state.status, "no provider named")
    resolve = state.resolve_deadline
    common: dict[str, Any] = {"updated_at": at, "escalated_at": None}
    if action == Action.APPROVE:
        new = state._replace(status=Status.APPROVED, step_deadline=at + limits.review, **common)
    elif action in ENDING:
        new = state._replace(status=ENDING[action], step_deadline=None, closed_at=at, **common)
    elif action in (Action.DISPATCH, Action.REDISPATCH, Action.REASSIGN):
        # A reassigned order is the new team's to accept, as a re-dispatched one is.
        new = state._replace(
            status=Status.DISPATCHED,
            step_deadline=at + limits.accept,
            provider_id=provider_id,
            dispatched_at=at,
            accepted_at=None,
            **common,
        )
    elif action in REQUEUEING:
        new = state._replace(
            status=Status.APPROVED,
            step_deadline=at + limits.review,
            provider_id=None,
            dispatched_at=None,
            **common,
        )
    elif action == Action.GRAB:
        new = state._replace(
            status=Status.ACCEPTED,
            step_deadline=max(resolve, at),
            provider_id=provider_id,
            dispatched_at=at,
            accepted_at=at,
            **common,
        )
    elif action == Action.ACCEPT:
        new = state._replace(
            status=Status.ACCEPTED, step_deadline=max(resolve, at), accepted_at=at, **common
        )
    elif action == Action.START:
        new = state._replace(status=Status.IN_SERVICE, step_deadline=max(resolve, at), **common)
    elif action == Action.DELIVER:
        new = state._replace(
            status=Status.DELIVERED,
            step_deadline=at + limits.auto_close,
            delivered_at=at,
            **common,
        )
    elif action in (Action.RATE, Action.AUTO_CLOSE):
        new = state._replace(status=Status.CLOSED, step_deadline=None, closed_at=at, **common)
    elif action == Action.REOPEN:
        new = state._replace(
            status=Status.REOPENED,
            step_deadline=at + limits.review,
            resolve_deadline=at + limits.resolve,
            round=state.round + 1,
            provider_id=None,
            dispatched_at=None,
            accepted_at=None,
            delivered_at=None,
            **common,
        )
    else:  # pragma: no cover - every action of the table is handled above
        raise Refused(action, state.status, "not a lifecycle step")
    # The event names the provider concerned: the new assignee, else the one holding the
    # order when the step was taken (who declined, delivered, was cancelled on).
    named = provider_id if action in ASSIGNING else state.provider_id
    return Change(action, state.status, new, named, at)


def overdue(state: State, at: datetime) -> bool:
    """Whether the sweep escalates this order at ``at``: an open step past its deadline,
    not yet escalated (a dispatched order times out instead)."""
    return (
        state.status in OPEN_STATUSES
        and state.status != Status.DISPATCHED
        and state.escalated_at is None
        and state.step_deadline is not None
        and state.step_deadline < at
    )


def escalate(state: State, at: datetime) -> Change:
    """Escalation is a flag and an event, never a state: the step keeps its deadline."""
    if not overdue(state, at):
        raise Refused(Action.ESCALATE, state.status, "not overdue")
    new = state._replace(
        escalated_at=at, escalation_count=state.escalation_count + 1, updated_at=at
    )
    return Change(Action.ESCALATE, state.status, new, state.provider_id, at)


def escalate_county(state: State, at: datetime) -> Change:
    """A township dispatcher hands an open order up to the county: a flag and an event, as
    escalation is; the step keeps its deadline, and the flag stays while the order is open."""
    if state.status not in OPEN_STATUSES or state.county_escalated_at is not None:
        raise Refused(Action.ESCALATE_COUNTY, state.status)
    if at < state.updated_at:
        raise Refused(Action.ESCALATE_COUNTY, state.status, "earlier than the last change")
    new = state._replace(county_escalated_at=at, updated_at=at)
    return Change(Action.ESCALATE_COUNTY, state.status, new, state.provider_id, at)
