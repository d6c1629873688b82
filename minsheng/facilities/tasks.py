"""Periodic work of the facilities app (issue 10), one task per part; each runs its part's
service (never inside a request), idempotent, from Celery beat (settings.CELERY_BEAT_SCHEDULE).
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from minsheng.facilities.services import activities as activity_services
from minsheng.facilities.services import idle as idle_services
from minsheng.facilities.services.maintenance import (
    work_orders_generate as _generate_work_orders,
)

# --- use (issue 10, part 3) -------------------------------------------------------------------


@shared_task(name="minsheng.facilities.tasks.collect_order_use", ignore_result=False)
def collect_order_use(days: int = 7) -> dict[str, int]:
    """Count the orders delivered at facilities over the last ``days`` days (today
    included) as their use; idempotent, nightly from Celery beat (docs/facility-use.md)."""
    from minsheng.facilities.services.use import order_use_collect

    today = timezone.localdate()
    result = order_use_collect(day_from=today - timedelta(days=days - 1), day_to=today)
    return {"days": result.days, "orders": result.orders, "counts": result.counts}


# --- medicines (issue 10, item 6) -------------------------------------------------------------


@shared_task(name="minsheng.facilities.tasks.medicine_requests_nightly", ignore_result=False)
def medicine_requests_nightly() -> dict[str, int]:
    """Record the medicine requests of the orders not collected yet (Celery beat, nightly;
    ``medicine_requests_collect`` is idempotent)."""
    from minsheng.facilities.services.medicines import medicine_requests_collect

    s = medicine_requests_collect()
    return {
        "read": s.read,
        "recorded": s.recorded,
        "dispensed": s.dispensed,
        "unmatched": s.unmatched,
        "no_facility": s.no_facility,
    }


# --- activities (issue 10, item 8) ------------------------------------------------------------


@shared_task(name="minsheng.facilities.tasks.notify_activity", ignore_result=False)
def notify_activity(activity_id: int, template: str, recipients: list[int]) -> int:
    """Tell ``recipients`` (user ids) of an activity: announced to its village, or cancelled
    to those signed up. One task per announcement, run after the commit; idempotent."""
    return activity_services.activity_notify(
        activity_id=activity_id, template=template, recipients=recipients
    )


# --- maintenance (issue 10, item 9) -----------------------------------------------------------


@shared_task(name="minsheng.facilities.tasks.work_orders_generate", ignore_result=False)
def work_orders_generate() -> int:
    """Work orders for the maintenance plans falling due in the next 30 days (idempotent);
    daily from Celery beat."""
    return _generate_work_orders(as_of=timezone.localdate())


# --- idle and decay detection (docs/idle-facilities.md) ---------------------------------------


@shared_task(name="minsheng.facilities.tasks.facilities_idle_detect", ignore_result=False)
def facilities_idle_detect(as_of: str | None = None) -> dict[str, int]:
    """Find idle facilities on ``as_of`` (``YYYY-MM-DD``; default today) and open or refresh
    their flags. Nightly from Celery beat; a second run the same day only refreshes."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    s = idle_services.facility_idle_detect(as_of=day)
    return {"assessed": s.assessed, "idle": s.idle, "flagged": s.flagged, "refreshed": s.refreshed}
