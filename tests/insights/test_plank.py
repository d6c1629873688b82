"""The shortest plank (``insights.plank``): read from snapshot rows written here by hand.

The world (tests/conftest.py ``world``) plus V3, an urban village of T1. Two areas, A and B
(the first two standard areas). May 2026 (April has only the county's A and the rates):

    village  township kind   pop    A (gap people, yuan)     B (gap people, yuan)
    V1       T1       rural  2000   0.50 (1000, 50000)       0.90 (200, 6000)
    V3       T1       urban  1000   1.10 (0, 0)              0.80 (200, 8000)
    V2       T2       rural   500   0.60 (200, 10000)        1.00 (0, 0)
    T1 own rows: A 0.70, B 0.867; T2: A 0.60, B 1.00; C: A 0.68, B 0.90 (April: A 0.60)

Hand figures: the county's shortest plank is A at 68%, 1,200 people short (V1 1000 + V2
200) and 60,000 yuan; its weakest village V1. T1: A 70%, 1,000 people, 50,000 yuan. T2: A
60%, 200 people, 10,000 yuan. Across villages in A the unweighted Gini is 2/11 and the
population-weighted one 31/168.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from minsheng.catalog.models import ServiceArea
from minsheng.insights import inequality, plank
from minsheng.insights.models import AreaAttainment, Indicator, IndicatorValue
from minsheng.regions.models import Region
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

MAY = date(2026, 5, 1)
APRIL = date(2026, 4, 1)


@dataclass
class Balance:
    world: Any
    v3: Region
    a: ServiceArea
    b: ServiceArea


def indicator(code: str, name: str) -> Indicator:
    found, _created = Indicator.objects.update_or_create(
        code=code,
        defaults={
            "name_zh": name,
            "name_en": code.replace("_", " ").capitalize(),
            "area": None,
            "dimension": Indicator.Dimension.OUTCOME,
            "standard": 0.9 if code != "survey_score" else 90.0,
            "standard_basis": Indicator.StandardBasis.COUNTY,
        },
    )
    return found


def attain(
    month: date, region: Region, area: ServiceArea, value: float, people: float, yuan: float | None
) -> None:
    AreaAttainment.objects.create(
        month=month,
        region=region,
        area=area,
        attainment=value,
        population=region.population,
        gap_people=people,
        gap_yuan=yuan,
        computed_at=timezone.now(),
    )


def value(month: date, code: str, region: Region, v: float, attainment: float) -> None:
    ind = Indicator.objects.get(code=code)
    IndicatorValue.objects.create(
        month=month,
        indicator=ind,
        region=region,
        value=v,
        standard=ind.standard,
        attainment=attainment,
        population=region.population,
        computed_at=timezone.now(),
    )


def build(world: Any) -> Balance:
    w = world
    Region.objects.filter(pk=w.village_a.pk).update(population=2000, kind=Region.Kind.RURAL)
    Region.objects.filter(pk=w.village_b.pk).update(population=500, kind=Region.Kind.RURAL)
    Region.objects.filter(pk=w.town_a.pk).update(population=3000)
    Region.objects.filter(pk=w.town_b.pk).update(population=500)
    Region.objects.filter(pk=w.county.pk).update(population=3500)
    for name in ("village_a", "village_b", "town_a", "town_b", "county"):
        getattr(w, name).refresh_from_db()
    v3 = RegionFactory(
        code="V3",
        name_zh="丙村",
        name_en="Bing",
        parent=w.town_a,
        kind=Region.Kind.URBAN,
        population=1000,
        latitude=30.02,
        longitude=110.02,
    )
    a, b = list(ServiceArea.objects.order_by("position", "code")[:2])
    v1, v2, t1, t2, c = w.village_a, w.village_b, w.town_a, w.town_b, w.county
    for region, (av, ap, ay), (bv, bp, by) in (
        (v1, (0.5, 1000, 50000), (0.9, 200, 6000)),
        (v3, (1.1, 0, 0), (0.8, 200, 8000)),
        (v2, (0.6, 200, 10000), (1.0, 0, 0)),
        (t1, (0.7, 900, 45000), (0.867, 400, 14000)),
        (t2, (0.6, 200, 10000), (1.0, 0, 0)),
        (c, (0.68, 1120, 56000), (0.9, 350, 10500)),
    ):
        attain(MAY, region, a, av, ap, ay)
        attain(MAY, region, b, bv, bp, by)
    attain(APRIL, c, a, 0.6, 1400, 70000)
    for code, name in (
        ("response_rate", "响应率"),
        ("resolution_rate", "解决率"),
        ("satisfaction_rate", "满意率"),
        ("survey_score", "调查得分"),
    ):
        indicator(code, name)
    for month, resp, reso, sat in ((APRIL, 0.90, 0.80, 0.765), (MAY, 0.95, 0.82, 0.81)):
        value(month, "response_rate", c, resp, resp / 0.9)
        value(month, "resolution_rate", c, reso, reso / 0.9)
        value(month, "satisfaction_rate", c, sat, sat / 0.9)
    value(MAY, "survey_score", c, 72.0, 0.8)
    value(MAY, "response_rate", t1, 0.5, 0.5 / 0.9)
    return Balance(world=w, v3=v3, a=a, b=b)


@pytest.fixture
def balance(world: Any) -> Balance:
    return build(world)


def test_months_are_the_computed_ones_newest_first(balance):
    assert plank.computed_months() == [MAY, APRIL]
    assert plank.months_up_to(MAY) == [APRIL, MAY]
    assert plank.previous_month(MAY) == APRIL


def test_the_county_and_each_township_name_their_shortest_plank_and_its_gaps(balance):
    p = plank.planks(balance.world.county, MAY)
    assert p.computed
    assert [a.pk for a in p.areas] == [balance.a.pk, balance.b.pk]
    county = p.county.weakest
    assert county.area == balance.a
    assert county.attainment == pytest.approx(0.68)
    assert county.gap_people == 1200  # V1 1000 + V2 200 (the villages below the standard)
    assert county.gap_yuan == 60000
    assert county.weakest_village.code == "V1"
    assert county.weakest_village_attainment == 0.5
    t1, t2 = p.townships
    assert (t1.region.code, t1.weakest.area, t1.weakest.attainment) == ("T1", balance.a, 0.7)
    assert (t1.weakest.gap_people, t1.weakest.gap_yuan) == (1000, 50000)
    assert t1.weakest.weakest_village.code == "V1"
    assert (t2.region.code, t2.weakest.attainment, t2.weakest.gap_people) == ("T2", 0.6, 200)
    b1 = t1.stave(balance.b)
    assert (b1.gap_people, b1.gap_yuan, b1.weakest_village.code) == (400, 14000, "V3")
    assert [v.region.code for v in p.villages] == ["V1", "V3", "V2"]
    assert p.villages[1].weakest.area == balance.b  # V3: A 1.10, B 0.80


def test_a_staves_drawn_height_is_capped_and_the_standard_is_one(balance):
    p = plank.planks(balance.world.county, MAY)
    v3 = p.villages[1]
    assert v3.stave(balance.a).height == 1.1
    high = plank.Stave(area=balance.a, attainment=1.5, population=1, gap_people=0, gap_yuan=0)
    assert high.height == plank.DISPLAY_CAP == 1.2
    assert not v3.stave(balance.a).below and v3.stave(balance.b).below


def test_a_township_dispatcher_sees_their_township_and_the_county_not_another_township(balance):
    w = balance.world
    own = plank.planks(w.town_a, MAY)
    assert [t.region.code for t in own.townships] == ["T1"]
    assert [v.region.code for v in own.villages] == ["V1", "V3"]
    assert own.county.weakest.gap_people == 1200  # the county's totals, for comparison
    assert own.county.weakest.weakest_village.code == "V1"  # theirs
    other = plank.planks(w.town_b, MAY)
    assert [t.region.code for t in other.townships] == ["T2"]
    assert [v.region.code for v in other.villages] == ["V2"]
    # The county's weakest village is in T1: T2's dispatcher is not told which.
    assert other.county.weakest.weakest_village is None
    assert other.county.weakest.attainment == pytest.approx(0.68)


def test_a_township_without_its_own_row_is_its_villages_population_weighted_mean(balance):
    w = balance.world
    AreaAttainment.objects.filter(region=w.town_a).delete()
    t1 = plank.planks(w.county, MAY).townships[0]
    assert t1.stave(balance.a).attainment == pytest.approx((0.5 * 2000 + 1.1 * 1000) / 3000)


def test_no_snapshot_yet_is_an_empty_month_not_an_error(world):
    p = plank.planks(world.county, MAY)
    assert not p.computed and p.county is None and p.townships == []
    assert plank.computed_months() == []


def test_the_stave_trend_runs_over_the_computed_months(balance):
    points = plank.stave_trend(balance.world.county, balance.a, MAY)
    assert [(p.month, p.value) for p in points] == [(APRIL, 0.6), (MAY, 0.68)]
    t1 = plank.stave_trend(balance.world.town_a, balance.a, MAY)
    assert [(p.month, p.value) for p in t1] == [(APRIL, None), (MAY, 0.7)]


def test_the_three_rates_with_their_change_on_the_month_before(balance):
    rates = plank.rate_trend(balance.world.county, MAY)
    assert [s.code for s in rates] == list(plank.RATE_CODES)
    response = rates[0]
    assert [p.value for p in response.points] == [0.90, 0.95]
    assert response.change_points == pytest.approx(5.0)
    township = plank.rate_trend(balance.world.town_a, MAY)
    assert township[0].latest == 0.5 and township[0].change is None
    assert township[1].latest is None


def test_the_happiness_index_weighs_satisfaction_and_the_survey_score(balance):
    h = plank.happiness_trend(balance.world.county, MAY)
    # May: 100 × (0.6 × 0.9 + 0.4 × 0.8) = 86.0; April: no survey score, satisfaction alone 85.0.
    assert [(x.month, round(x.value, 6)) for x in h] == [(APRIL, 85.0), (MAY, 86.0)]
    assert h[0].partial and not h[1].partial
    with override_settings(MINSHENG_HAPPINESS_WEIGHTS={"satisfaction": 1.0, "survey": 1.0}):
        assert plank.happiness_index(0.9, 0.8) == pytest.approx(85.0)
    assert plank.happiness_index(1.2, None) == 100.0  # capped at the standard
    assert plank.happiness_index(None, None) is None


def test_inequality_across_villages_both_ways_with_the_urban_rural_split(balance):
    items = plank.inequalities(balance.world.county, MAY)
    a = items[0]
    assert a.area == balance.a and a.villages == 3
    assert a.gini == pytest.approx(2 / 11)
    assert a.gini_weighted == pytest.approx(31 / 168)
    assert a.lorenz_x == pytest.approx([0, 4 / 7, 5 / 7, 1], abs=1e-6)
    assert a.lorenz_y == pytest.approx([0, 2 / 4.8, 2.6 / 4.8, 1], abs=1e-6)
    # Theil L weighted: s_rural = 5/7 (mean 0.52), s_urban = 2/7 (mean 1.1), mu = 4.8/7.
    mu = 4.8 / 7
    between = 5 / 7 * math.log(mu / 0.52) + 2 / 7 * math.log(mu / 1.1)
    assert a.theil_l_weighted.between == pytest.approx(between)
    assert a.theil_l_weighted.total == pytest.approx(
        inequality.theil_l([0.5, 0.6, 1.1], [2000, 500, 1000])
    )
    assert a.theil_t.between + a.theil_t.within == pytest.approx(a.theil_t.total)
    # A township's dispatcher: the villages of their township only.
    own = plank.inequalities(balance.world.town_a, MAY)
    assert own[0].villages == 2 and own[0].gini == pytest.approx(0.6 / (2 * 2 * 0.8))


def test_a_zero_attainment_leaves_theil_undefined_with_the_reason(balance):
    AreaAttainment.objects.filter(region=balance.v3, area=balance.a, month=MAY).update(attainment=0)
    a = plank.inequalities(balance.world.county, MAY)[0]
    assert a.theil_t is None and a.theil_l_weighted is None
    assert a.gini is not None
    with translation.override("en"):
        a = plank.inequalities(balance.world.county, MAY)[0]
    assert a.notes == ["Theil needs every attainment above 0; a village is at 0."]


def test_the_map_colours_each_village_by_its_weakest_area(balance):
    layer = plank.village_map(plank.planks(balance.world.county, MAY))
    props = {f["properties"]["code"]: f["properties"] for f in layer["features"]}
    assert props["V1"]["area"] == balance.a.code and props["V1"]["colour"] == 0
    assert props["V3"]["area"] == balance.b.code and props["V3"]["colour"] == 1
    assert props["V3"]["attainment"] == 0.8
    v1 = next(f for f in layer["features"] if f["properties"]["code"] == "V1")
    assert v1["geometry"] == {"type": "Point", "coordinates": [110.01, 30.01]}
