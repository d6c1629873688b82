"""The monthly 12345 rates and ranking, from hand-built ratings with hand-computed values."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from minsheng.orders.models import Satisfaction
from minsheng.orders.scoring import CallbackCounts
from minsheng.orders.selectors import (
    Standing,
    callback_counts,
    month_bounds,
    months_with_ratings,
    previous_month,
    ranking,
)
from tests import ratings
from tests.ratings import local

S, B, X = Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED


@pytest.fixture(autouse=True)
def in_chinese():
    """Names are read in the active language; a web test run before may have left English on."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def rank_any_sample(settings):
    """These hand-built months have a few ratings each: rank from one (the minimum sample
    has its own tests in test_ranking_rules.py)."""
    settings.MINSHENG_RANKING_MIN_SAMPLE = 1


@pytest.fixture
def rate_row(world):
    def make(*args, **kwargs):
        return ratings.rate_row(world, *args, **kwargs)

    return make


@pytest.fixture
def may_and_april(world, rate_row):
    a, b = world.town_a, world.town_b
    p1, p2 = world.provider, world.provider2
    # May, township A / the township team: 4 valid callbacks and one invalid one.
    rate_row(a, p1, local(2026, 5, 3, 10), True, True, S)
    rate_row(a, p1, local(2026, 5, 9, 10), True, True, B)
    rate_row(a, p1, local(2026, 5, 17, 10), True, False, X)
    rate_row(a, p1, local(2026, 5, 31, 23, 59), False, False, X)
    rate_row(a, p1, local(2026, 5, 20, 10), True, True, S, valid=False)
    # May, township B / the county centre: two satisfied, one in the first local minutes of May.
    rate_row(b, p2, local(2026, 5, 1, 0, 30), True, True, S)
    rate_row(b, p2, local(2026, 5, 12, 10), True, True, S)
    # June (outside May by half an hour local time).
    rate_row(b, p2, local(2026, 6, 1, 0, 0), False, False, X)
    # April: A perfect, B contacted but not solved.
    rate_row(a, p1, local(2026, 4, 15, 10), True, True, S)
    rate_row(b, p2, local(2026, 4, 30, 23, 0), True, False, X)


# Township A in May: response 3/4, resolution 2/4, satisfaction (1 + 0.9)/4.
A_MAY = (4, 0.75, 0.5, 0.475, 0.1 * 0.75 + 0.5 * 0.5 + 0.4 * 0.475)  # composite 0.515
B_MAY = (2, 1.0, 1.0, 1.0, 1.0)
A_APRIL = (1, 1.0, 1.0, 1.0, 1.0)
B_APRIL = (1, 1.0, 0.0, 0.0, 0.1)


def as_tuple(rates):
    return (rates.valid, rates.response, rates.resolution, rates.satisfaction, rates.composite)


@pytest.mark.parametrize("kind", ["township", "provider"])
def test_ranking_gives_exact_rates_ranks_and_change(world, may_and_april, kind):
    rows = ranking(kind, date(2026, 5, 1))
    first_key = world.town_b.pk if kind == "township" else world.provider2.pk
    second_key = world.town_a.pk if kind == "township" else world.provider.pk
    assert [r.key for r in rows] == [first_key, second_key]
    b_row, a_row = rows

    assert as_tuple(b_row.rates) == pytest.approx(B_MAY)
    assert as_tuple(b_row.previous) == pytest.approx(B_APRIL)
    assert (b_row.rank, b_row.previous_rank, b_row.standing) == (1, 2, Standing.RANKED)
    assert b_row.change == pytest.approx(1.0 - 0.1)

    assert as_tuple(a_row.rates) == pytest.approx(A_MAY)
    assert a_row.rates.composite == pytest.approx(0.515)
    assert as_tuple(a_row.previous) == pytest.approx(A_APRIL)
    assert (a_row.rank, a_row.previous_rank) == (2, 1)
    assert a_row.change == pytest.approx(0.515 - 1.0)


def test_ranking_rows_carry_names(world, may_and_april):
    assert [r.name for r in ranking("township", date(2026, 5, 1))] == ["乙乡", "甲镇"]
    assert [r.name for r in ranking("provider", date(2026, 5, 1))] == [
        "县养老服务中心",
        "甲镇志愿队",
    ]


def test_a_newcomer_has_no_previous_rank_or_change(world, may_and_april):
    rows = ranking("township", date(2026, 6, 1))
    assert [(r.key, r.rank, r.previous_rank, r.change, r.standing) for r in rows] == [
        (world.town_b.pk, 1, 1, pytest.approx(0.0 - 1.0), Standing.RANKED),
        (world.town_a.pk, None, 2, None, Standing.NO_RATINGS),
    ]
    rows = ranking("township", date(2026, 4, 1))
    assert [(r.key, r.previous, r.previous_rank, r.change) for r in rows] == [
        (world.town_a.pk, None, None, None),
        (world.town_b.pk, None, None, None),
    ]


def test_invalid_callbacks_are_left_out_of_every_rate(world, rate_row):
    rate_row(world.town_a, world.provider, local(2026, 7, 2, 9), True, True, S)
    rate_row(world.town_a, world.provider, local(2026, 7, 3, 9), False, False, X, valid=False)
    row = ranking("township", date(2026, 7, 1))[0]
    assert row.key == world.town_a.pk
    assert as_tuple(row.rates) == pytest.approx((1, 1.0, 1.0, 1.0, 1.0))


def test_a_month_with_only_invalid_callbacks_ranks_nobody(world, rate_row):
    rate_row(world.town_a, world.provider, local(2026, 8, 2, 9), True, True, S, valid=False)
    assert [
        (r.key, r.rank, r.rates.valid, r.standing) for r in ranking("township", date(2026, 8, 1))
    ] == [
        (world.town_a.pk, None, 0, Standing.NO_RATINGS),
        (world.town_b.pk, None, 0, Standing.NO_RATINGS),
    ]


def test_equal_composites_share_a_rank_listed_by_region_code(world, rate_row):
    # B has more ratings and a name that sorts first in Chinese; neither decides the order.
    rate_row(world.town_a, world.provider, local(2026, 9, 2, 9), True, True, S)
    rate_row(world.town_b, world.provider2, local(2026, 9, 2, 9), True, True, S)
    rate_row(world.town_b, world.provider2, local(2026, 9, 3, 9), True, True, S)
    assert [(r.code, r.rank) for r in ranking("township", date(2026, 9, 1))] == [
        ("T1", 1),
        ("T2", 1),
    ]


def test_an_unknown_kind_has_no_ranking(world, may_and_april):
    assert ranking("village", date(2026, 5, 1)) == []


def test_callback_counts_groups_valid_callbacks_in_the_period(world, may_and_april):
    start, end = month_bounds(date(2026, 5, 1))
    assert callback_counts("township_id", since=start, until=end) == {
        world.town_a.pk: CallbackCounts(valid=4, contacted=3, solved=2, satisfied=1, basic=1),
        world.town_b.pk: CallbackCounts(valid=2, contacted=2, solved=2, satisfied=2, basic=0),
    }


def test_month_bounds_are_local_and_wrap_the_year():
    assert month_bounds(date(2026, 12, 1)) == (local(2026, 12, 1), local(2027, 1, 1))
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert previous_month(date(2026, 5, 1)) == date(2026, 4, 1)


def test_months_with_ratings_are_listed_newest_first(world, may_and_april):
    assert months_with_ratings() == [date(2026, 6, 1), date(2026, 5, 1), date(2026, 4, 1)]
