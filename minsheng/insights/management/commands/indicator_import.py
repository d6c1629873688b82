"""``minsheng indicator_import FILE [--commit]``: import statistics for imported indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.commands import DRY_RUN_NOTE, import_refused
from minsheng.core.errors import DomainError
from minsheng.insights.balance import import_values


class Command(BaseCommand):
    help = (
        "Import statistics for the imported indicators from a CSV or XLSX table with the "
        "columns indicator (code), region (code), month (YYYY-MM), value and optionally "
        "source. A dry run unless --commit; any bad row stops the import (each is printed "
        "with its row number, column and reason) and nothing is written."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--commit", action="store_true", help="write the values")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            result = import_values(
                actor=None, data=data, filename=path.name, commit=options["commit"]
            )
        except DomainError as exc:
            raise import_refused(self, exc, str(path)) from None
        for e in result.errors:
            self.stderr.write(f"row {e.row}: {e.column or '-'}: {e.message} ({e.code})")
        self.stdout.write(
            f"{result.rows} rows, {len(result.planned)} good, {len(result.errors)} bad"
        )
        if result.errors:
            raise CommandError(f"{len(result.errors)} bad row(s); nothing was written.")
        if result.committed:
            self.stdout.write(f"Imported {result.written} values.")
        else:
            self.stdout.write(DRY_RUN_NOTE)
