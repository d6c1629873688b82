"""The computed indicators (``insights.indicators``) and the attainment arithmetic
(``insights.balance``), on hand-computed cases."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from minsheng.core.geo import great_circle_matrix_km, haversine_km
from minsheng.facilities.models import Facility
from minsheng.insights import indicators as ind
from minsheng.insights.balance import ZERO_BAD_ATTAINMENT, Band, attainment, gap_yuan, stave
from minsheng.insights.models import Indicator
from minsheng.insights.services import demand_snapshot
from minsheng.regions.models import Region
from minsheng.voice.models import Answer, Question, Response, Survey
from tests.insights.conftest import MAY, at

# --- the arithmetic -----------------------------------------------------------------------------


def test_attainment_is_value_over_standard_uncapped():
    assert attainment(5, 10, higher_is_better=True) == 0.5
    assert attainment(30, 10, higher_is_better=True) == 3.0


def test_attainment_where_less_is_better_is_standard_over_value():
    assert attainment(0.4, 0.1, higher_is_better=False) == pytest.approx(0.25)
    assert attainment(0.05, 0.1, higher_is_better=False) == pytest.approx(2.0)


def test_none_of_a_bad_thing_counts_as_the_standard_met_ten_times():
    assert attainment(0, 0.1, higher_is_better=False) == ZERO_BAD_ATTAINMENT == 10.0


def test_gap_yuan_adds_the_bands_from_the_attainment_up_to_one():
    bands = [Band(0, 0.5, 100), Band(0.5, 0.8, 200), Band(0.8, 1.0, 400)]
    # from 0.6: 0.2 x 200 + 0.2 x 400 = 120 yuan a resident, x 1,000 residents
    assert gap_yuan(0.6, 1000, bands) == pytest.approx(120_000)
    assert gap_yuan(0.2, 10, bands) == pytest.approx(10 * (0.3 * 100 + 0.3 * 200 + 0.2 * 400))
    assert gap_yuan(1.0, 1000, bands) == 0
    assert gap_yuan(1.7, 1000, bands) == 0
    assert gap_yuan(0.5, 1000, []) is None


def test_gap_yuan_beyond_the_last_band_is_at_its_price():
    assert gap_yuan(0.4, 100, [Band(0, 0.5, 10)]) == pytest.approx(100 * (0.1 * 10 + 0.5 * 10))


def test_stave_caps_each_attainment_at_one_and_weighs_them():
    s = stave([(1, 2.0, 1.0), (2, 0.4, 3.0)], 1000)
    assert s is not None
    assert s.attainment == pytest.approx((1.0 + 3 * 0.4) / 4)
    assert s.gap_people == pytest.approx(1000 * (1 - 0.55))
    assert s.weakest == 2
    full = stave([(1, 1.5, 1.0)], 1000)
    assert full is not None and full.attainment == 1 and full.gap_people == 0
    assert stave([], 10) is None


def test_the_weakest_is_the_first_of_equal_lowest():
    s = stave([(7, 0.5, 1.0), (3, 0.5, 1.0)], 10)
    assert s is not None and s.weakest == 7


def test_haversine_matrix_agrees_with_the_one_point_formula():
    lat1, lon1 = np.array([30.0, 29.5]), np.array([110.0, 109.1])
    lat2, lon2 = np.array([30.01, 31.0, 29.5]), np.array([110.01, 111.0, 109.1])
    d = great_circle_matrix_km(lat1, lon1, lat2, lon2)
    for i in range(2):
        for j in range(3):
            assert d[i, j] == pytest.approx(haversine_km(lat1[i], lon1[i], lat2[j], lon2[j]))
    assert d[1, 2] == 0


# --- the registry and the defaults --------------------------------------------------------------


@pytest.mark.django_db
def test_every_default_computed_indicator_has_its_function():
    computed = set(
        Indicator.objects.filter(source=Indicator.Source.COMPUTED).values_list("code", flat=True)
    )
    assert computed, "the data migration added the defaults"
    assert computed <= set(ind.REGISTRY)
    assert not Indicator.objects.filter(
        source=Indicator.Source.IMPORTED, code__in=list(ind.REGISTRY)
    ).exists()


@pytest.mark.django_db
def test_the_general_outcomes_have_the_codes_the_dashboard_reads():
    rows = Indicator.objects.filter(
        code__in=["response_rate", "resolution_rate", "satisfaction_rate", "survey_score"]
    )
    assert {i.code: i.area_id for i in rows} == {
        "response_rate": None,
        "resolution_rate": None,
        "satisfaction_rate": None,
        "survey_score": None,
    }


@pytest.mark.django_db
def test_every_national_area_has_indicators_across_dimensions():
    from minsheng.catalog.standard import NATIONAL_AREAS

    for code, *_rest in NATIONAL_AREAS:
        dims = set(Indicator.objects.filter(area__code=code).values_list("dimension", flat=True))
        assert {"use", "outcome"} <= dims, code
    for code in ("health", "elderly", "culture-sports"):
        dims = set(Indicator.objects.filter(area__code=code).values_list("dimension", flat=True))
        assert dims == {"supply", "access", "use", "outcome", "variety"}, code


# --- computed on the small county (tests/insights/conftest.py) ----------------------------------


def _ctx(month: date = MAY) -> ind.Context:
    return ind.Context.load(month)


def _facility(code: str, kind: str, region: Region, **kw: Any) -> Facility:
    now = timezone.now()
    return Facility.objects.create(
        code=code,
        name_zh=code,
        kind=kind,
        status=kw.pop("status", "open"),
        region=region,
        township=region if region.level == Region.Level.TOWNSHIP else region.parent,
        created_at=now,
        updated_at=now,
        **kw,
    )


@pytest.mark.django_db
def test_ratio_adds_numerators_and_denominators_up_the_tree(world):
    ctx = _ctx()
    v1, v2, t1 = world.village_a.pk, world.village_b.pk, world.town_a.pk
    got = ctx.ratio({v1: 1, t1: 1, v2: 3}, {v1: 10, v2: 10})
    assert got == {v1: 0.1, t1: 0.2, v2: 0.3, world.town_b.pk: 0.3, world.county.pk: 0.25}


@pytest.mark.django_db
def test_mean_weighs_villages_by_population(world):
    Region.objects.filter(pk=world.village_a.pk).update(population=3000)
    ctx = _ctx()
    v1, v2 = world.village_a.pk, world.village_b.pk
    got = ctx.mean({v1: 2.0, v2: 6.0})
    assert got[world.town_a.pk] == 2.0
    assert got[world.county.pk] == pytest.approx((3000 * 2 + 1000 * 6) / 4000)


@pytest.mark.django_db
def test_facilities_per_10k_and_access_count_open_facilities_of_the_area(world):
    _facility("clinic-v1", "clinic", world.village_a, latitude=30.01, longitude=110.01)
    _facility("hc-t1", "health_centre", world.town_a)  # no pin: counted, not placed
    _facility("closed", "clinic", world.village_b, status="closed")
    _facility("future", "clinic", world.village_b, opened_on=date(2026, 6, 1))
    _facility("book", "bookshop", world.village_b)
    ctx = _ctx()
    v1, v2, t1, t2, c = (
        world.village_a.pk,
        world.village_b.pk,
        world.town_a.pk,
        world.town_b.pk,
        world.county.pk,
    )
    per = ind.compute("health_facilities_per_10k", ctx)
    assert per == {v1: 10.0, v2: 0.0, t1: 20.0, t2: 0.0, c: 10.0}
    access = ind.compute("health_access_3km", ctx)
    # V2 is about 70 km from the clinic in V1.
    assert access == {v1: 1.0, v2: 0.0, t1: 1.0, t2: 0.0, c: 0.5}
    # the bookshop in V2 has no pin: V2's centroid stands for it
    assert ind.compute("culture_access_2km", ctx)[v2] == 1.0


@pytest.mark.django_db
def test_the_three_rates_and_unmet_share_reuse_the_order_loops_counts(demand_world):
    w = demand_world.world
    demand_snapshot(month=MAY)
    ctx = _ctx()
    v1, t1, c = w.village_a.pk, w.town_a.pk, w.county.pk
    # V1's valid callbacks in May: o1 satisfied and solved, o4 dissatisfied, not solved.
    for code, expected in (
        ("response_rate", 1.0),
        ("resolution_rate", 0.5),
        ("satisfaction_rate", 0.5),
    ):
        got = ind.compute(code, ctx)
        assert got == {v1: expected, t1: expected, c: expected}, code
    # Elderly care (area A): V1 placed 6, unmet 4; V2 placed 1 (o9), met: fewer than
    # MIN_ORDERS (5), so no share for V2 nor its township.
    unmet = ind.compute("elderly_unmet_share", ctx)
    assert ind.MIN_ORDERS == 5
    assert unmet == {v1: pytest.approx(4 / 6), t1: pytest.approx(4 / 6), c: pytest.approx(4 / 7)}
    orders = ind.compute("elderly_orders_per_1000", ctx)
    assert orders[v1] == pytest.approx(6 / 2000 * 1000)
    assert orders[w.village_b.pk] == pytest.approx(1 / 500 * 1000)


@pytest.mark.django_db
def test_use_and_unmet_have_no_value_without_the_demand_snapshot(demand_world):
    ctx = _ctx()
    assert ind.compute("elderly_unmet_share", ctx) == {}
    assert ind.compute("elderly_orders_per_1000", ctx) == {}


@pytest.mark.django_db
def test_service_kinds_counts_distinct_items_delivered_in_the_quarter(demand_world):
    w = demand_world.world
    o = demand_world.orders
    for key in ("o1", "o4"):  # the same item twice: one kind
        o[key].delivered_at = at(11)
        o[key].save(update_fields=["delivered_at"])
    ctx = _ctx()
    got = ind.compute("elderly_service_kinds", ctx)
    assert got[w.village_a.pk] == 1.0
    assert got[w.village_b.pk] == 0.0
    # county: (2,000 x 1 + 500 x 0 + 0 x 0) / 2,500
    assert got[w.county.pk] == pytest.approx(0.8)
    # a quarter later it is out of the window
    later = ind.compute("elderly_service_kinds", _ctx(date(2026, 8, 1)))
    assert later[w.village_a.pk] == 0.0


@pytest.mark.django_db
def test_survey_score_scales_satisfaction_answers_to_100(world):
    survey = Survey.objects.create(
        title="满意度调查",
        opens_on=MAY,
        closes_on=MAY + timedelta(days=30),
        created_by=world.county_admin,
        created_at=at(1),
    )
    q = Question.objects.create(
        survey=survey, kind="scale", text="您对公共服务的总体满意度", scale_min=1, scale_max=5
    )
    other = Question.objects.create(survey=survey, kind="scale", text="重要程度")
    for key, number in (("a", 5), ("b", 3)):
        r = Response.objects.create(
            survey=survey, respondent_key=key, region=world.village_a, submitted_at=at(15)
        )
        Answer.objects.create(response=r, question=q, number=number)
        Answer.objects.create(response=r, question=other, number=1)
    got = ind.compute("survey_score", _ctx())
    assert got == {world.village_a.pk: 75.0, world.town_a.pk: 75.0, world.county.pk: 75.0}
    assert ind.compute("survey_score", _ctx(date(2026, 6, 1))) == {}


@pytest.mark.django_db
def test_indicator_values_are_finite(world):
    ctx = _ctx()
    for code in ind.REGISTRY:
        assert all(math.isfinite(x) for x in ind.compute(code, ctx).values()), code
