"""The demo's year of use (``demo.facilities_use``) on a small register: every open
facility but infrastructure counted on its open days, the idle ones far below their peers
and falling, a counter device at an urban library corner, and no count over capacity."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Max
from django.utils import timezone

from minsheng.demo.facilities import DemoFacilities
from minsheng.demo.facilities_use import seed_facility_use
from minsheng.demo.facility_stories import Stories
from minsheng.facilities.models import CounterDevice, Kind, UseCount
from minsheng.facilities.selectors.use import use_totals
from minsheng.regions.models import Region
from tests.facilities.factories import make_facility
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

WEEKDAYS = [{"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"}]


def test_a_year_of_use_with_the_idle_story(world: Any) -> None:
    today = timezone.localdate()
    town = RegionFactory(code="V9", parent=world.town_a, kind=Region.Kind.URBAN, population=3000)
    shops = [make_facility(world.village_a, opening_hours=WEEKDAYS) for _ in range(4)]
    corner = make_facility(town, capacity=40)
    clinic = make_facility(world.village_a, Kind.CLINIC)
    road = make_facility(world.town_a, Kind.ROAD)
    by_kind = {Kind.BOOKSHOP: [*shops, corner], Kind.CLINIC: [clinic], Kind.ROAD: [road]}
    idle = shops[0]
    story = Stories(*([idle] * 7))
    written = seed_facility_use(
        facilities=DemoFacilities(by_kind=by_kind),
        story=story,
        admin_id=world.county_admin.pk,
        now=timezone.now(),
        seed=1,
    )
    assert written == UseCount.objects.count()
    # weekday hours: 5 open days a week, two kinds each (visits, loans)
    open_days = sum(1 for i in range(365) if (today - timedelta(days=i)).weekday() < 5)
    assert UseCount.objects.filter(facility=shops[1], source="staff").count() == 2 * open_days
    assert UseCount.objects.filter(facility=road).count() == 0
    assert set(UseCount.objects.filter(facility=clinic).values_list("kind", flat=True)) == {
        "visits",
        "consultations",
    }
    # the idle bookshop: a small fraction of its peers', falling in the last 90 days
    last = use_totals([s.pk for s in shops], today - timedelta(days=89), today)
    before = use_totals(
        [s.pk for s in shops], today - timedelta(days=179), today - timedelta(days=90)
    )
    peers = sorted(last[s.pk] for s in shops[1:])
    assert last[idle.pk] < 0.2 * peers[1]
    assert last[idle.pk] < before[idle.pk]
    # the device: at the urban corner, posting visits for the last 90 days
    device = CounterDevice.objects.get()
    assert device.facility_id == corner.pk
    device_days = UseCount.objects.filter(facility=corner, source="device")
    assert device_days.count() == 90
    assert device_days.aggregate(Max("count"))["count__max"] <= 40
    assert UseCount.objects.filter(count__gt=30, facility__in=shops).count() == 0


def test_the_same_seed_writes_the_same_counts(world: Any) -> None:
    shop = make_facility(world.village_a)
    story = Stories(*([make_facility(world.village_b)] * 7))
    figures = []
    for _ in range(2):
        UseCount.objects.all().delete()
        seed_facility_use(
            facilities=DemoFacilities(by_kind={Kind.BOOKSHOP: [shop]}),
            story=story,
            admin_id=world.county_admin.pk,
            now=timezone.now(),
            seed=3,
        )
        figures.append(
            list(UseCount.objects.order_by("day", "kind").values_list("count", flat=True))
        )
    assert figures[0] == figures[1] and len(figures[0]) == 2 * 365
