from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.tables import TableError, read_table
from minsheng.facilities.services.medicines import COLUMNS, medicines_load, medicines_plan


class Command(BaseCommand):
    help = (
        "Load the essential-medicines reference list from a CSV or XLSX file with the columns "
        f"{', '.join(COLUMNS)} (code, name_zh, group and level required; group: chemical or "
        "patent; level: village or township; essential: yes/no, default yes). Entries are "
        "created or updated by code. A dry run unless --commit; with a bad row nothing is "
        "written unless --skip-bad-rows (docs/medicines.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--commit", action="store_true", help="write (default: dry run)")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="write the good rows despite bad ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            table = read_table(path.read_bytes(), path.name)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        except TableError as exc:
            raise CommandError(f"{path}: {exc}") from None
        if options["commit"]:
            plan = medicines_load(table=table, skip_bad_rows=options["skip_bad_rows"])
        else:
            plan = medicines_plan(table)
        for e in plan.errors:
            self.stderr.write(f"row {e.row}, {e.column or '-'}: {e.message} ({e.code})")
        summary = f"rows={len(plan.rows)} new={plan.created} updated={plan.updated} "
        summary += f"errors={len(plan.errors)}"
        if not options["commit"]:
            self.stdout.write(f"dry run: {summary} (nothing written; add --commit)")
        elif plan.written:
            self.stdout.write(f"loaded: {summary}")
        else:
            raise CommandError(f"nothing written: {summary} (fix the rows or --skip-bad-rows)")
