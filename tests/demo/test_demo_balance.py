"""The demo's balance data (``minsheng.demo.balance``): spending bands, local weights,
imported statistics and twelve months of indicator snapshots, with a clear weakest plank
in every township. The demo is seeded once for the module (small scale)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from minsheng.demo.balance import BANDS, BASE_COST, DEMO_MONTHS, build_bands, demo_months
from minsheng.demo.seed import seed_demo
from minsheng.insights.demand import add_months
from minsheng.insights.models import (
    AreaAttainment,
    ImportedValue,
    IndicatorValue,
    LocalWeight,
    SpendingBand,
)
from minsheng.regions.models import Region

SCALE = 0.02


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    # One seed for the module, inside a transaction rolled back at the end: the seed also
    # writes county-agnostic rows (the search synonyms) that demo_reset rightly keeps, and
    # later tests expect an empty database.
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo(seed=1, scale=SCALE)
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_bands_rise_in_cost_and_rural_costs_more(demo):
    assert SpendingBand.objects.count() == len(BASE_COST) * 2 * len(BANDS)
    for area_id in set(SpendingBand.objects.values_list("area_id", flat=True)):
        for rural in (True, False):
            costs = list(
                SpendingBand.objects.filter(area_id=area_id, rural=rural)
                .order_by("lower")
                .values_list("yuan_per_resident", flat=True)
            )
            assert costs == sorted(costs) and len(set(costs)) == len(costs)
        rural_first = SpendingBand.objects.filter(area_id=area_id, rural=True, lower=0).get()
        urban_first = SpendingBand.objects.filter(area_id=area_id, rural=False, lower=0).get()
        assert rural_first.yuan_per_resident > urban_first.yuan_per_resident
    assert build_bands() == 0  # already there: not doubled


def test_mountain_townships_weigh_elderly_care_higher(demo):
    weights = {(w.region.name_en, w.area.code): w.weight for w in LocalWeight.objects.all()}
    assert weights[("Gaofeng Township", "elderly")] == 1.5
    assert weights[("Yuntai Township", "elderly")] == 1.5


def test_snapshots_with_imported_values(demo):
    months = sorted(set(IndicatorValue.objects.values_list("month", flat=True)))
    assert len(months) == demo_months(SCALE) == 3  # a small demo: the last three months
    assert months[-1] == timezone.localdate().replace(day=1)
    assert set(AreaAttainment.objects.values_list("month", flat=True)) == set(months)
    assert ImportedValue.objects.filter(month=months[-1]).count() == 3 * 13  # 12 towns + county
    imported_months = set(ImportedValue.objects.values_list("month", flat=True))
    assert len(imported_months) == DEMO_MONTHS  # the imported statistics: the whole year
    county = Region.objects.get(level=Region.Level.COUNTY)
    codes = set(
        IndicatorValue.objects.filter(month=months[-1], region=county).values_list(
            "indicator__code", flat=True
        )
    )
    assert {
        "response_rate",
        "resolution_rate",
        "satisfaction_rate",
        "health_doctors_per_1000",
    } <= codes


def _last_full_month() -> Any:
    return add_months(timezone.localdate().replace(day=1), -1)


def test_every_township_has_a_clear_weakest_plank(demo):
    month = _last_full_month()
    towns = Region.objects.filter(level=Region.Level.TOWNSHIP)
    rural_weakest = []
    for t in towns:
        staves = sorted(
            AreaAttainment.objects.filter(month=month, region=t).select_related("area"),
            key=lambda a: a.attainment,
        )
        # health, elderly care and culture at least (the others need 5 orders a month)
        assert len(staves) >= 3, t.name_en
        assert staves[0].attainment < staves[1].attainment, t.name_en
        assert staves[0].gap_people > 0 and staves[0].gap_yuan and staves[0].gap_yuan > 0
        if t.kind == Region.Kind.RURAL:
            rural_weakest.append(staves[0].area.code)
    assert rural_weakest
    assert set(rural_weakest) <= {"health", "elderly"}, rural_weakest


def test_rural_townships_trail_the_urban_in_elderly_care(demo):
    month = _last_full_month()
    for code in ("elderly",):
        rows = AreaAttainment.objects.filter(
            month=month, region__level=Region.Level.TOWNSHIP, area__code=code
        ).select_related("region")
        rural = [a.attainment for a in rows if a.region.kind == Region.Kind.RURAL]
        urban = [a.attainment for a in rows if a.region.kind == Region.Kind.URBAN]
        assert sum(rural) / len(rural) < sum(urban) / len(urban), code


def test_the_full_demo_computes_the_whole_year():
    assert demo_months(1.0) == demo_months(0.25) == DEMO_MONTHS == 12
    assert demo_months(0.2) == 3


def test_the_planning_pages_open_on_a_saved_allocation_and_siting(demo):
    from minsheng.demo.balance import DEMO_BUDGET_SHARE, DEMO_CLINICS, DEMO_RADIUS_KM
    from minsheng.insights.models import PlanningRun

    this = timezone.localdate().replace(day=1)
    allocation = PlanningRun.objects.get(kind=PlanningRun.Kind.ALLOCATION)
    gap = sum(
        AreaAttainment.objects.filter(
            month=this, region__level=Region.Level.VILLAGE, gap_yuan__isnull=False
        ).values_list("gap_yuan", flat=True)
    )
    assert allocation.inputs["budget"] == round(gap * DEMO_BUDGET_SHARE, -4) > 0
    assert allocation.inputs["objective"] == "leximin"
    assert allocation.created_by.profile.role == "county_admin"
    summary = allocation.result["summary"]
    # Leximin lifts the lowest (weighted) attainment at least as high as the utilitarian plan.
    assert summary["leximin"]["min_weighted"] >= summary["utilitarian"]["min_weighted"]
    assert summary["leximin"]["min_weighted"] > allocation.result["before"]["min_weighted"]
    siting = PlanningRun.objects.get(kind=PlanningRun.Kind.SITING)
    assert siting.inputs == {
        "kind": "clinic",
        "model": "mclp",
        "p": DEMO_CLINICS,
        "radius_km": DEMO_RADIUS_KM,
    }
    assert len(siting.result["sites"]) == DEMO_CLINICS
    assert siting.result["covered_population"] >= siting.result["covered_population_before"]
