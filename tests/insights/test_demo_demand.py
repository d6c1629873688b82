"""The demo computes its year of demand at the end of the seed, and its reset clears it."""

from __future__ import annotations

import time

import pytest
from django.db.models import Sum
from django.utils import timezone

from minsheng.demo.demand import DEMO_MONTHS, build_demand
from minsheng.demo.seed import demo_reset, seed_demo
from minsheng.insights.models import AreaDemand, ServiceDemand, VillageMonth
from minsheng.orders.models import Order, Status
from minsheng.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_seed_ends_with_the_snapshot_and_the_reset_removes_it():
    seed_demo(seed=3, scale=0.02)
    villages = Region.objects.filter(level=Region.Level.VILLAGE).count()
    assert VillageMonth.objects.values("month").distinct().count() == DEMO_MONTHS
    assert VillageMonth.objects.count() == villages * DEMO_MONTHS
    placed = AreaDemand.objects.aggregate(n=Sum("placed"))["n"]
    assert placed == Order.objects.exclude(status=Status.MERGED).count()
    assert ServiceDemand.objects.exists()
    # Recomputing is fast (bulk) and gives the same figures.
    started = time.monotonic()
    build_demand(timezone.now())
    assert time.monotonic() - started < 30
    assert AreaDemand.objects.aggregate(n=Sum("placed"))["n"] == placed
    demo_reset()
    assert not VillageMonth.objects.exists()
    assert not AreaDemand.objects.exists()
    assert not ServiceDemand.objects.exists()
