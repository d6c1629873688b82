from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from minsheng.orders.services import sweep


@shared_task(name="minsheng.orders.tasks.sweep_orders", ignore_result=False)
def sweep_orders() -> dict[str, int]:
    """The periodic time-limit sweep (Celery beat, every minute). Idempotent."""
    return asdict(sweep())
