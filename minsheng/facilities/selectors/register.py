"""Reads of the register part (issue 10, items 1 and 2): the public list, map and page of a
facility, and the staff console with its figures.

"Residents who used it this month" is ``selectors.use.use_totals`` over ``PEOPLE_KINDS``
from the 1st of the month to today: the one rule for counting use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.types import Actor
from minsheng.catalog.models import Service
from minsheng.orders.models import Audience
from minsheng.regions.models import Region

from .. import hours as hours_rules
from ..models import (
    Activity,
    Facility,
    FacilityEvent,
    FacilityPhoto,
    Kind,
    PortalViews,
    Status,
    Title,
)
from ..policy import register as policy
from . import activities, collections
from .use import PEOPLE_KINDS, use_totals

HIGHLIGHTS = 6
UPCOMING = 5
VIEW_DAYS = 30


@dataclass(frozen=True)
class Filters:
    """The list's filters (None/empty: any)."""

    township: Region | None = None
    village: Region | None = None
    kind: str = ""
    status: str = ""
    q: str = ""


def _regions() -> QuerySet[Region]:
    return Region.objects.defer("boundary")


def region_with_code(code: str) -> Region | None:
    return _regions().filter(code=code).first() if code else None


def _filtered(qs: QuerySet[Facility], filters: Filters) -> QuerySet[Facility]:
    if filters.township is not None:
        qs = qs.filter(township=filters.township)
    if filters.village is not None:
        qs = qs.filter(region=filters.village)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(text_q(filters.q))
    return qs


def text_q(text: str) -> Q:
    """Facilities whose name (either language) or address holds ``text``, or coded so."""
    return (
        Q(name_zh__icontains=text)
        | Q(name_en__icontains=text)
        | Q(address__icontains=text)
        | Q(code__iexact=text)
    )


def _joined(qs: QuerySet[Facility]) -> QuerySet[Facility]:
    return qs.select_related("region", "township").defer("region__boundary", "township__boundary")


def public_facilities(filters: Filters = Filters()) -> QuerySet[Facility]:
    """Facilities anyone may see (open, or closed for a while), filtered."""
    qs = _joined(Facility.objects.filter(policy.public_q()))
    return _filtered(qs, filters).order_by("township__code", "region__code", "kind", "code")


def public_points(filters: Filters = Filters()) -> list[dict[str, Any]]:
    """The open facilities with a location as GeoJSON features (the public map)."""
    qs = public_facilities(filters).filter(
        status=Status.OPEN, latitude__isnull=False, longitude__isnull=False
    )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [f.longitude, f.latitude]},
            "properties": {
                "id": f.pk,
                "code": f.code,
                "name": f.name,
                "kind": f.kind,
                "kind_label": str(Kind(f.kind).label),
                "place": f.region.name,
                "township": f.township.name if f.township else "",
                "url": reverse("facility_detail", args=[f.pk]),
            },
        }
        for f in qs
    ]


def facility_for(user: Actor, facility_id: int | None) -> Facility | None:
    """The facility, if ``user`` may see it (None: no such facility, or not for them)."""
    if facility_id is None:
        return None
    facility = (
        _joined(Facility.objects.filter(pk=facility_id))
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.order_by("code")),
            "photos",
        )
        .first()
    )
    if facility is None or not policy.can_see(user, facility):
        return None
    return facility


def first_of_month(today: date) -> date:
    return today.replace(day=1)


@dataclass
class PublicPage:
    """What the public page of a facility shows, beyond the facility's own fields."""

    facility: Facility
    hours_rows: list[tuple[str, str]]
    open_now: bool | None  # None: no hours recorded
    services: list[Service]
    photos: list[FacilityPhoto]
    highlights: list[Title]
    classes: list[collections.ClassRow]
    upcoming: list[Activity]
    used_this_month: int
    month_start: date
    history: list[FacilityEvent] = field(default_factory=list)


