from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minsheng.notify.tasks import send_due


class Command(BaseCommand):
    help = (
        "Send the SMS and e-mail held back by quiet hours whose quiet hours have ended. "
        "Idempotent; run every minute from cron where Celery beat does not."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"queued={send_due()}")
