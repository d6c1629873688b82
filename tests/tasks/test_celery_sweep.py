"""The periodic sweep runs as a Celery task through a real Redis broker and a real worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from minsheng import celery_app
from minsheng.orders import services as s
from minsheng.orders.models import Action, Order
from minsheng.orders.tasks import sweep_orders
from tests.broker import redis_app

__all__ = ["redis_app"]  # the fixture, used by name below


@pytest.mark.django_db(transaction=True)
def test_sweep_task_escalates_overdue_order_through_redis_worker(world, redis_app):
    past = timezone.now() - timedelta(days=3)
    order = s.order_submit(
        actor=world.resident,
        data=s.OrderInput(region_code="V1", service_code="meal-delivery"),
        now=past,
    )

    result = sweep_orders.delay()
    assert result.get(timeout=30) == {
        "escalated": 1,
        "redispatched": 0,
        "requeued": 0,
        "auto_closed": 0,
    }
    order.refresh_from_db()
    assert order.escalated_at is not None
    assert order.escalation_count == 1
    assert [e.action for e in order.events.all()] == [Action.SUBMIT, Action.ESCALATE]

    # A second run finds nothing more to do: the sweep is idempotent.
    assert sweep_orders.delay().get(timeout=30)["escalated"] == 0
    assert Order.objects.get(pk=order.pk).escalation_count == 1


@pytest.mark.django_db
def test_without_a_broker_the_sweep_runs_inline(world):
    assert celery_app.conf.task_always_eager is True
    order = s.order_submit(
        actor=world.resident,
        data=s.OrderInput(region_code="V1", service_code="meal-delivery"),
        now=timezone.now() - timedelta(days=3),
    )
    assert sweep_orders.delay().get() == {
        "escalated": 1,
        "redispatched": 0,
        "requeued": 0,
        "auto_closed": 0,
    }
    assert Order.objects.get(pk=order.pk).escalation_count == 1