def hours_rows(hours: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(days, times) lines of the opening hours, in their text form."""
    rows = []
    for period in hours:
        days = hours_rules.format([period]).split(" ", 1)[0]
        rows.append((days, f"{period['opens']}–{period['closes']}"))
    return rows


def open_now(facility: Facility, at: datetime) -> bool | None:
    if not facility.opening_hours or facility.status != Status.OPEN:
        return None if not facility.opening_hours else False
    local = timezone.localtime(at)
    return hours_rules.open_at(facility.opening_hours, local.weekday(), local.time())


def public_page(
    facility: Facility, *, user: Actor = None, now: datetime | None = None
) -> PublicPage:
    """The public page's figures for ``facility`` (seen by ``user``) at ``now``."""
    at = now or timezone.now()
    today = timezone.localdate(at)
    start = first_of_month(today)
    # the collections part's and the activities part's own reads: one rule each
    highlights = collections.highlights(facility, HIGHLIGHTS)
    classes = sorted(
        collections.class_breakdown(facility, today.year), key=lambda c: (-c.copies, c.letter)
    )
    upcoming = activities.upcoming_at_facilities([facility.pk], at, UPCOMING)[facility.pk]
    used = use_totals([facility.pk], start, today, kinds=PEOPLE_KINDS).get(facility.pk, 0)
    return PublicPage(
        facility=facility,
        hours_rows=hours_rows(facility.opening_hours),
        open_now=open_now(facility, at),
        services=[s for s in facility.services.all() if s.published],
        photos=list(facility.photos.all()),
        highlights=highlights,
        classes=classes,
        upcoming=upcoming,
        used_this_month=used,
        month_start=start,
        history=list(history_for(user, facility)),
    )


def history_for(user: Actor, facility: Facility) -> QuerySet[FacilityEvent]:
    """The steps of the facility's history ``user`` may read."""
    qs = FacilityEvent.objects.filter(facility=facility).select_related("actor")
    if not policy.reads_staff_history(user, facility):
        qs = qs.filter(audience=Audience.PUBLIC)
    return qs.order_by("-created_at", "-pk")


# --- staff ------------------------------------------------------------------------------------


def staff_facilities(user: Actor, filters: Filters = Filters()) -> QuerySet[Facility]:
    """The facilities ``user`` manages or keeps, filtered."""
    scope = policy.kept_q(user)
    if scope is None:
        return Facility.objects.none()
    qs = _joined(Facility.objects.filter(scope).distinct())
    return _filtered(qs, filters).order_by("township__code", "region__code", "kind", "code")


@dataclass(frozen=True)
class Figures:
    views_30_days: int
    used_this_month: int


def staff_figures(ids: Iterable[int], *, today: date) -> dict[int, Figures]:
    """Portal views in the last 30 days and use this month, for each facility: two queries."""
    ids = list(ids)
    views = dict(
        PortalViews.objects.filter(
            facility_id__in=ids, day__gt=today - timedelta(days=VIEW_DAYS), day__lte=today
        )
        .values("facility_id")
        .annotate(total=Sum("views"))
        .values_list("facility_id", "total")
    )
    used = use_totals(ids, first_of_month(today), today, kinds=PEOPLE_KINDS)
    return {i: Figures(views.get(i, 0) or 0, used.get(i, 0)) for i in ids}


def counts(qs: QuerySet[Facility]) -> dict[str, Any]:
    """How many of ``qs`` of each status and kind."""
    by_status = dict(
        qs.order_by()
        .values("status")
        .annotate(n=Count("pk", distinct=True))
        .values_list("status", "n")
    )
    by_kind = dict(
        qs.order_by().values("kind").annotate(n=Count("pk", distinct=True)).values_list("kind", "n")
    )
    return {
        "statuses": [(s, label, by_status.get(s, 0)) for s, label in Status.choices],
        "kinds": [(k, label, by_kind.get(k, 0)) for k, label in Kind.choices],
        "total": sum(by_status.values()),
    }


def views_by_month(facility_id: int, *, today: date, months: int = 12) -> list[tuple[date, int]]:
    """Portal views of each of the last ``months`` months (oldest first, this month last)."""
    first = first_of_month(today)
    starts = []
    for _i in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    starts.reverse()
    rows = dict(
        PortalViews.objects.filter(facility_id=facility_id, day__gte=starts[0], day__lte=today)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(total=Sum("views"))
        .values_list("month", "total")
    )
    totals = {(m.year, m.month): t for m, t in rows.items()}
    return [(s, totals.get((s.year, s.month), 0)) for s in starts]


__all__ = [
    "Figures",
    "Filters",
    "PublicPage",
    "counts",
    "facility_for",
    "history_for",
    "public_facilities",
    "public_page",
    "public_points",
    "region_with_code",
    "staff_facilities",
    "staff_figures",
    "views_by_month",
]
