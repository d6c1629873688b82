"""``minsheng use_import FILE [--commit] [--skip-bad-rows]``: import daily use counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.commands import DRY_RUN_NOTE, import_refused
from minsheng.core.errors import DomainError
from minsheng.facilities.services.use import use_counts_import


class Command(BaseCommand):
    help = (
        "Import daily use counts from a CSV or XLSX table with the columns facility (code), "
        "date (YYYY-MM-DD), kind and count. A dry run unless --commit; a bad row stops the "
        "import unless --skip-bad-rows. Every bad row is printed with its number and reason."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--commit", action="store_true", help="write the counts")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="import the good rows, skip the bad"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            result = use_counts_import(
                actor=None,
                data=data,
                filename=path.name,
                commit=options["commit"],
                skip_bad_rows=options["skip_bad_rows"],
            )
        except DomainError as exc:
            raise import_refused(self, exc, str(path)) from None
        for e in result.errors:
            self.stderr.write(f"row {e.row}: {e.column or '-'}: {e.message} ({e.code})")
        self.stdout.write(
            f"{result.rows} rows, {len(result.planned)} good counts for {result.facilities} "
            f"facilities, {len(result.errors)} bad rows"
        )
        if result.committed:
            self.stdout.write(f"Imported {result.written} counts.")
        elif result.errors and options["commit"]:
            raise CommandError(
                f"{len(result.errors)} bad row(s); nothing was written "
                "(fix them, or use --skip-bad-rows)."
            )
        else:
            self.stdout.write(DRY_RUN_NOTE)
