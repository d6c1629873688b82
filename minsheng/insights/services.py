"""Writing the demand snapshot: ``demand_snapshot(month=...)`` recomputes one month.

The month's rows of ``VillageMonth``, ``AreaDemand`` and ``ServiceDemand`` are replaced in
one transaction (a named lock keeps two recomputations of a month from interleaving), so a
reader sees the old month or the new one, never half of each. Everything is read in a
handful of grouped queries and written with ``bulk_create``; the figures are defined in
``docs/demand.md``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from minsheng.core import locks
from minsheng.insights.demand import COUNT_NAMES, add_months, month_start
from minsheng.insights.models import AreaDemand, ServiceDemand, VillageMonth
from minsheng.orders.models import Action, Order, OrderEvent, Rating, Satisfaction, Status
from minsheng.regions.models import Region
from minsheng.voice.models import AnswerChoice, Suggestion

SERVICE_COUNTS = ("placed", "unmet", "suggestions", "supports", "stated")


@dataclass
class SnapshotSummary:
    month: date
    villages: int = 0
    area_rows: int = 0
    service_rows: int = 0
    orders: int = 0
    unmet: int = 0
    suggestions: int = 0
    stated: int = 0
    # Orders, suggestions and answers placed at a township or the county, not a village:
    # no village to count them in (docs/demand.md).
    unplaced: int = 0


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in local time."""
    start = timezone.make_aware(datetime.combine(month_start(month), time.min))
    end = timezone.make_aware(datetime.combine(add_months(month, 1), time.min))
    return start, end


def _events(action: str) -> Exists:
    return Exists(OrderEvent.objects.filter(order_id=OuterRef("pk"), action=action))


def _blank() -> dict[str, int]:
    return dict.fromkeys(COUNT_NAMES, 0)


