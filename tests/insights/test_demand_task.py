"""The nightly demand snapshot runs as a Celery task through a real Redis broker and a
real worker: this month and the previous one, idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from minsheng.insights.demand import add_months, month_start
from minsheng.insights.models import AreaDemand, VillageMonth
from minsheng.insights.tasks import demand_snapshot_nightly
from minsheng.orders import services as s
from tests.broker import redis_app

__all__ = ["redis_app"]  # the fixture, used by name below


@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_computes_this_month_and_the_last(world, redis_app):
    s.order_submit(
        actor=world.resident, data=s.OrderInput(region_code="V1", service_code="meal-delivery")
    )
    this = month_start(timezone.localdate())
    result = demand_snapshot_nightly.delay().get(timeout=60)
    assert [r["month"] for r in result] == [f"{add_months(this, -1):%Y-%m}", f"{this:%Y-%m}"]
    assert [r["orders"] for r in result] == [0, 1]
    assert VillageMonth.objects.filter(month=this).count() == 2  # V1 and V2
    assert AreaDemand.objects.get(month=this).placed == 1
    again = demand_snapshot_nightly.delay().get(timeout=60)
    assert again == result
    assert AreaDemand.objects.filter(month=this).count() == 1
