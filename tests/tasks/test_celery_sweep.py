"""The periodic sweep runs as a Celery task through a real Redis broker and a real worker."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from minsheng import celery_app
from minsheng.orders import services as s
from minsheng.orders.models import Action, Order
from minsheng.orders.tasks import sweep_orders

REDIS_URL = os.environ.get("MINSHENG_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _reset_pool() -> None:
    # Producer connections are pooled per broker URL: drop them so the next use reconnects.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # The result backend is cached on the app too (per thread when not thread-safe).
    celery_app._backend_cache = None
    celery_app._local = threading.local()


@pytest.fixture
def redis_app():
    """Point the app at Redis (db 14) for the test, restoring the inline set-up after."""
    saved = {k: celery_app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    celery_app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    _reset_pool()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield celery_app
    finally:
        celery_app.conf.update(saved)
        _reset_pool()


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
