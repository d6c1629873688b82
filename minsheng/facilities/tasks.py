"""Periodic work of the facilities app (issue 10): each part adds its tasks here."""


# --- idle and decay detection (docs/idle-facilities.md) ----------------------------------------

from datetime import date as _date

from celery import shared_task
from django.utils import timezone as _timezone

# Imported here, not in the task: it also registers the owner's notification template, which
# a worker sending a delayed SMS must know (docs/idle-facilities.md).
from minsheng.facilities.services.idle import facility_idle_detect as _detect


@shared_task(name="minsheng.facilities.tasks.facilities_idle_detect", ignore_result=False)
def facilities_idle_detect(as_of: str | None = None) -> dict[str, int]:
    """Find idle facilities on ``as_of`` (``YYYY-MM-DD``; default today) and open or refresh
    their flags. Nightly from Celery beat; a second run the same day only refreshes."""
    day = _date.fromisoformat(as_of) if as_of else _timezone.localdate()
    s = _detect(as_of=day)
    return {"assessed": s.assessed, "idle": s.idle, "flagged": s.flagged, "refreshed": s.refreshed}
