from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from minsheng.orders import notifications
from minsheng.orders.services.sweep import sweep


@shared_task(name="minsheng.orders.tasks.sweep_orders", ignore_result=False)
def sweep_orders() -> dict[str, int]:
    """The periodic time-limit sweep (Celery beat, every minute). Idempotent."""
    return asdict(sweep())


@shared_task(name="minsheng.orders.tasks.notify_event", ignore_result=False)
def notify_event(event_id: int) -> int:
    """Tell the people an order event concerns (queued after the event's commit)."""
    return notifications.notify_event(event_id)


@shared_task(name="minsheng.orders.tasks.warn_deadlines", ignore_result=False)
def warn_deadlines() -> int:
    """Tell whoever holds a step due soon (Celery beat, every five minutes). Idempotent."""
    return notifications.warn_deadlines()
