"""Periodic work of the facilities app (issue 10): each part adds its tasks here."""

from celery import shared_task

# --- medicines (issue 10, item 6) ---


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
