from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from minsheng.notify import selectors, services


@shared_task(bind=True, name="minsheng.notify.tasks.deliver", max_retries=None, ignore_result=False)
def deliver(self, delivery_id: int) -> str:
    """Send one SMS or e-mail; on a gateway or mail failure, try again later (backing off),
    at most ``MINSHENG_NOTIFY_MAX_ATTEMPTS`` times in all (the row counts them)."""
    attempt = services.delivery_attempt(delivery_id=delivery_id)
    while attempt.retry and self.request.is_eager:
        # Inline (no broker): nothing can wait for a countdown; try again at once.
        attempt = services.delivery_attempt(delivery_id=delivery_id)
    if attempt.retry:
        raise self.retry(countdown=services.retry_delay(attempt.attempts))
    return attempt.status


@shared_task(name="minsheng.notify.tasks.send_due", ignore_result=False)
def send_due() -> int:
    """Queue the deliveries whose quiet hours have ended (Celery beat, every minute)."""
    ids = list(selectors.due_deliveries(timezone.now()).values_list("pk", flat=True)[:1000])
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)