def demand_snapshot(*, month: date) -> SnapshotSummary:
    """Recompute the demand of ``month`` (any day of it) for every village; idempotent."""
    month = month_start(month)
    start, end = month_bounds(month)
    summary = SnapshotSummary(month=month)
    now = timezone.now()
    villages = {
        pk: (parent, population)
        for pk, parent, population in Region.objects.filter(level=Region.Level.VILLAGE).values_list(
            "pk", "parent_id", "population"
        )
    }
    areas: dict[tuple[int, int], dict[str, int]] = defaultdict(_blank)
    services: dict[tuple[int, int], dict[str, int]] = {}
    service_area: dict[int, int] = {}

    def service_row(village: int, service: int, area: int) -> dict[str, int]:
        service_area[service] = area
        return services.setdefault((village, service), dict.fromkeys(SERVICE_COUNTS, 0))

    # Orders placed in the month (a merged duplicate is the order it repeats).
    orders = (
        Order.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=Status.MERGED)
        .annotate(
            was_declined=_events(Action.DECLINE),
            was_rejected=_events(Action.REJECT),
            was_escalated=_events(Action.ESCALATE),
            was_reopened=_events(Action.REOPEN),
            was_unsatisfied=Exists(
                Rating.objects.filter(
                    order_id=OuterRef("pk"), satisfaction=Satisfaction.DISSATISFIED, valid=True
                )
            ),
        )
        .values_list(
            "region_id",
            "area_id",
            "service_id",
            "status",
            "escalated_at",
            "round",
            "was_declined",
            "was_rejected",
            "was_escalated",
            "was_reopened",
            "was_unsatisfied",
        )
    )
    for (
        region,
        area,
        service,
        status,
        escalated_at,
        rounds,
        declined,
        rejected,
        escalated,
        reopened,
        unsatisfied,
    ) in orders.iterator(chunk_size=5000):
        if region not in villages:
            summary.unplaced += 1
            continue
        reasons = {
            "declined": declined,
            "rejected": rejected or status == Status.REJECTED,
            "overdue": escalated or escalated_at is not None,
            "reopened": reopened or rounds > 0 or status == Status.REOPENED,
            "unsatisfied": unsatisfied,
        }
        unmet = any(reasons.values())
        row = areas[(region, area)]
        row["placed"] += 1
        row["unmet"] += unmet
        for name, flag in reasons.items():
            row[name] += bool(flag)
        summary.orders += 1
        summary.unmet += unmet
        if service is not None:
            srow = service_row(region, service, area)
            srow["placed"] += 1
            srow["unmet"] += unmet

    # Suggestions posted in the month and not hidden, with their supports.
    suggestions = (
        Suggestion.objects.filter(created_at__gte=start, created_at__lt=end, hidden_at__isnull=True)
        .annotate(
            the_area=Coalesce("area_id", "service__category__area_id"),
            n_supports=Count("supports"),
        )
        .filter(the_area__isnull=False)
        .values_list("region_id", "the_area", "service_id", "n_supports")
    )
    for region, area, service, supports in suggestions:
        if region not in villages:
            summary.unplaced += 1
            continue
        row = areas[(region, area)]
        row["suggestions"] += 1
        row["supports"] += supports
        summary.suggestions += 1
        if service is not None:
            srow = service_row(region, service, area)
            srow["suggestions"] += 1
            srow["supports"] += supports

    # Needs stated in survey answers submitted in the month: a choice naming an area or a
    # menu item.
    picks = (
        AnswerChoice.objects.filter(
            answer__response__submitted_at__gte=start, answer__response__submitted_at__lt=end
        )
        .filter(Q(choice__area__isnull=False) | Q(choice__service__isnull=False))
        .annotate(the_area=Coalesce("choice__area_id", "choice__service__category__area_id"))
        .values_list("answer__response__region_id", "the_area", "choice__service_id")
    )
    for region, area, service in picks:
        if region not in villages:
            summary.unplaced += 1
            continue
        areas[(region, area)]["stated"] += 1
        summary.stated += 1
        if service is not None:
            service_row(region, service, area)["stated"] += 1

    with transaction.atomic():
        locks.hold(f"demand-snapshot:{month:%Y-%m}")
        VillageMonth.objects.filter(month=month).delete()
        AreaDemand.objects.filter(month=month).delete()
        ServiceDemand.objects.filter(month=month).delete()
        VillageMonth.objects.bulk_create(
            [
                VillageMonth(
                    month=month,
                    village_id=pk,
                    township_id=parent,
                    population=population,
                    computed_at=now,
                )
                for pk, (parent, population) in villages.items()
            ],
            batch_size=2000,
        )
        AreaDemand.objects.bulk_create(
            [
                AreaDemand(
                    month=month,
                    village_id=village,
                    township_id=villages[village][0],
                    area_id=area,
                    **counts,
                )
                for (village, area), counts in areas.items()
            ],
            batch_size=2000,
        )
        ServiceDemand.objects.bulk_create(
            [
                ServiceDemand(
                    month=month,
                    village_id=village,
                    township_id=villages[village][0],
                    area_id=service_area[service],
                    service_id=service,
                    **counts,
                )
                for (village, service), counts in services.items()
            ],
            batch_size=2000,
        )
    summary.villages = len(villages)
    summary.area_rows = len(areas)
    summary.service_rows = len(services)
    return summary


def months_with_activity() -> list[date]:
    """Every month from the first order, suggestion or survey answer to this one."""
    firsts = [
        Order.objects.order_by("created_at").values_list("created_at", flat=True).first(),
        Suggestion.objects.order_by("created_at").values_list("created_at", flat=True).first(),
        AnswerChoice.objects.order_by("answer__response__submitted_at")
        .values_list("answer__response__submitted_at", flat=True)
        .first(),
    ]
    known = [timezone.localtime(f).date() for f in firsts if f is not None]
    this = month_start(timezone.localdate())
    month = month_start(min(known)) if known else this
    out = []
    while month <= this:
        out.append(month)
        month = add_months(month, 1)
    return out
