from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from minsheng.catalog.models import Category
from minsheng.open311.importer import ImportResult, open311_import, read_files, read_server
from minsheng.open311.params import parse_w3c
from minsheng.regions.models import Region


def _when(text: str) -> datetime:
    # As the Open311 calls read start_date/end_date: a date is local midnight.
    moment = parse_w3c(text)
    if moment is None:
        raise CommandError(
            f"{text!r} is not a date or a W3C datetime with a time zone, "
            "e.g. 2026-01-01 or 2026-01-01T00:00:00+08:00"
        )
    return moment


class Command(BaseCommand):
    help = (
        "Bring services and requests from another Open311 GeoReport v2 server (--url) or "
        "from saved JSON/XML documents (--file, repeatable: a services list, service "
        "definitions, requests lists). A dry run unless --commit; any error and nothing is "
        "written. Requests already imported from the same source are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument(
            "--url", help="the server's GeoReport v2 root, e.g. https://x/open311/v2"
        )
        where.add_argument("--file", action="append", help="a saved document (repeatable)")
        parser.add_argument(
            "--source", help="a name for the source (default: the URL, or the first file's name)"
        )
        parser.add_argument("--jurisdiction", default="", help="jurisdiction_id to send")
        parser.add_argument("--format", choices=["json", "xml"], default="json")
        parser.add_argument(
            "--since", help="earliest requested_datetime to bring (default: a year ago)"
        )
        parser.add_argument("--until", help="latest requested_datetime to bring (default: now)")
        parser.add_argument(
            "--region", help="region code for requests whose location names no place of ours"
        )
        parser.add_argument(
            "--category",
            help="category code for services whose group matches none of ours, and for requests of unknown services",
        )
        parser.add_argument(
            "--prefix", default="", help="put before imported service codes, e.g. 'old-'"
        )
        parser.add_argument("--publish", action="store_true", help="put new services on the menu")
        parser.add_argument(
            "--max-km",
            type=float,
            default=30.0,
            help="how far a point may be from a place's centre",
        )
        parser.add_argument("--commit", action="store_true", help="write (default: a dry run)")

    def handle(self, *args: Any, **options: Any) -> None:
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None or region.level == Region.Level.COUNTY:
                raise CommandError(f"--region {options['region']!r}: no such township or village")
        category = None
        if options["category"]:
            category = Category.objects.filter(code=options["category"]).first()
            if category is None:
                raise CommandError(f"--category {options['category']!r}: no such category")
        if options["url"]:
            until = _when(options["until"]) if options["until"] else timezone.now()
            since = _when(options["since"]) if options["since"] else until - timedelta(days=365)
            if since >= until:
                raise CommandError("--since must be earlier than --until")
            source = read_server(
                options["url"],
                since=since,
                until=until,
                jurisdiction=options["jurisdiction"],
                fmt=options["format"],
            )
        else:
            source = read_files(options["file"], name=Path(options["file"][0]).name)
        if options["source"]:
            source.name = options["source"]
        source.name = source.name[:200]
        result = open311_import(
            source=source,
            default_region=region,
            category=category,
            prefix=options["prefix"],
            publish=options["publish"],
            max_km=options["max_km"],
            dry_run=not options["commit"],
        )
        self._report(result)

    def _report(self, result: ImportResult) -> None:
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(result.errors)} error(s) importing from {result.source}; nothing was written."
            )
        verb = "would be" if result.dry_run else "were"
        self.stdout.write(
            f"From {result.source}: {len(result.services_created)} services {verb} created, "
            f"{len(result.services_existing)} already here; {result.requests_created} requests "
            f"{verb} imported, {result.requests_skipped} already imported."
        )
        if result.dry_run:
            self.stdout.write("Dry run: nothing was written. Run again with --commit to import.")
