from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.commands import DRY_RUN_NOTE, import_refused
from minsheng.core.errors import DomainError
from minsheng.regions.services import regions_import_csv


class Command(BaseCommand):
    help = (
        "Import regions from a CSV file (code, parent_code, level, name_zh, name_en, kind, "
        "population, latitude, longitude), upserting by code. A dry run unless --commit; "
        "any error and nothing is written."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8, with or without BOM)")
        parser.add_argument(
            "--commit", action="store_true", help="write the changes (default: a dry run)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        commit: bool = options["commit"]
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                result = regions_import_csv(file=fh, dry_run=not commit)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 CSV"
            ) from None
        except DomainError as exc:
            raise import_refused(self, exc, path) from None
        verb = "would be" if result.dry_run else "were"
        self.stdout.write(
            f"{result.rows} rows: {len(result.created)} {verb} created, "
            f"{len(result.updated)} {verb} updated, {len(result.unchanged)} unchanged."
        )
        if result.dry_run:
            self.stdout.write(DRY_RUN_NOTE)
