"""Periodic work of the voice app (Celery beat; see ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task

from minsheng.voice.services.suggestions import suggestions_mark_overdue


@shared_task(name="minsheng.voice.tasks.mark_overdue_suggestions", ignore_result=False)
def mark_overdue_suggestions() -> int:
    """Mark suggestions whose official reply is past due (an OVERDUE event, once each).
    Idempotent; hourly from Celery beat."""
    return suggestions_mark_overdue()
