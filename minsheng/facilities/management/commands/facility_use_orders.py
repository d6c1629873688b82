"""``minsheng facility_use_orders [--days N]``: count orders delivered at facilities."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minsheng.facilities.services.use import order_use_collect

MAX_DAYS = 3660


class Command(BaseCommand):
    help = (
        "Count the orders delivered at each facility over the last N days (today included) "
        "as its use (kind orders), replacing what was counted for those days. Idempotent; "
        "the nightly task runs it for 7 days."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=7, help="how many days back (1-3660)")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days is from 1 to {MAX_DAYS}.")
        today = timezone.localdate()
        result = order_use_collect(day_from=today - timedelta(days=days - 1), day_to=today)
        self.stdout.write(
            f"{result.days} days: {result.orders} orders counted at facilities, "
            f"{result.counts} daily counts written ({result.removed} replaced)"
        )
