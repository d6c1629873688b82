"""The demo's bulk history writer writes the rows the services write."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from minsheng.demo.history import Step, event_row
from minsheng.orders import policy
from minsheng.orders import services as s
from minsheng.orders.models import Action, OrderEvent, Status
from minsheng.orders.services import events

AT = datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
COLUMNS = [f.attname for f in OrderEvent._meta.concrete_fields if not f.primary_key]


def test_an_event_row_is_the_row_events_build_makes():
    step = Step(
        action=Action.DECLINE,
        old_status=Status.DISPATCHED,
        new_status=Status.APPROVED,
        at=AT,
        actor_id=11,
        provider_id=12,
        round=2,
        note="今日人手不足，无法按时上门。",
    )
    built = events.build(
        order_id=13,
        action=Action.DECLINE,
        old_status=Status.DISPATCHED,
        new_status=Status.APPROVED,
        at=AT,
        round=2,
        audience=policy.default_audience(Action.DECLINE),
        actor_id=11,
        provider_id=12,
        note="今日人手不足，无法按时上门。",
    )
    assert event_row(13, step) == {name: getattr(built, name) for name in COLUMNS}


@pytest.mark.django_db
def test_an_escalation_row_is_the_row_the_sweep_writes(world):
    order = s.order_submit(
        actor=world.resident,
        data=s.OrderInput(region_code="V1", service_code=world.service.code),
        now=AT,
    )
    due = order.step_deadline
    late = due + timedelta(seconds=40)
    assert s.sweep(now=late) == s.SweepResult(escalated=1)
    swept = OrderEvent.objects.get(order=order, action=Action.ESCALATE)
    step = Step(
        action=Action.ESCALATE,
        old_status=Status.SUBMITTED,
        new_status=Status.SUBMITTED,
        at=late,
        actor_id=None,
        provider_id=None,
        round=0,
        due=due,
    )
    assert event_row(order.pk, step) == {name: getattr(swept, name) for name in COLUMNS}
