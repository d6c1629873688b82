"""The equipment figures (pure): ages, the gaps against the standard, the priority score
and its ranking with the running cost, on hand-computed figures."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from minsheng.facilities import replacement as rp


def test_age_is_days_over_365_25_and_never_negative():
    assert rp.age_years(date(2020, 1, 1), date(2024, 1, 1)) == 1461 / 365.25 == 4.0
    assert rp.age_years(date(2025, 1, 1), date(2024, 1, 1)) == 0


def test_past_life_is_strictly_older_than_the_life():
    assert rp.past_life(5.0, 5) is False
    assert rp.past_life(5.01, 5) is True


def test_median_of_odd_even_and_no_values():
    assert rp.median([3, 1, 2]) == 2
    assert rp.median([4, 1, 3, 2]) == 2.5
    assert rp.median([]) == 0


def test_gaps_count_working_missing_broken_and_past_life_per_line():
    standard = [rp.Standard(1, 1), rp.Standard(2, 2), rp.Standard(3, 1, required=False)]
    held = [
        rp.Held(1, "working", 11.0, 10),  # couch past its life
        rp.Held(2, "broken", 1.0, 3),
        rp.Held(2, "degraded", 1.0, 3),
        rp.Held(9, "broken", 1.0, 5),  # a type not in the standard
    ]
    lines = rp.gaps(standard, held)
    assert [(g.held, g.working, g.missing, g.broken, g.degraded, g.past_life) for g in lines] == [
        (1, 1, 0, 0, 0, 1),
        (2, 1, 1, 1, 1, 0),
        (0, 0, 1, 0, 0, 0),
    ]
    assert [g.backward for g in lines] == [True, True, False]  # the ECG is not required
    assert rp.is_backward(lines) is True


def test_a_facility_with_everything_working_and_young_is_not_backward():
    lines = rp.gaps(
        [rp.Standard(1, 2)], [rp.Held(1, "working", 1, 5), rp.Held(1, "degraded", 4, 5)]
    )
    assert lines[0].missing == 0
    assert rp.is_backward(lines) is False


def test_score_by_hand():
    # age 6 of life 4: 1.5 lives, at the cap -> 1; broken -> 1; uses 30 vs median 20: 1.5 of
    # the cap 2 -> 0.75; population 99 of the largest 999: ln 100 / ln 1000 = 2/3.
    item = rp.Item(
        1, age=6.0, life_years=4, state="broken", uses_per_month=30, type_median=20, population=99
    )
    s = rp.score(item, 999)
    assert s.age_part == pytest.approx(0.35)
    assert s.state_part == pytest.approx(0.35)
    assert s.use_part == pytest.approx(0.15 * 0.75)
    assert s.population_part == pytest.approx(0.15 * 2 / 3)
    assert s.total == pytest.approx(0.35 + 0.35 + 0.1125 + 0.1)


def test_score_caps_age_and_use_and_handles_a_zero_median():
    old = rp.Item(
        1, age=30.0, life_years=5, state="degraded", uses_per_month=0, type_median=0, population=0
    )
    s = rp.score(old, 0)
    assert (s.age_part, s.state_part, s.use_part, s.population_part) == (0.35, 0.175, 0.0, 0.0)
    busy = rp.Item(
        2, age=1.5, life_years=3, state="working", uses_per_month=5, type_median=0, population=10
    )
    s = rp.score(busy, 10)
    assert s.age_part == pytest.approx(0.35 * (0.5 / 1.5))
    assert s.use_part == pytest.approx(0.15)  # a median of 0 and some use: the cap
    assert s.population_part == pytest.approx(0.15)


def test_rank_orders_by_score_then_age_share_then_key_with_running_cost():
    items = [
        rp.Item(1, 1.0, 10, "working", 10, 10, 100, Decimal("500")),
        rp.Item(2, 12.0, 8, "broken", 10, 10, 100, Decimal("3000")),
        rp.Item(3, 12.0, 8, "broken", 10, 10, 100, None),  # same score as 2: key decides
        rp.Item(4, 4.0, 8, "degraded", 10, 10, 100, Decimal("1200.50")),
    ]
    ranked = rp.rank(items)
    assert [r.item.key for r in ranked] == [2, 3, 4, 1]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert [r.cumulative_cost for r in ranked] == [
        Decimal("3000"),
        Decimal("3000"),
        Decimal("4200.50"),
        Decimal("4700.50"),
    ]
    assert [r.unknown_costs for r in ranked] == [0, 1, 1, 1]
    # by hand: item 4: age 4/8 = .5 of 1.5 -> .35/3; degraded .175; use 1 of 2 -> .075;
    # population the largest -> .15
    assert ranked[2].score.total == pytest.approx(0.35 / 3 + 0.175 + 0.075 + 0.15)
    assert rp.within_budget(ranked, Decimal("4200.50")) == 3
    assert rp.within_budget(ranked, Decimal("2999.99")) == 0
    assert rp.within_budget(ranked, Decimal("10000")) == 4


def test_population_term_is_the_log_share_of_the_largest():
    items = [rp.Item(1, 0, 5, "working", 0, 0, 9), rp.Item(2, 0, 5, "working", 0, 0, 99)]
    ranked = rp.rank(items)
    assert [r.item.key for r in ranked] == [2, 1]
    assert ranked[1].score.population_part == pytest.approx(0.15 * math.log(10) / math.log(100))


def test_weights_must_add_up_to_one_and_caps_be_positive():
    with pytest.raises(ValueError):
        rp.Weights(age=0.5, state=0.5, use=0.5, population=0)
    with pytest.raises(ValueError):
        rp.Weights(age_cap=0)
    heavy_state = rp.Weights(age=0.1, state=0.7, use=0.1, population=0.1)
    item = rp.Item(1, 0, 5, "broken", 0, 0, 0)
    assert rp.score(item, 0, heavy_state).total == pytest.approx(0.7)
