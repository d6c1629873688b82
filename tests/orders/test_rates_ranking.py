"""The monthly 12345 rates and ranking, from hand-built ratings with hand-computed values."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from minsheng.catalog.models import ServiceArea, UrgencyClass
from minsheng.orders.models import Channel, Order, Rating, Satisfaction, Status
from minsheng.orders.scoring import CallbackCounts
from minsheng.orders.selectors import (
    callback_counts,
    month_bounds,
    months_with_ratings,
    previous_month,
    ranking,
)
from tests.helpers import TZ

S, B, X = Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def rate_row(world):
    area = ServiceArea.objects.get(code="elderly")
    urgency = UrgencyClass.objects.get(code="general")

    def make(town, provider, at, contacted, solved, satisfaction, valid=True):
        village = world.village_a if town == world.town_a else world.village_b
        order = Order.objects.create(
            status=Status.CLOSED,
            area=area,
            urgency=urgency,
            region=village,
            township=town,
            channel=Channel.WEB,
            provider=provider,
            created_at=at,
            updated_at=at,
            resolve_deadline=at,
        )
        return Rating.objects.create(
            order=order,
            round=0,
            via=Rating.Via.CALLBACK,
            contacted=contacted,
            solved=solved,
            satisfaction=satisfaction,
            township=town,
            provider=provider,
            valid=valid,
            created_at=at,
        )

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
    assert (b_row.rank, b_row.previous_rank) == (1, 2)
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
    assert [(r.key, r.rank, r.previous_rank, r.change) for r in rows] == [
        (world.town_b.pk, 1, 1, pytest.approx(0.0 - 1.0)),
    ]
    rows = ranking("township", date(2026, 4, 1))
    assert [(r.key, r.previous, r.previous_rank, r.change) for r in rows] == [
        (world.town_a.pk, None, None, None),
        (world.town_b.pk, None, None, None),
    ]


def test_invalid_callbacks_are_left_out_of_every_rate(world, rate_row):
    rate_row(world.town_a, world.provider, local(2026, 7, 2, 9), True, True, S)
    rate_row(world.town_a, world.provider, local(2026, 7, 3, 9), False, False, X, valid=False)
    (row,) = ranking("township", date(2026, 7, 1))
    assert as_tuple(row.rates) == pytest.approx((1, 1.0, 1.0, 1.0, 1.0))


def test_a_month_with_only_invalid_callbacks_has_no_ranking(world, rate_row):
    rate_row(world.town_a, world.provider, local(2026, 8, 2, 9), True, True, S, valid=False)
    assert ranking("township", date(2026, 8, 1)) == []


def test_equal_composites_rank_by_volume_then_name(world, rate_row):
    rate_row(world.town_a, world.provider, local(2026, 9, 2, 9), True, True, S)
    rate_row(world.town_b, world.provider2, local(2026, 9, 2, 9), True, True, S)
    rate_row(world.town_b, world.provider2, local(2026, 9, 3, 9), True, True, S)
    assert [r.key for r in ranking("township", date(2026, 9, 1))] == [
        world.town_b.pk,
        world.town_a.pk,
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
