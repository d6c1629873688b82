"""``minsheng collection --csv FILE --as-of YEAR [--json]``: a collection's freshness and
diversity figures (docs/collections.md), for a librarian's CSV of titles.

The CSV has the columns title, subject (a top-level CLC letter; lower case is read as the
capital), year and copies; other columns are ignored. Every bad row is reported on standard
error with its number (the header is row 1) and the reason, no figures are printed, and the
command exits with status 2. ``--as-of`` is the reference year: a whole number from 1000 up
to the current year (a reference year in the future is refused, as are publication years
after it). Nothing is written to the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.errors import DomainError
from minsheng.facilities.freshness import Figures, figures
from minsheng.facilities.services.collections import MIN_YEAR, read_titles, row_message, this_year

BAD_INPUT = 2  # the exit status for a refused file, row or argument


def text(f: Figures) -> list[str]:
    """The figures as lines of text (``--json`` prints ``Figures.as_json`` instead)."""

    def num(value: float | None, digits: int = 3) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    return [
        f"titles: {f.titles}",
        f"copies: {f.copies}",
        f"median age (years): {num(f.median_age, 1)}",
        f"share under 5 years: {num(f.share_under_5)}",
        f"shannon (ln): {num(f.shannon)}",
        f"largest class: {f.largest_class or '-'} ({num(f.largest_share)})",
        f"classes: {f.classes}",
        f"evenness: {num(f.evenness)}",
    ]


class Command(BaseCommand):
    help = (
        "Print a collection's freshness and diversity (median age, share under 5 years, "
        "Shannon entropy, largest class) from a CSV of title, subject, year, copies."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--csv", required=True, help="the CSV file (UTF-8 or GB18030)")
        parser.add_argument("--as-of", required=True, help="the reference year, e.g. 2026")
        parser.add_argument("--json", action="store_true", help="print the four figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        raw_year = str(options["as_of"]).strip()
        current = this_year()
        if not raw_year.isascii() or not raw_year.isdigit():
            raise CommandError(f"--as-of: “{raw_year}” is not a year.", returncode=BAD_INPUT)
        as_of = int(raw_year)
        if not MIN_YEAR <= as_of <= current:
            raise CommandError(
                f"--as-of: {as_of} is not a year from {MIN_YEAR} to {current}.",
                returncode=BAD_INPUT,
            )
        path = Path(options["csv"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                f"--csv: cannot read {path}: {exc.strerror}", returncode=BAD_INPUT
            ) from None
        try:
            rows, bad = read_titles(data, path.name, as_of=as_of, full=False)
        except DomainError as exc:
            raise CommandError(
                f"{path.name}: {exc.errors[0].message}", returncode=BAD_INPUT
            ) from None
        if bad:
            for e in bad:
                self.stderr.write(row_message(e))
            rows_bad = len({e.row for e in bad})
            raise CommandError(f"{rows_bad} bad row(s): no figures computed.", returncode=BAD_INPUT)
        result = figures([r.holding() for r in rows], as_of=as_of)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
        else:
            self.stdout.write("\n".join(text(result)))
