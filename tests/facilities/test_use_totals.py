"""The one rule for counting use: per day and kind the largest source, then the kinds added;
loans are not people."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from minsheng.facilities.models import UseCount, UseKind, UseSource
from minsheng.facilities.selectors.use import use_totals
from tests.facilities.factories import make_facility

pytestmark = pytest.mark.django_db


def _count(facility, day, kind, source, n):  # type: ignore[no-untyped-def]
    UseCount.objects.create(
        facility=facility, day=day, kind=kind, source=source, count=n, recorded_at=timezone.now()
    )


def test_sources_are_not_added_kinds_are_and_loans_are_not_people(world) -> None:  # type: ignore[no-untyped-def]
    f = make_facility(world.village_a)
    other = make_facility(world.village_b)
    d1, d2 = date(2026, 3, 1), date(2026, 3, 2)
    _count(f, d1, UseKind.VISITS, UseSource.DEVICE, 12)
    _count(f, d1, UseKind.VISITS, UseSource.STAFF, 10)  # the same door: the larger counts
    _count(f, d1, UseKind.BOOKINGS, UseSource.STAFF, 3)
    _count(f, d2, UseKind.VISITS, UseSource.STAFF, 5)
    _count(f, d2, UseKind.LOANS, UseSource.STAFF, 40)  # loans are not people
    _count(f, date(2026, 4, 1), UseKind.VISITS, UseSource.STAFF, 99)  # outside the range
    _count(other, d1, UseKind.ORDERS, UseSource.ORDERS, 2)
    assert use_totals([f.pk, other.pk], d1, date(2026, 3, 31)) == {f.pk: 20, other.pk: 2}
    assert use_totals([f.pk], d1, d2, kinds=[UseKind.LOANS]) == {f.pk: 40}
    assert use_totals([f.pk], date(2026, 5, 1), date(2026, 5, 31)) == {}
