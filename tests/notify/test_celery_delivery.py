"""Delivery, retry and de-duplication through a real Redis broker and a real Celery worker."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.db import transaction

from minsheng.notify import services
from minsheng.notify.models import Delivery, DeliveryStatus, Message
from minsheng.notify.sms import read_outbox
from minsheng.notify.tasks import deliver
from minsheng.orders.models import Status
from minsheng.orders.tasks import notify_event
from tests.broker import redis_app
from tests.helpers import advance, submit
from tests.notify import gateways
from tests.notify.conftest import RESIDENT_MOBILE

__all__ = ["redis_app"]  # the fixture, used by name below


def wait_for(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            state = list(Delivery.objects.values_list("template", "status", "attempts"))
            raise AssertionError(f"timed out waiting for the worker: {state}, {templates()}")
        time.sleep(0.1)


def templates() -> list[str]:
    return [m["template"] for m in read_outbox()]


@pytest.mark.django_db(transaction=True)
def test_order_steps_are_delivered_once_by_the_worker(phones, redis_app):
    order = submit(phones)
    advance(phones, order, Status.APPROVED)
    wait_for(lambda: templates() == ["order_approved"])
    delivery = Delivery.objects.get(template="order_approved")
    assert (delivery.status, delivery.attempts, delivery.address) == (
        DeliveryStatus.SENT,
        1,
        RESIDENT_MOBILE,
    )

    # The same event fanned out again, and the same delivery sent again: nothing more.
    approve = order.events.get(action="approve")
    assert notify_event.delay(approve.pk).get(timeout=30) == 1
    assert deliver.delay(delivery.pk).get(timeout=30) == "skipped"
    assert Delivery.objects.filter(template="order_approved").count() == 1
    assert Message.objects.filter(template="order_approved").count() == 1
    assert templates() == ["order_approved"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_sms_is_retried_by_the_worker(phones, redis_app, settings):
    settings.MINSHENG_SMS_BACKEND = "tests.notify.gateways.FailingOnceGateway"
    settings.MINSHENG_NOTIFY_RETRY_SECONDS = 0.5
    with transaction.atomic():
        services.notification_send(
            recipient=phones.resident,
            key="test:retry",
            template="order_approved",
            params={"number": "20260504-000001", "title": "助餐送餐"},
        )
    wait_for(lambda: Delivery.objects.get().status == DeliveryStatus.SENT)
    delivery = Delivery.objects.get()
    assert (delivery.attempts, delivery.last_error) == (2, "")
    assert gateways.calls(RESIDENT_MOBILE) == 2
    assert templates() == ["order_approved"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_step_queues_nothing(phones, redis_app):
    order = submit(phones)
    with pytest.raises(RuntimeError), transaction.atomic():
        advance(phones, order, Status.APPROVED)
        raise RuntimeError("the caller fails after the step")
    # Give a (wrongly) queued task time to run, then check nothing was written or sent.
    time.sleep(1.0)
    assert Message.objects.filter(template="order_approved").count() == 0
    assert Delivery.objects.count() == 0
    assert read_outbox() == []
