from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minsheng.catalog.models import ServiceArea
from minsheng.core.inputs import Invalid, read_month
from minsheng.regions.models import Region
from minsheng.voice.selectors.topics import previous_month
from minsheng.voice.services import topics


class Command(BaseCommand):
    help = (
        "Group a month's texts (orders, suggestions, survey answers) into candidates for the "
        "monthly topic. Without --commit nothing is written: the groups are printed. "
        "Candidates picked, merged or edited by staff are kept."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the month just ended)")
        parser.add_argument("--commit", action="store_true", help="write the candidates")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                month = read_month(options["month"])
            except Invalid as exc:
                raise CommandError(str(exc.message)) from None
        else:
            month = previous_month(timezone.localdate().replace(day=1))
        if options["commit"]:
            result = topics.topic_candidates_compute(month=month)
            self.stdout.write(
                f"{month:%Y-%m}: written={result.written} texts={result.texts} "
                f"replaced={result.replaced} kept={result.kept}"
            )
            return
        groups = topics.topic_candidates_plan(month=month)
        areas = dict(ServiceArea.objects.values_list("pk", "name_zh"))
        towns = dict(
            Region.objects.filter(pk__in={g.region_id for g in groups}).values_list("pk", "name_zh")
        )
        self.stdout.write(f"{month:%Y-%m}: {len(groups)} groups (dry run, nothing written)")
        for rank, g in enumerate(groups, 1):
            self.stdout.write(
                f"{rank:3d}. score={g.score:g} size={g.size} unresolved={g.unresolved} "
                f"area={areas.get(g.area_id or 0, '-')} township={towns.get(g.region_id or 0, '-')}"
                f"  {g.label}"
            )
            for example in g.examples:
                self.stdout.write(f"       · {example[:80]}")
