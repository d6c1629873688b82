"""Reads of the use part (issue 10): how much a facility was used.

The one rule for counting use (every page, figure and the idleness ask it): on each day, for
each kind, the **largest** count among the sources (a door counter and the keeper counting
the same door are not added); the kinds are then added. Loans are not people: ``PEOPLE_KINDS``
(visits, consultations, bookings, orders delivered) are what "residents used it" counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Max

from ..models import UseCount, UseKind

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


__all__ = ["PEOPLE_KINDS", "use_totals"]
