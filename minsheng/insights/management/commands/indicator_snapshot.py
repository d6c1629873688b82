"""``minsheng indicator_snapshot [--month YYYY-MM] [--months N]``: the indicator snapshot."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minsheng.core.inputs import Invalid, read_month
from minsheng.insights.balance import SnapshotSummary, indicator_snapshots
from minsheng.insights.demand import add_months, month_start

MAX_MONTHS = 120


class Command(BaseCommand):
    help = (
        "Recompute the indicator snapshot (docs/balance.md): the values of every active "
        "indicator for every village, township and the county, and the areas' attainments "
        "and gaps. By default this month and the previous one; --month YYYY-MM names the "
        "last month and --months N how many months ending with it. Each month is replaced "
        "whole in one transaction."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="the (last) month, YYYY-MM; default this month")
        parser.add_argument(
            "--months",
            help=f"how many months ending with it (1 to {MAX_MONTHS}; default 2, "
            "or 1 with --month)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"] is not None:
            try:
                last = read_month(options["month"])
            except Invalid as exc:
                raise CommandError(f"--month: {exc.message}") from None
            default = 1
        else:
            last = month_start(timezone.localdate())
            default = 2
        count = default
        if options["months"] is not None:
            text = str(options["months"]).strip()
            if not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
                raise CommandError(f"--months: give a whole number from 1 to {MAX_MONTHS}.")
            count = int(text)
        months = [add_months(last, -k) for k in range(count - 1, -1, -1)]
        for summary in indicator_snapshots(months=months):
            self.stdout.write(line(summary))


def line(s: SnapshotSummary) -> str:
    text = f"{s.month:%Y-%m}: indicators={s.indicators} values={s.values} areas={s.areas}"
    if s.skipped:
        text += f" skipped (no function)={','.join(s.skipped)}"
    return text
