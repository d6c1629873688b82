"""orders.lifecycle: the pure step function, without a database."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from minsheng.orders import lifecycle
from minsheng.orders.models import Action, Status

AT = datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LIMITS = lifecycle.Limits(
    review=timedelta(hours=24),
    accept=timedelta(hours=4),
    resolve=timedelta(days=7),
    auto_close=timedelta(days=7),
)


@pytest.mark.parametrize("action", [Action.SUBMIT, Action.COMMENT, Action.IMPORT, "unknown"])
def test_an_action_that_is_no_transition_is_refused_not_a_key_error(action):
    # Replaying recorded history meets every kind of event: one that is not a step of the
    # table is a refusal the caller can report, like any step the table forbids.
    state = lifecycle.submitted(AT, LIMITS).state
    assert lifecycle.allows(Status.SUBMITTED, action) is False
    with pytest.raises(lifecycle.Refused) as refused:
        lifecycle.step(state, action, AT + timedelta(minutes=1), LIMITS)
    assert (refused.value.action, refused.value.status) == (action, Status.SUBMITTED)
