from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.inputs import Invalid, read_month
from minsheng.insights import plank, report
from minsheng.regions.models import Region


class Command(BaseCommand):
    help = (
        "Write the monthly planning report (PDF) of a computed month: the shortest plank, "
        "the townships, the rates, the happiness index, inequality and the latest saved "
        "allocation (docs/balance.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", required=True, help="a computed month, YYYY-MM")
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--county", help="the county's code (default: the only county)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = read_month(options["month"])
        except Invalid as exc:
            raise CommandError(f"--month: {exc.message}") from None
        if month not in plank.computed_months():
            raise CommandError(
                f"--month: {month:%Y-%m} has not been computed (run indicator_snapshot first)."
            )
        counties = Region.objects.filter(level=Region.Level.COUNTY).defer("boundary")
        if options["county"]:
            counties = counties.filter(code=options["county"])
        found = list(counties[:2])
        if not found:
            raise CommandError("--county: no such county.")
        if len(found) > 1:
            raise CommandError("--county: there are several counties; name one by its code.")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"--out: the folder {out.parent} does not exist.")
        pdf = report.monthly_report(found[0], month)
        try:
            out.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"--out: cannot write {out}: {exc.strerror}") from None
        self.stdout.write(f"{month:%Y-%m}: wrote {out} ({len(pdf):,} bytes)")
