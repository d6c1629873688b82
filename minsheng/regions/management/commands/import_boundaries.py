from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.core.commands import DRY_RUN_NOTE, import_refused
from minsheng.core.errors import DomainError
from minsheng.regions.services import boundaries_import_geojson


class Command(BaseCommand):
    help = (
        "Import village (or township) boundaries from a GeoJSON FeatureCollection: each "
        "feature a Polygon or MultiPolygon in WGS84 longitude/latitude, naming its region's "
        "code in a property. A dry run unless --commit; any error and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the GeoJSON file (UTF-8)")
        parser.add_argument(
            "--property",
            default="code",
            help="the feature property holding the region code (default: code)",
        )
        parser.add_argument("--commit", action="store_true", help="write (default: a dry run)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        try:
            with open(path, "rb") as fh:
                document = fh.read()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
        try:
            result = boundaries_import_geojson(
                document=document,
                code_property=options["property"],
                dry_run=not options["commit"],
            )
        except DomainError as exc:
            raise import_refused(self, exc, path) from None
        verb = "would be" if result.dry_run else "were"
        self.stdout.write(
            f"{result.features} features: {len(result.updated)} boundaries {verb} set, "
            f"{len(result.unchanged)} unchanged."
        )
        if result.dry_run:
            self.stdout.write(DRY_RUN_NOTE)
