"""The lifecycle-cost projection (facilities.lifecycle) on hand-computed figures.

Four assets, projected 2027–2029 (as of 2026):

- A1 bridge, T1, fair, opened 2000, 30 years (renewal 2030, outside): a yearly plan of
  10,000 from 2027-03-01 → 10,000 a year;
- A2 road, T1, poor, opened 2012, 15 years → renewal 2027: 2,000,000 × 0.5 = 1,000,000;
  every 6 months 5,000 from 2026-12-01 → 2027-06-01 and 2027-12-01: 10,000 a year;
- A3 sports ground, T2, good, opened 2000, 20 years → past its life (2020): renewal in
  the first year, 800,000 × 0.5 = 400,000, plus 30,000 of overdue work;
- A4 water works, T2, good, no building cost known: yearly 20,000 from 2027-01-10.

Need: 2027 10,000 + 1,010,000 + 430,000 + 20,000 = 1,470,000; 2028 and 2029 40,000.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from minsheng.facilities.lifecycle import (
    Asset,
    Budgets,
    Plan,
    add_months,
    occurrences,
    project,
)

A1 = Asset(
    1,
    "bridge",
    "bridge",
    "T1",
    "fair",
    date(2000, 1, 1),
    D(1_000_000),
    30,
    (Plan(12, D(10_000), date(2027, 3, 1)),),
)
A2 = Asset(
    2,
    "road",
    "road",
    "T1",
    "poor",
    date(2012, 6, 1),
    D(2_000_000),
    15,
    (Plan(6, D(5_000), date(2026, 12, 1)),),
)
A3 = Asset(3, "sports", "sports", "T2", "good", date(2000, 5, 1), D(800_000), 20, overdue=D(30_000))
A4 = Asset(4, "water", "water", "T2", "good", None, None, None,
           (Plan(12, D(20_000), date(2027, 1, 10)),))  # fmt: skip
ASSETS = [A4, A3, A2, A1]
BUDGETS = Budgets(county={2027: D(500_000), 2028: D(20_000)}, townships={"T1": {2027: D(100_000)}})


def test_months_are_added_with_the_day_clamped_to_the_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_a_plan_recurs_every_interval_from_its_next_due_date():
    assert occurrences(Plan(6, D(1), date(2026, 11, 15)), [2027, 2028]) == {2027: 2, 2028: 2}
    # 2027-03-31, 2028-09-30 (the 31st clamped), 2030-03-31
    assert occurrences(Plan(18, D(1), date(2027, 3, 31)), [2027, 2028, 2029]) == {
        2027: 1,
        2028: 1,
        2029: 0,
    }


def test_county_need_budget_and_gap_per_year():
    p = project(ASSETS, BUDGETS, as_of_year=2026, years=3)
    assert p.years == [2027, 2028, 2029]
    assert [r.asset.id for r in p.assets] == [1, 2, 3, 4]
    needs = {r.asset.id: [n.total for n in r.needs] for r in p.assets}
    assert needs == {
        1: [D(10_000)] * 3,
        2: [D(1_010_000), D(10_000), D(10_000)],
        3: [D(430_000), D(0), D(0)],
        4: [D(20_000)] * 3,
    }
    a2 = p.assets[1].needs[0]
    assert (a2.planned, a2.renewal, a2.backlog) == (D(10_000), D(1_000_000), D(0))
    a3 = p.assets[2].needs[0]
    assert (a3.planned, a3.renewal, a3.backlog) == (D(0), D(400_000), D(30_000))
    assert p.need == [D(1_470_000), D(40_000), D(40_000)]
    assert p.by_township == {
        "T1": [D(1_020_000), D(20_000), D(20_000)],
        "T2": [D(450_000), D(20_000), D(20_000)],
    }
    # the county's 500,000 plus T1's 100,000 in 2027; 20,000 in 2028; nothing in 2029
    assert p.budget == [D(600_000), D(20_000), D(0)]
    assert p.gap == [D(870_000), D(20_000), D(40_000)]
    assert p.cumulative_gap == [D(870_000), D(890_000), D(930_000)]


def test_the_county_funds_overdue_first_then_the_worst_condition_and_stops_when_one_does_not_fit():
    p = project(ASSETS, BUDGETS, as_of_year=2026, years=3)
    # 2027, 600,000: A3 (overdue) 430,000 funded, 170,000 left; A2 (poor) 1,010,000 does
    # not fit, so neither A1 (fair, 10,000) nor A4 (good, 20,000) is funded after it.
    assert [(u.asset.id, u.year, u.amount) for u in p.unfunded] == [
        (2, 2027, D(1_010_000)),
        (1, 2027, D(10_000)),
        (4, 2027, D(20_000)),
    ]


def test_a_township_has_its_own_budget_and_its_share_of_the_countys_by_need():
    t1 = project(ASSETS, BUDGETS, as_of_year=2026, years=3, township="T1")
    # 100,000 + 500,000 × 1,020,000 / 1,470,000 = 446,938.78; 20,000 × 20,000 / 40,000
    assert t1.budget == [D("446938.78"), D("10000.00"), D("0.00")]
    assert t1.need == [D(1_020_000), D(20_000), D(20_000)]
    assert [r.asset.id for r in t1.assets] == [1, 2]
    t2 = project(ASSETS, BUDGETS, as_of_year=2026, years=3, township="T2")
    assert t2.budget == [D("153061.22"), D("10000.00"), D("0.00")]
    assert t1.budget[0] + t2.budget[0] == D(600_000)
    # T2 2027: A3's 430,000 does not fit in 153,061.22; A4 after it is not funded either
    assert [(u.asset.id, u.year) for u in t2.unfunded] == [(3, 2027), (4, 2027)]


def test_safety_critical_kinds_go_first_on_a_tie_of_condition():
    bridge = Asset(9, "b", "bridge", "T1", "fair", plans=(Plan(12, D(100), date(2027, 1, 1)),))
    lights = Asset(5, "l", "lights", "T1", "fair", plans=(Plan(12, D(100), date(2027, 1, 1)),))
    p = project([lights, bridge], Budgets(county={2027: D(100)}), as_of_year=2026, years=1)
    assert [(u.asset.id, u.year, u.amount) for u in p.unfunded] == [(5, 2027, D(100))]


def test_an_asset_is_listed_once_with_the_first_year_its_work_goes_unfunded():
    a = Asset(1, "a", "road", "T1", "good", plans=(Plan(12, D(100), date(2027, 6, 1)),))
    b = Asset(2, "b", "road", "T1", "good", plans=(Plan(12, D(100), date(2028, 6, 1)),))
    budgets = Budgets(county={2027: D(100), 2028: D(100), 2029: D(100)})
    p = project([a, b], budgets, as_of_year=2026, years=3)
    # 2027: a funded; 2028: a funded first (lower id), b not; 2029 the same
    assert [(u.asset.id, u.year) for u in p.unfunded] == [(2, 2028)]
    assert p.gap == [D(0), D(100), D(100)]
    assert p.cumulative_gap == [D(0), D(100), D(200)]


def test_no_budget_and_no_need_is_no_gap_and_a_surplus_is_negative():
    p = project([], Budgets(county={2027: D(50)}), as_of_year=2026, years=2)
    assert p.need == [D(0), D(0)]
    assert p.gap == [D(-50), D(0)]
    assert p.unfunded == []


@pytest.mark.parametrize("years", [0, 11])
def test_the_projection_is_one_to_ten_years(years):
    with pytest.raises(ValueError):
        project(ASSETS, BUDGETS, as_of_year=2026, years=years)
