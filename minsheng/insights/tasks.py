from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.utils import timezone

from minsheng.insights.demand import add_months, month_start
from minsheng.insights.services import demand_snapshot


@shared_task(name="minsheng.insights.tasks.demand_snapshot_nightly", ignore_result=False)
def demand_snapshot_nightly() -> list[dict[str, Any]]:
    """Recompute this month and the previous one (Celery beat, nightly). Idempotent: late
    ratings, escalations and hidden suggestions of last month are taken in."""
    this = month_start(timezone.localdate())
    return [
        {**asdict(demand_snapshot(month=m)), "month": f"{m:%Y-%m}"}
        for m in (add_months(this, -1), this)
    ]


# --- indicators (issue 11) --------------------------------------------------------------------


@shared_task(name="minsheng.insights.tasks.indicator_snapshot_nightly", ignore_result=False)
def indicator_snapshot_nightly() -> list[dict[str, Any]]:
    """Recompute the indicator snapshot of this month and the previous one (Celery beat,
    nightly after the demand snapshot, which the use and unmet indicators read)."""
    from minsheng.insights.balance import indicator_snapshots

    this = month_start(timezone.localdate())
    return [
        {"month": f"{s.month:%Y-%m}", "values": s.values, "areas": s.areas}
        for s in indicator_snapshots(months=[add_months(this, -1), this])
    ]
