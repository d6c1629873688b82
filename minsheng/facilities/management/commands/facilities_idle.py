"""``minsheng facilities_idle [--as-of DATE]``: find idle facilities and open or refresh
their flags (``services.idle.facility_idle_detect``); the nightly task runs the same."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from minsheng.core.errors import DomainError
from minsheng.facilities.services.idle import facility_idle_detect


class Command(BaseCommand):
    help = "Find idle facilities and open (or refresh) their follow-up flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default="",
            help="The day assessed, YYYY-MM-DD (default today).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = (options.get("as_of") or "").strip()
        try:
            as_of = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {raw!r}") from None
        try:
            summary = facility_idle_detect(as_of=as_of)
        except DomainError as exc:
            raise CommandError("; ".join(str(e.message) for e in exc.errors)) from None
        self.stdout.write(
            f"{summary.as_of}: {summary.assessed} facilities assessed, {summary.idle} idle: "
            f"{summary.flagged} flagged, {summary.refreshed} open flags refreshed."
        )
