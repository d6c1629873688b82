"""The backward-equipment report and the replacement priority on a small county whose
figures are worked out by hand, the broken items the idleness part reads, and the reference
data the migration loads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from minsheng.facilities.models import EquipmentType, Kind, StandardItem, Status
from minsheng.facilities.selectors import equipment as sel
from tests.facilities.equipment_helpers import item, small_standard
from tests.facilities.factories import make_facility

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 1, 1)


def test_the_migration_loads_the_types_and_the_standard_of_a_clinic_and_a_health_centre():
    assert EquipmentType.objects.count() == 25
    assert EquipmentType.objects.get(code="glucose-meter").expected_life_years == 5
    clinic = StandardItem.objects.filter(kind="clinic")
    assert clinic.count() == 13
    assert clinic.filter(required=True).count() == 11
    assert clinic.get(equipment_type__code="thermometer").quantity == 2
    assert StandardItem.objects.filter(kind="health_centre", required=True).count() == 21


@pytest.fixture
def county(world):
    types = small_standard()
    a = make_facility(world.village_a, Kind.CLINIC, population_served=500)
    b = make_facility(world.village_b, Kind.CLINIC)
    c = make_facility(world.village_a, Kind.CLINIC)
    planned = make_facility(world.village_a, Kind.CLINIC, status=Status.PLANNED)
    shop = make_facility(world.village_a, Kind.BOOKSHOP)
    # A: couch 12 years old (life 10), two young thermometers: backward (past life)
    item(a, types["couch"], date(2014, 1, 1))
    item(a, types["thermo"], date(2025, 1, 1))
    item(a, types["thermo"], date(2025, 1, 1))
    # B: couch fine; thermometers one broken, one degraded: 1 missing, 1 broken
    item(b, types["couch"], date(2020, 1, 1))
    item(b, types["thermo"], date(2024, 1, 1), state="broken")
    item(b, types["thermo"], date(2024, 1, 1), state="degraded")
    # C: everything required, no ECG (not required): not backward; a retired broken couch
    item(c, types["couch"], date(2022, 1, 1))
    item(c, types["couch"], date(2010, 1, 1), state="broken", retired_on=date(2022, 1, 1))
    item(c, types["thermo"], date(2025, 1, 1))
    item(c, types["thermo"], date(2025, 1, 1))
    # a couch bought after the as-of day does not count on it
    item(c, types["couch"], date(2026, 6, 1), state="broken")
    # planned clinic and bookshop: not in the report
    item(planned, types["couch"], date(2000, 1, 1), state="broken")
    item(shop, types["ecg"], date(2000, 1, 1), state="broken", label="旧投影仪")
    return {"a": a, "b": b, "c": c, "planned": planned, "shop": shop, **types}


def _row(r):
    return (r.facilities, r.backward, r.missing, r.broken, r.degraded, r.past_life)


def test_the_county_report_counts_each_township_by_hand(world, county):
    report = sel.backward_report(world.county, AS_OF)
    assert [(t.township.code, _row(t)) for t in report.townships] == [
        ("T1", (2, 1, 0, 0, 0, 1)),
        ("T2", (1, 1, 1, 1, 1, 0)),
    ]
    assert _row(report.total) == (3, 2, 1, 1, 1, 1)
    assert [g.facility for g in report.facilities] == [county["a"], county["b"]]
    a, b = report.facilities
    assert [(x.equipment_type.code, x.gap.past_life) for x in a.reasons] == [("t-couch", 1)]
    assert [(x.equipment_type.code, x.gap.missing, x.gap.broken) for x in b.reasons] == [
        ("t-thermo", 1, 1)
    ]


def test_a_township_report_covers_that_township_only(world, county):
    report = sel.backward_report(world.town_b, AS_OF)
    assert [(t.township.code, _row(t)) for t in report.townships] == [("T2", (1, 1, 1, 1, 1, 0))]
    assert [g.facility for g in report.facilities] == [county["b"]]


def test_a_facility_gap_lines_are_in_the_standard_order(county):
    gaps = sel.facility_gaps(county["c"], AS_OF)
    assert [
        (x.equipment_type.code, x.gap.quantity, x.gap.working, x.gap.missing, x.gap.required)
        for x in gaps.lines
    ] == [("t-couch", 1, 1, 0, True), ("t-thermo", 2, 2, 0, True), ("t-ecg", 1, 0, 1, False)]
    assert gaps.backward is False


@pytest.fixture
def ranked_county(world):
    types = small_standard()
    p1 = make_facility(world.village_a, Kind.CLINIC, population_served=999)
    p2 = make_facility(world.village_b, Kind.CLINIC, population_served=99)
    items = {
        "i1": item(p1, types["couch"], date(2014, 1, 1), uses=10, cost="2000"),
        "i2": item(p2, types["thermo"], date(2023, 1, 1), state="broken", cost="150"),
        "i3": item(p2, types["couch"], date(2025, 1, 1), state="degraded", uses=30),
        "retired": item(
            p1, types["couch"], date(2000, 1, 1), state="broken", retired_on=date(2020, 1, 1)
        ),
    }
    return {"p1": p1, "p2": p2, **items}


def test_the_priority_list_by_hand(world, ranked_county):
    rows = sel.priority(world.county, AS_OF)
    assert [r.equipment for r in rows] == [ranked_county[k] for k in ("i2", "i1", "i3")]
    i2, i1, i3 = (r.ranked for r in rows)
    # i2: a thermometer 1096 days old (life 3), broken, unused (its type's median 0),
    # population 99 of the largest 999: ln 100 / ln 1000 = 2/3
    assert i2.score.total == pytest.approx(0.35 * (1096 / 365.25 / 3) / 1.5 + 0.35 + 0 + 0.1)
    # i1: a couch 12 years old (life 10): 1.2 of the cap 1.5; working; 10 uses against the
    # couches' median (10 + 30) / 2 = 20: a half of the cap 2; the largest population
    assert i1.item.type_median == 20
    assert i1.score.total == pytest.approx(0.35 * 0.8 + 0 + 0.15 * 0.25 + 0.15)
    # i3: a couch 365 days old, degraded, 30 uses (1.5 of the median), population 99
    assert i3.score.total == pytest.approx(0.35 * (365 / 365.25 / 10) / 1.5 + 0.175 + 0.1125 + 0.1)
    assert [(r.cumulative_cost, r.unknown_costs) for r in (i2, i1, i3)] == [
        (Decimal("150.00"), 0),
        (Decimal("2150.00"), 0),
        (Decimal("2150.00"), 1),
    ]
    assert sel.budget_line(rows, Decimal("2000")) == 1
    assert sel.budget_line(rows, Decimal("2150")) == 3
    assert sel.budget_line(rows, None) is None


def test_the_priority_of_a_township_uses_the_county_medians(world, ranked_county):
    rows = sel.priority(world.town_a, AS_OF)
    assert [r.equipment for r in rows] == [ranked_county["i1"]]
    assert rows[0].ranked.score.total == pytest.approx(0.35 * 0.8 + 0.15 * 0.25 + 0.15)


def test_a_township_s_list_keeps_the_county_s_population_scale(world, ranked_county):
    rows = sel.priority(world.town_b, AS_OF)
    assert [r.equipment for r in rows] == [ranked_county["i2"], ranked_county["i3"]]
    # population 99 against the county's largest 999, not against its own 99
    assert rows[0].ranked.score.population_part == pytest.approx(0.1)


def test_the_weights_can_be_set(world, ranked_county, settings):
    settings.MINSHENG_EQUIPMENT_WEIGHTS = {"age": 1.0, "state": 0.0, "use": 0.0, "population": 0.0}
    rows = sel.priority(world.county, AS_OF)
    assert [r.equipment for r in rows] == [ranked_county[k] for k in ("i1", "i2", "i3")]
    assert rows[0].ranked.score.total == pytest.approx(0.8)


def test_broken_equipment_names_each_facility_s_broken_items_in_one_query(
    county, django_assert_num_queries
):
    ids = [county[k].pk for k in ("a", "b", "c", "planned", "shop")]
    with django_assert_num_queries(1), translation.override("zh-hans"):
        broken = sel.broken_equipment(ids)  # names in the language in use
    # C's retired couch is not listed; its couch bought on 2026-06-01 is broken now (the
    # list is of today, not of an as-of day); the planned clinic's and the bookshop's count.
    assert broken == {
        county["b"].pk: ["体温计"],
        county["c"].pk: ["床"],
        county["planned"].pk: ["床"],
        county["shop"].pk: ["旧投影仪"],
    }
