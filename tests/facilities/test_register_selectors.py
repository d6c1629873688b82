"""The register's reads: the public list's filters, the public page's figures (open now,
collection highlights and classes, upcoming activities, residents who used it this month)
and the staff figures (views in 30 days, use this month, views per month)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from minsheng.facilities.models import (
    Activity,
    ActivityKind,
    PortalViews,
    Title,
    UseCount,
)
from minsheng.facilities.selectors import register as sel
from tests.facilities.factories import make_facility
from tests.helpers import T0

pytestmark = pytest.mark.django_db

HOURS = [{"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"}]


def _use(facility, day, kind, count, source="staff"):
    UseCount.objects.create(
        facility=facility, day=day, kind=kind, count=count, source=source, recorded_at=T0
    )


def test_the_public_list_shows_open_and_closed_only_filtered(world):
    shop = make_facility(world.village_a, code="a-shop", name_zh="甲村书屋", address="东街")
    clinic = make_facility(world.village_a, "clinic", code="a-clinic", status="closed")
    make_facility(world.village_a, code="a-planned", status="planned")
    make_facility(world.village_a, code="a-gone", status="abandoned")
    other = make_facility(world.village_b, code="b-shop")

    def codes(filters: sel.Filters) -> list[str]:
        return [x.code for x in sel.public_facilities(filters)]

    # by township, village, kind (bookshop before clinic), code
    assert codes(sel.Filters()) == ["a-shop", "a-clinic", "b-shop"]
    assert codes(sel.Filters(township=world.town_b)) == [other.code]
    assert codes(sel.Filters(village=world.village_a, kind="clinic")) == [clinic.code]
    assert codes(sel.Filters(q="东街")) == [shop.code]
    assert codes(sel.Filters(q="甲村")) == [shop.code]


def test_the_map_shows_open_facilities_with_a_place(world):
    shop = make_facility(world.village_a, code="a-shop")
    make_facility(world.village_a, code="a-closed", status="closed")
    make_facility(world.village_a, code="a-nowhere", latitude=None, longitude=None)
    points = sel.public_points()
    assert [p["properties"]["code"] for p in points] == ["a-shop"]
    assert points[0]["geometry"] == {"type": "Point", "coordinates": [110.01, 30.01]}
    assert points[0]["properties"]["url"] == f"/facilities/{shop.pk}/"


def test_the_public_page_figures(world):
    shop = make_facility(world.village_a, opening_hours=HOURS)
    kind = ActivityKind.objects.create(code="reading", name_zh="读书会", field="education")
    for i, (year, subject, copies) in enumerate(
        [(2025, "I", 3), (2024, "S", 10), (2019, "I", 2), (2026, "K", 1)]
    ):
        Title.objects.create(
            facility=shop,
            title=f"书{i}",
            subject=subject,
            year=year,
            copies=copies,
            added_on=date(2026, 1, 1),
        )

    def activity(title, starts, status="announced"):
        return Activity.objects.create(
            title=title,
            kind=kind,
            village=world.village_a,
            township=world.town_a,
            facility=shop,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status=status,
            created_by=world.dispatcher_a,
            created_at=T0,
        )

    activity("past", T0 - timedelta(days=1))
    activity("draft", T0 + timedelta(days=1), status="draft")
    soon = activity("soon", T0 + timedelta(days=2))
    # May 2026: per day and kind the largest source; loans are not people; April not counted
    _use(shop, date(2026, 5, 1), "visits", 10)
    _use(shop, date(2026, 5, 1), "visits", 12, source="device")
    _use(shop, date(2026, 5, 2), "visits", 5)
    _use(shop, date(2026, 5, 2), "loans", 40)
    _use(shop, date(2026, 5, 4), "bookings", 2)
    _use(shop, date(2026, 4, 30), "visits", 99)
    page = sel.public_page(shop, now=T0)  # Monday 09:00
    assert page.open_now is True
    assert page.hours_rows == [("1-5", "09:00–17:00")]
    assert [t.title for t in page.highlights] == ["书3", "书0", "书1", "书2"]
    assert [(c.letter, c.copies) for c in page.classes] == [("S", 10), ("I", 5), ("K", 1)]
    assert page.upcoming == [soon]
    assert page.used_this_month == 12 + 5 + 2
    assert page.month_start == date(2026, 5, 1)
    assert sel.public_page(shop, now=T0 - timedelta(hours=1)).open_now is False


def test_staff_figures_and_views_by_month(world):
    shop = make_facility(world.village_a)
    today = date(2026, 5, 4)
    PortalViews.objects.bulk_create(
        [
            PortalViews(facility=shop, day=today, views=3),
            PortalViews(facility=shop, day=today - timedelta(days=29), views=4),
            PortalViews(facility=shop, day=today - timedelta(days=30), views=100),  # outside
            PortalViews(facility=shop, day=date(2026, 3, 15), views=7),
        ]
    )
    _use(shop, date(2026, 5, 3), "visits", 6)
    figures = sel.staff_figures([shop.pk], today=today)
    assert figures[shop.pk] == sel.Figures(views_30_days=7, used_this_month=6)
    months = sel.views_by_month(shop.pk, today=today, months=3)
    assert months == [(date(2026, 3, 1), 7), (date(2026, 4, 1), 104), (date(2026, 5, 1), 3)]


def test_the_staff_list_is_the_scope(world):
    a = make_facility(world.village_a, code="a")
    b = make_facility(world.village_b, code="b", keepers=[world.grid_worker])
    make_facility(world.village_b, code="c")
    assert [f.code for f in sel.staff_facilities(world.dispatcher_a)] == ["a"]
    assert [f.code for f in sel.staff_facilities(world.grid_worker)] == ["b"]
    assert sorted(f.code for f in sel.staff_facilities(world.county_admin)) == ["a", "b", "c"]
    assert list(sel.staff_facilities(world.resident)) == []
    counts = sel.counts(sel.staff_facilities(world.county_admin))
    assert counts["total"] == 3
    assert [(s, n) for s, _label, n in counts["statuses"]] == [
        ("planned", 0),
        ("open", 3),
        ("closed", 0),
        ("abandoned", 0),
    ]
    assert a.pk != b.pk
    assert timezone.is_aware(T0)
