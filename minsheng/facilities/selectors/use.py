"""Reads of the use part (issue 10): how much a facility was used.

The one rule for counting use (every page, figure and the idleness ask it): on each day, for
each kind, the **largest** count among the sources (a door counter and the keeper counting
the same door are not added); the kinds are then added. Loans are not people: ``PEOPLE_KINDS``
(visits, consultations, bookings, orders delivered) are what "residents used it" counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max, QuerySet

from ..models import (
    INFRASTRUCTURE,
    LIBRARIES,
    CounterDevice,
    Facility,
    Kind,
    Title,
    UseCount,
    UseKind,
)

PEOPLE_KINDS = frozenset({UseKind.VISITS, UseKind.CONSULTATIONS, UseKind.BOOKINGS, UseKind.ORDERS})


def use_totals(
    facility_ids: Iterable[int],
    start: date,
    end: date,
    *,
    kinds: Iterable[str] = PEOPLE_KINDS,
) -> dict[int, int]:
    """Use of each facility from ``start`` to ``end`` inclusive (see the module docstring);
    a facility with no counts is absent. Two queries' worth of work in one: the per-day
    maximum is taken in the database, the sum here."""
    rows = (
        UseCount.objects.filter(
            facility_id__in=list(facility_ids),
            day__gte=start,
            day__lte=end,
            kind__in=list(kinds),
        )
        .values("facility_id", "day", "kind")
        .annotate(best=Max("count"))
        .values_list("facility_id", "best")
    )
    totals: dict[int, int] = {}
    for facility_id, best in rows:
        totals[facility_id] = totals.get(facility_id, 0) + best
    return totals


# --- which kinds fit which facility -----------------------------------------------------------

# What can be counted at each kind of facility, besides visits (every counted facility has
# visits): loans where there is a collection, consultations at health facilities, bookings
# where a room, a ground or a day place is booked. Infrastructure counts nothing.
# ``UseKind.ORDERS`` is never entered: it is collected from the orders (``order_use_collect``).
EXTRA_KINDS: dict[str, tuple[str, ...]] = {
    Kind.BOOKSHOP: (UseKind.LOANS,),
    Kind.CLINIC: (UseKind.CONSULTATIONS,),
    Kind.HEALTH_CENTRE: (UseKind.CONSULTATIONS,),
    Kind.CULTURAL: (UseKind.BOOKINGS,),
    Kind.SPORTS: (UseKind.BOOKINGS,),
    Kind.ELDERLY: (UseKind.BOOKINGS,),
}
ENTERED_KINDS = (UseKind.VISITS, UseKind.LOANS, UseKind.CONSULTATIONS, UseKind.BOOKINGS)


def fitting_kinds(kind: str, *, has_collection: bool = False) -> list[str]:
    """The kinds of use entered at a facility of ``kind``, in the order of ``UseKind``: none
    for infrastructure; visits and the kind's own (``EXTRA_KINDS``); loans also wherever
    there is a collection (a cultural station with a reading room's titles)."""
    if kind in INFRASTRUCTURE:
        return []
    kinds = {UseKind.VISITS, *EXTRA_KINDS.get(kind, ())}
    if has_collection or kind in LIBRARIES:
        kinds.add(UseKind.LOANS)
    return [k.value for k in ENTERED_KINDS if k in kinds]


def kinds_for(facility: Facility) -> list[str]:
    """``fitting_kinds`` of ``facility`` (one query: whether it holds titles)."""
    if facility.kind in INFRASTRUCTURE:
        return []
    has_collection = (
        facility.kind in LIBRARIES or Title.objects.filter(facility_id=facility.pk).exists()
    )
    return fitting_kinds(facility.kind, has_collection=has_collection)


# --- a facility's series, month and totals ----------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One day of a facility's use: each kind's count (the largest source), and ``people``,
    the kinds of ``PEOPLE_KINDS`` added (what ``use_totals`` counts)."""

    day: date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def people(self) -> int:
        return sum(n for k, n in self.counts.items() if k in PEOPLE_KINDS)


def _best(facility_id: int, start: date, end: date) -> dict[date, dict[str, int]]:
    rows = (
        UseCount.objects.filter(facility_id=facility_id, day__gte=start, day__lte=end)
        .values("day", "kind")
        .annotate(best=Max("count"))
        .values_list("day", "kind", "best")
        .order_by()
    )
    days: dict[date, dict[str, int]] = {}
    for day, kind, best in rows:
        days.setdefault(day, {})[kind] = best
    return days


def daily_series(facility_id: int, start: date, end: date) -> list[Day]:
    """Every day from ``start`` to ``end`` inclusive (days without counts have none), with
    each kind's count by the one rule."""
    days = _best(facility_id, start, end)
    out = []
    day = start
    while day <= end:
        out.append(Day(day, dict(sorted(days.get(day, {}).items()))))
        day += timedelta(days=1)
    return out


def month_table(facility_id: int, month: date, *, until: date | None = None) -> list[Day]:
    """The days of ``month`` (its first day) up to ``until`` (the end of the month when
    None), newest first."""
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if until is not None:
        last = min(last, until)
    if last < first:
        return []
    return list(reversed(daily_series(facility_id, first, last)))


def kind_totals(facility_id: int, start: date, end: date) -> dict[str, int]:
    """Each kind's total from ``start`` to ``end`` (per day the largest source)."""
    totals: dict[str, int] = {}
    for counts in _best(facility_id, start, end).values():
        for kind, n in counts.items():
            totals[kind] = totals.get(kind, 0) + n
    return totals


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    counts: dict[str, int]

    @property
    def people(self) -> int:
        return sum(n for k, n in self.counts.items() if k in PEOPLE_KINDS)


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def monthly_totals(facility_id: int, last_month: date, months: int = 12) -> list[Month]:
    """The ``months`` months up to ``last_month`` (any day of it), oldest first: each kind's
    total by the one rule (one query)."""
    last_first = last_month.replace(day=1)
    first = add_months(last_first, -(months - 1))
    end = add_months(last_first, 1) - timedelta(days=1)
    by_month: dict[date, dict[str, int]] = {add_months(first, i): {} for i in range(months)}
    for day, counts in _best(facility_id, first, end).items():
        bucket = by_month[day.replace(day=1)]
        for kind, n in counts.items():
            bucket[kind] = bucket.get(kind, 0) + n
    return [Month(m, dict(sorted(c.items()))) for m, c in by_month.items()]


# --- devices and facilities -------------------------------------------------------------------


def devices_of(facility_id: int) -> QuerySet[CounterDevice]:
    """A facility's counter devices, the active ones first, newest first."""
    return (
        CounterDevice.objects.filter(facility_id=facility_id)
        .select_related("created_by")
        .order_by("-active", "-created_at", "-pk")
    )


def facility_for_use(facility_id: int) -> Facility | None:
    return (
        Facility.objects.select_related("region", "township", "provider")
        .filter(pk=facility_id)
        .first()
    )


__all__ = [
    "ENTERED_KINDS",
    "EXTRA_KINDS",
    "PEOPLE_KINDS",
    "Day",
    "Month",
    "daily_series",
    "devices_of",
    "facility_for_use",
    "fitting_kinds",
    "kind_totals",
    "kinds_for",
    "month_table",
    "monthly_totals",
    "use_totals",
]
