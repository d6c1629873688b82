from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minsheng.voice.services.suggestions import suggestions_mark_overdue


class Command(BaseCommand):
    help = (
        "Mark every suggestion whose official reply is past its due time and not given "
        "(an OVERDUE event in its history, for staff, once). Idempotent; run hourly from "
        "cron where Celery beat does not."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"overdue={suggestions_mark_overdue()}")
