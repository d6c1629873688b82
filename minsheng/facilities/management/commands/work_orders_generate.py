from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from minsheng.core.errors import DomainError
from minsheng.facilities.services.maintenance import (
    HORIZON_DAYS,
    MAX_HORIZON_DAYS,
    work_orders_generate,
)


class Command(BaseCommand):
    help = (
        "Make a work order for every active maintenance plan falling due within --days days "
        f"(default {HORIZON_DAYS}) that has none for its due date yet. Idempotent: run daily "
        "from cron where Celery beat does not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=HORIZON_DAYS,
            help=f"How far ahead to look, 0 to {MAX_HORIZON_DAYS} days.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = work_orders_generate(as_of=timezone.localdate(), horizon_days=options["days"])
        except DomainError as exc:
            raise CommandError(str(exc.errors[0].message)) from None
        self.stdout.write(f"work_orders={made}")
