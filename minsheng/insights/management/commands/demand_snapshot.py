from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minsheng.core.inputs import Invalid, read_month
from minsheng.insights.demand import add_months, month_start
from minsheng.insights.services import SnapshotSummary, demand_snapshot, months_with_activity


class Command(BaseCommand):
    help = (
        "Recompute the demand snapshot (docs/demand.md): one month (--month YYYY-MM), every "
        "month from the first order (--all), or by default this month and the previous one. "
        "Idempotent: a month recomputed replaces what was there."
    )

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--month", help="the month, YYYY-MM")
        group.add_argument("--all", action="store_true", help="every month with activity")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"] is not None:
            try:
                months = [read_month(options["month"])]
            except Invalid as exc:
                raise CommandError(f"--month: {exc.message}") from None
        elif options["all"]:
            months = months_with_activity()
        else:
            this = month_start(timezone.localdate())
            months = [add_months(this, -1), this]
        for month in months:
            self.stdout.write(line(demand_snapshot(month=month)))


def line(s: SnapshotSummary) -> str:
    return (
        f"{s.month:%Y-%m}: villages={s.villages} orders={s.orders} unmet={s.unmet} "
        f"suggestions={s.suggestions} stated={s.stated} unplaced={s.unplaced} "
        f"rows={s.area_rows}+{s.service_rows}"
    )
