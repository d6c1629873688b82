"""The lifecycle as a pure function: every step's change, on hand-made states, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from minsheng.orders import lifecycle as lc
from minsheng.orders.models import (
    ACTION_TRANSITIONS,
    FINAL_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Status,
)

T = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
LIMITS = lc.Limits(
    review=timedelta(hours=4),
    accept=timedelta(hours=2),
    resolve=timedelta(days=7),
    auto_close=timedelta(days=7),
)


def state(status: str, **fields: object) -> lc.State:
    base: dict[str, object] = {
        "status": status,
        "round": 0,
        "provider_id": None,
        "updated_at": T,
        "resolve_deadline": T + LIMITS.resolve,
        "step_deadline": T + LIMITS.review,
    }
    base.update(fields)
    return lc.State(**base)  # type: ignore[arg-type]


def test_submitted_starts_the_review_and_resolution_clocks():
    change = lc.submitted(T, LIMITS)
    assert (change.action, change.old_status, change.new_status, change.round) == (
        Action.SUBMIT,
        "",
        Status.SUBMITTED,
        0,
    )
    assert change.state == lc.State(
        status=Status.SUBMITTED,
        round=0,
        provider_id=None,
        updated_at=T,
        step_deadline=T + LIMITS.review,
        resolve_deadline=T + LIMITS.resolve,
    )


@pytest.mark.parametrize(
    ("before", "action", "provider", "after"),
    [
        (
            state(Status.SUBMITTED),
            Action.APPROVE,
            None,
            {"status": Status.APPROVED, "step_deadline": T + H + LIMITS.review},
        ),
        (
            state(Status.SUBMITTED),
            Action.REJECT,
            None,
            {"status": Status.REJECTED, "step_deadline": None, "closed_at": T + H},
        ),
        (
            state(Status.APPROVED),
            Action.DISPATCH,
            7,
            {
                "status": Status.DISPATCHED,
                "step_deadline": T + H + LIMITS.accept,
                "provider_id": 7,
                "dispatched_at": T + H,
            },
        ),
        (
            state(Status.DISPATCHED, provider_id=7, dispatched_at=T),
            Action.REDISPATCH,
            8,
            {
                "status": Status.DISPATCHED,
                "step_deadline": T + H + LIMITS.accept,
                "provider_id": 8,
                "dispatched_at": T + H,
            },
        ),
        (
            state(Status.DISPATCHED, provider_id=7, dispatched_at=T),
            Action.DECLINE,
            None,
            {
                "status": Status.APPROVED,
                "step_deadline": T + H + LIMITS.review,
                "provider_id": None,
                "dispatched_at": None,
            },
        ),
        (
            state(Status.REOPENED, round=1),
            Action.GRAB,
            9,
            {
                "status": Status.ACCEPTED,
                "step_deadline": T + LIMITS.resolve,
                "provider_id": 9,
                "dispatched_at": T + H,
                "accepted_at": T + H,
            },
        ),
        (
            state(Status.DISPATCHED, provider_id=7),
            Action.ACCEPT,
            None,
            {"status": Status.ACCEPTED, "step_deadline": T + LIMITS.resolve, "accepted_at": T + H},
        ),
        (
            state(Status.ACCEPTED, provider_id=7),
            Action.START,
            None,
            {"status": Status.IN_SERVICE, "step_deadline": T + LIMITS.resolve},
        ),
        (
            state(Status.IN_SERVICE, provider_id=7),
            Action.DELIVER,
            None,
            {
                "status": Status.DELIVERED,
                "step_deadline": T + H + LIMITS.auto_close,
                "delivered_at": T + H,
            },
        ),
        (
            state(Status.DELIVERED, provider_id=7),
            Action.RATE,
            None,
            {"status": Status.CLOSED, "step_deadline": None, "closed_at": T + H},
        ),
        (
            state(Status.DELIVERED, provider_id=7, accepted_at=T, delivered_at=T, dispatched_at=T),
            Action.REOPEN,
            None,
            {
                "status": Status.REOPENED,
                "round": 1,
                "step_deadline": T + H + LIMITS.review,
                "resolve_deadline": T + H + LIMITS.resolve,
                "provider_id": None,
                "dispatched_at": None,
                "accepted_at": None,
                "delivered_at": None,
            },
        ),
        (
            state(Status.IN_SERVICE, provider_id=7, escalated_at=T),
            Action.CANCEL,
            None,
            {
                "status": Status.CANCELLED,
                "step_deadline": None,
                "closed_at": T + H,
                "escalated_at": None,
            },
        ),
        # a dispatcher's day (issue 8)
        (
            state(Status.IN_SERVICE, provider_id=7, dispatched_at=T, accepted_at=T),
            Action.REASSIGN,
            8,
            {
                "status": Status.DISPATCHED,
                "step_deadline": T + H + LIMITS.accept,
                "provider_id": 8,
                "dispatched_at": T + H,
                "accepted_at": None,
            },
        ),
        (
            state(Status.DISPATCHED, provider_id=7, escalated_at=T),
            Action.MERGE,
            None,
            {
                "status": Status.MERGED,
                "step_deadline": None,
                "closed_at": T + H,
                "escalated_at": None,
            },
        ),
    ],
)
def test_each_step_changes_exactly_these_fields(before, action, provider, after):
    change = lc.step(before, action, T + H, LIMITS, provider_id=provider)
    expected = {"updated_at": T + H, **after}
    # What a step sets to the value it already had is no change (a re-dispatch stays
    # dispatched).
    assert change.changed(before) == {k: v for k, v in expected.items() if getattr(before, k) != v}
    assert (change.old_status, change.new_status, change.at) == (
        before.status,
        after["status"],
        T + H,
    )


def test_the_event_names_the_new_assignee_or_the_one_holding_the_order():
    held = state(Status.DISPATCHED, provider_id=7)
    assert lc.step(held, Action.REDISPATCH, T, LIMITS, provider_id=8).provider_id == 8
    assert lc.step(held, Action.DECLINE, T, LIMITS).provider_id == 7
    assert lc.step(state(Status.SUBMITTED), Action.APPROVE, T, LIMITS).provider_id is None


def test_a_reopening_event_belongs_to_the_new_round():
    change = lc.step(state(Status.DELIVERED, provider_id=7), Action.REOPEN, T, LIMITS)
    assert (change.round, change.provider_id) == (1, 7)


@pytest.mark.parametrize("action", [a for a in ACTION_TRANSITIONS if a != Action.ESCALATE])
@pytest.mark.parametrize("status", list(Status))
def test_the_table_decides_every_pair(status, action):
    frms = {frm for frm, _to in ACTION_TRANSITIONS[action]}
    allowed = status in frms
    assert lc.allows(status, action) is allowed
    try:
        lc.step(state(status, provider_id=7), action, T, LIMITS, provider_id=8)
    except lc.Refused as refused:
        assert not allowed
        assert (refused.action, refused.status) == (action, status)
    else:
        assert allowed


def test_time_never_runs_backwards():
    with pytest.raises(lc.Refused, match="earlier than the last change"):
        lc.step(state(Status.SUBMITTED), Action.APPROVE, T - timedelta(seconds=1), LIMITS)


def test_assigning_needs_a_provider():
    with pytest.raises(lc.Refused, match="no provider named"):
        lc.step(state(Status.APPROVED), Action.DISPATCH, T, LIMITS)


def test_escalation_is_a_flag_once_per_step_never_a_state():
    late = state(Status.APPROVED, step_deadline=T)
    change = lc.escalate(late, T + H)
    assert change.changed(late) == {
        "escalated_at": T + H,
        "escalation_count": 1,
        "updated_at": T + H,
    }
    assert (change.old_status, change.new_status) == (Status.APPROVED, Status.APPROVED)
    with pytest.raises(lc.Refused):
        lc.escalate(change.state, T + 2 * H)  # already escalated in this step
    with pytest.raises(lc.Refused):
        lc.escalate(state(Status.APPROVED, step_deadline=T + 2 * H), T + H)  # not yet due
    with pytest.raises(lc.Refused):
        lc.escalate(state(Status.DISPATCHED, step_deadline=T), T + H)  # times out instead
    with pytest.raises(lc.Refused):
        lc.escalate(state(Status.CLOSED, step_deadline=T), T + H)


@pytest.mark.parametrize("action", [Action.SUBMIT, Action.COMMENT, Action.IMPORT, "unknown"])
def test_an_action_that_is_no_transition_is_refused_not_a_key_error(action):
    """Replaying recorded history meets every kind of event: one that is not a step of the
    table is a refusal the caller can report, like any step the table forbids."""
    before = lc.submitted(T, LIMITS).state
    assert lc.allows(Status.SUBMITTED, action) is False
    with pytest.raises(lc.Refused) as refused:
        lc.step(before, action, T + H, LIMITS)
    assert (refused.value.action, refused.value.status) == (action, Status.SUBMITTED)


# --- a dispatcher's day (issue 8) ----------------------------------------------------------------


def test_reassigning_takes_an_order_taken_or_in_service_only():
    assert {frm for frm, _to in ACTION_TRANSITIONS[Action.REASSIGN]} == {
        Status.ACCEPTED,
        Status.IN_SERVICE,
    }
    change = lc.step(
        state(Status.ACCEPTED, provider_id=7), Action.REASSIGN, T, LIMITS, provider_id=8
    )
    assert (change.new_status, change.provider_id) == (Status.DISPATCHED, 8)


def test_a_merge_ends_any_open_order_and_no_ended_one():
    assert {frm for frm, _to in ACTION_TRANSITIONS[Action.MERGE]} == set(OPEN_STATUSES)
    assert lc.allows(Status.DELIVERED, Action.MERGE) is False
    for final in FINAL_STATUSES:
        assert lc.allows(final, Action.MERGE) is False
    assert TRANSITIONS[Status.MERGED] == frozenset()


@pytest.mark.parametrize("status", list(Status))
def test_urging_needs_a_provider_holding_the_open_order(status):
    held = {Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE}
    assert lc.allows(status, Action.URGE) is (status in held)
    with pytest.raises(lc.Refused):  # a note, never a step
        lc.step(state(status, provider_id=7), Action.URGE, T, LIMITS)


def test_escalating_to_the_county_is_a_flag_once_while_open():
    before = state(Status.ACCEPTED, provider_id=7)
    change = lc.escalate_county(before, T + H)
    assert change.changed(before) == {"county_escalated_at": T + H, "updated_at": T + H}
    assert (change.action, change.old_status, change.new_status, change.provider_id) == (
        Action.ESCALATE_COUNTY,
        Status.ACCEPTED,
        Status.ACCEPTED,
        7,
    )
    with pytest.raises(lc.Refused):
        lc.escalate_county(change.state, T + 2 * H)  # already handed up
    with pytest.raises(lc.Refused):
        lc.escalate_county(state(Status.CLOSED), T + H)
    with pytest.raises(lc.Refused):
        lc.escalate_county(before, T - H)  # time never runs backwards
    # The flag stays through later steps (the county keeps seeing it while it is open).
    started = lc.step(change.state, Action.START, T + 2 * H, LIMITS)
    assert started.state.county_escalated_at == T + H
