"""``minsheng facilities_import FILE [--commit] [--skip-bad-rows]``: the facility register
from a CSV/XLSX file (columns: see ``facilities.services.register.COLUMNS``), created or
updated by code. A dry run unless ``--commit``; every bad row is printed with its number
and column; any bad row writes nothing (unless ``--skip-bad-rows``) and exits non-zero."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.facilities.services.register import facilities_import


class Command(BaseCommand):
    help = (
        "Import the facility register from a CSV or XLSX file (created or updated by code). "
        "A dry run unless --commit; prints every bad row; exits 1 on any bad row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .csv (UTF-8 or GB18030) or .xlsx file.")
        parser.add_argument("--commit", action="store_true", help="Write (default: dry run).")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Write the good rows even when some are bad (still exits 1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        result = facilities_import(
            actor=None,
            data=data,
            filename=path.name,
            commit=options["commit"],
            skip_bad_rows=options["skip_bad_rows"],
        )
        for e in result.errors:
            self.stderr.write(f"row {e.row}, {e.column or '-'}: {e.message} [{e.code}]")
        mode = "committed" if result.committed else "dry run (nothing written)"
        self.stdout.write(
            f"{mode}: rows={result.rows} created={len(result.created)} "
            f"updated={len(result.updated)} bad_rows={len(result.bad_rows)}"
        )
        if result.errors:
            raise CommandError(f"{len(result.bad_rows) or 1} bad row(s)", returncode=1)
