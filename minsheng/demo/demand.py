"""The demo's demand snapshot: every month of the demo's year computed at the end of the
seed (after the orders and the voice parts are written), and removed by ``demo_reset``."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from minsheng.catalog.models import Service
from minsheng.insights.demand import last_months, month_start
from minsheng.insights.models import AreaDemand, ServiceDemand, VillageMonth
from minsheng.insights.services import demand_snapshot
from minsheng.regions.models import Region

# The history reaches back a year from today: 13 calendar months hold it.
DEMO_MONTHS = 13


def build_demand(now: datetime) -> int:
    """Compute the snapshot of the demo's months; the number of area rows written."""
    this = month_start(timezone.localtime(now).date())
    return sum(demand_snapshot(month=m).area_rows for m in last_months(this, DEMO_MONTHS))


def reset_demand(regions: QuerySet[Region], services: QuerySet[Service]) -> int:
    """Delete the snapshot rows of the demo's villages and menu items."""
    deleted = ServiceDemand.objects.filter(
        Q(village__in=regions) | Q(service__in=services)
    ).delete()[0]
    deleted += AreaDemand.objects.filter(village__in=regions).delete()[0]
    deleted += VillageMonth.objects.filter(village__in=regions).delete()[0]
    return deleted
