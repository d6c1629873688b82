"""The voice app's background work (Celery beat; see ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from minsheng.voice.selectors.topics import previous_month
from minsheng.voice.services import topics
from minsheng.voice.services.suggestions import suggestions_mark_overdue


@shared_task(name="minsheng.voice.tasks.mark_overdue_suggestions", ignore_result=False)
def mark_overdue_suggestions() -> int:
    """Mark suggestions whose official reply is past due (an OVERDUE event, once each).
    Idempotent; hourly from Celery beat."""
    return suggestions_mark_overdue()


@shared_task(name="minsheng.voice.tasks.topic_candidates", ignore_result=False)
def topic_candidates(month: str | None = None) -> dict[str, int]:
    """Compute a month's topic candidates (``YYYY-MM-DD`` of its first day); without one,
    the month just ended (Celery beat, early on the first of each month)."""
    first = (
        date.fromisoformat(month) if month else previous_month(timezone.localdate().replace(day=1))
    )
    result = topics.topic_candidates_compute(month=first)
    return {"written": result.written, "replaced": result.replaced, "kept": result.kept}
