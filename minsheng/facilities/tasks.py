"""Periodic work of the facilities app (issue 10): each part adds its tasks here."""

# --- maintenance (part 9) ---------------------------------------------------------------------
from celery import shared_task
from django.utils import timezone

from minsheng.facilities.services.maintenance import (
    work_orders_generate as _generate_work_orders,
)


@shared_task(name="minsheng.facilities.tasks.work_orders_generate", ignore_result=False)
def work_orders_generate() -> int:
    """Work orders for the maintenance plans falling due in the next 30 days (idempotent);
    daily from Celery beat."""
    return _generate_work_orders(as_of=timezone.localdate())
