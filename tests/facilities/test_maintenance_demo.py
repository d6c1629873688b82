"""The demo's maintenance: plans on every infrastructure asset and township facility, a
history of completed work with costs, overdue work (the story's sports ground, some roads
and bridges), budgets below the need (a funding gap every year), residents' repair orders
linked to their assets; consistent with the generator and removed by the reset."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q

from minsheng.demo.facilities_maintenance import PLANS
from minsheng.demo.seed import demo_reset, seed_demo
from minsheng.facilities.models import (
    INFRASTRUCTURE,
    Facility,
    Kind,
    MaintenanceBudget,
    MaintenancePlan,
    WorkOrder,
    WorkOrderEvent,
    WorkStatus,
)
from minsheng.facilities.selectors import maintenance as selectors
from minsheng.facilities.services.maintenance import work_orders_generate
from minsheng.regions.models import Region

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=TZ)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_maintenance_tells_its_story_and_the_reset_removes_it():
    seed_demo(scale=0.03, now=NOW)
    township_kinds = [Kind.HEALTH_CENTRE, Kind.CULTURAL, Kind.SPORTS, Kind.ELDERLY]
    for f in Facility.objects.filter(kind__in=[*INFRASTRUCTURE, *township_kinds]):
        assert MaintenancePlan.objects.filter(facility=f).count() == len(PLANS[f.kind])
    assert MaintenancePlan.objects.filter(facility__kind=Kind.CLINIC).exists()

    done = WorkOrder.objects.filter(status=WorkStatus.DONE)
    assert done.count() > 100
    assert not done.filter(Q(actual_cost__isnull=True) | Q(completed_on__gt=TODAY)).exists()
    assert done.filter(completed_on__year=TODAY.year - 2).exists()
    # every work order has its opening step, and a done one its three
    assert (
        WorkOrderEvent.objects.filter(new_status=WorkStatus.OPEN).count()
        == WorkOrder.objects.count()
    )
    assert WorkOrderEvent.objects.filter(new_status=WorkStatus.DONE).count() == done.count()

    late = WorkOrder.objects.filter(
        status__in=[WorkStatus.OPEN, WorkStatus.IN_PROGRESS], due_on__lt=TODAY
    )
    sports = Facility.objects.filter(kind=Kind.SPORTS).order_by("code")[2]  # the story's
    assert late.filter(facility=sports).exists()
    # the one facility with overdue work that is not infrastructure: the idleness story's
    assert set(
        late.exclude(facility__kind__in=INFRASTRUCTURE).values_list("facility", flat=True)
    ) == {sports.pk}
    assert (
        late.filter(facility__kind__in=[Kind.ROAD, Kind.BRIDGE])
        .values("facility")
        .distinct()
        .count()
        >= 3
    )

    # the generator finds nothing the seeder did not already make
    assert work_orders_generate(as_of=TODAY, now=NOW) == 0

    linked = WorkOrder.objects.filter(order__isnull=False).select_related("order", "facility")
    assert linked.exists()
    for w in linked:
        assert w.order.township_id == w.facility.township_id

    county = Region.objects.get(level=Region.Level.COUNTY)
    assert MaintenanceBudget.objects.filter(region=county).count() == 8
    p = selectors.projection(county, TODAY, 5)
    assert all(b > 0 for b in p.budget)
    assert all(g > 0 for g in p.gap)  # a funding gap every year
    assert p.unfunded

    demo_reset()
    assert not MaintenancePlan.objects.exists()
    assert not WorkOrder.objects.exists()
    assert not WorkOrderEvent.objects.exists()
    assert not MaintenanceBudget.objects.exists()
