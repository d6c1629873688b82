from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minsheng.orders.notifications import warn_deadlines


class Command(BaseCommand):
    help = (
        "Tell whoever holds each open order's current step that it is due within "
        "MINSHENG_DEADLINE_WARNING_HOURS (once per deadline). Idempotent; run every few "
        "minutes from cron where Celery beat does not."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"told={warn_deadlines()}")
