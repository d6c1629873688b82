"""The ranking as a county uses it: which ratings count, the minimum sample, shared ranks,
every township and provider listed, a township's figures, the twelve-month trend."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from minsheng.orders import selectors
from minsheng.orders import services as s
from minsheng.orders.models import Rating, Satisfaction, Status
from minsheng.orders.selectors import Standing, ranking
from tests import ratings
from tests.factories import ProviderFactory, RegionFactory
from tests.helpers import advance, order_at
from tests.ratings import local

S, B, X = Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED
MAY = date(2026, 5, 1)


@pytest.fixture(autouse=True)
def in_chinese():
    """Names are read in the active language; a web test run before may have left English on."""
    with translation.override("zh-hans"):
        yield


def standings(kind: str, month: date = MAY) -> list[tuple[str, int | None, int, Standing]]:
    return [(r.code, r.rank, r.rates.valid, r.standing) for r in ranking(kind, month)]


# --- the minimum sample ---------------------------------------------------------------------


def test_the_minimum_sample_defaults_to_ten(world):
    assert selectors.ranking_min_sample() == 10


def test_fewer_valid_ratings_than_the_minimum_show_figures_without_a_rank(world, settings):
    settings.MINSHENG_RANKING_MIN_SAMPLE = 3
    for day in (2, 3, 4):
        ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, day, 9), True, True, B)
    # B: two satisfied and one invalid: two valid ratings, below the minimum of three.
    for day in (2, 3):
        ratings.rate_row(
            world, world.town_b, world.provider2, local(2026, 5, day, 9), True, True, S
        )
    ratings.rate_row(
        world, world.town_b, world.provider2, local(2026, 5, 5, 9), True, True, S, valid=False
    )
    assert standings("township") == [
        ("T1", 1, 3, Standing.RANKED),
        ("T2", None, 2, Standing.SMALL_SAMPLE),
    ]
    small = ranking("township", MAY)[1]
    assert small.rates.composite == pytest.approx(1.0)  # its figures still show
    settings.MINSHENG_RANKING_MIN_SAMPLE = 2
    assert standings("township") == [
        ("T2", 1, 2, Standing.RANKED),
        ("T1", 2, 3, Standing.RANKED),
    ]


def test_the_previous_rank_applies_the_same_minimum(world, settings):
    settings.MINSHENG_RANKING_MIN_SAMPLE = 2
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 4, 2, 9), True, True, S)
    for day in (2, 3):
        ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, day, 9), True, True, S)
    (row_a, _row_b) = ranking("township", MAY)
    assert (row_a.code, row_a.rank, row_a.previous_rank, row_a.change) == (
        "T1",
        1,
        None,
        pytest.approx(0.0),
    )


# --- shared ranks -------------------------------------------------------------------------------


def test_equal_scores_share_a_rank_and_the_next_rank_skips(world, settings):
    settings.MINSHENG_RANKING_MIN_SAMPLE = 1
    town_c = RegionFactory(code="T3", name_zh="丙镇", level="township", parent=world.county)
    town_0 = RegionFactory(code="T0", name_zh="丁镇", level="township", parent=world.county)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 5, 2, 9), True, True, S)
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, 2, 9), True, False, X)
    # T3 and T0 are equal (one "basic" each), between T2 and T1.
    for town in (town_c, town_0):
        ratings.rate_row(world, town, world.provider, local(2026, 5, 3, 9), True, True, B)
    assert standings("township") == [
        ("T2", 1, 1, Standing.RANKED),
        ("T0", 2, 1, Standing.RANKED),
        ("T3", 2, 1, Standing.RANKED),
        ("T1", 4, 1, Standing.RANKED),
    ]


# --- every township and provider ---------------------------------------------------------------


def test_every_township_and_active_provider_is_listed_rated_or_not(world, settings):
    settings.MINSHENG_RANKING_MIN_SAMPLE = 1
    gone = ProviderFactory(name_zh="已撤销的队", active=False)
    idle = ProviderFactory(name_zh="停用且无评价", active=False)
    ratings.rate_row(world, world.town_b, gone, local(2026, 5, 9, 9), True, True, S)
    assert standings("township") == [
        ("T2", 1, 1, Standing.RANKED),
        ("T1", None, 0, Standing.NO_RATINGS),
    ]
    assert standings("provider") == [
        (str(gone.pk), 1, 1, Standing.RANKED),
        (str(world.provider.pk), None, 0, Standing.NO_RATINGS),
        (str(world.provider2.pk), None, 0, Standing.NO_RATINGS),
    ]
    assert idle.pk not in [r.key for r in ranking("provider", MAY)]


# --- which ratings count ------------------------------------------------------------------------


def test_a_rating_counts_in_its_local_month(world, settings):
    """23:30 on 31 May in the county is 15:30 UTC: May. 00:30 on 1 June is 16:30 UTC on 31
    May: June."""
    settings.MINSHENG_RANKING_MIN_SAMPLE = 1
    late_may = order_at(world, Status.DELIVERED)
    early_june = order_at(world, Status.DELIVERED)
    answer = s.RatingInput(True, True, "satisfied")
    s.order_rate(
        order_id=late_may.pk, actor=world.resident, data=answer, now=local(2026, 5, 31, 23, 30)
    )
    s.order_rate(
        order_id=early_june.pk, actor=world.resident, data=answer, now=local(2026, 6, 1, 0, 30)
    )
    assert standings("township", date(2026, 5, 1))[0] == ("T1", 1, 1, Standing.RANKED)
    assert standings("township", date(2026, 6, 1))[0] == ("T1", 1, 1, Standing.RANKED)
    trend = selectors.ranking_trend(date(2026, 6, 1), months=2)
    assert [r.valid for r in trend.series[0].rates] == [1, 1]


def test_both_rounds_of_a_reopened_order_count_resident_rating_and_callback(world, settings):
    settings.MINSHENG_RANKING_MIN_SAMPLE = 1
    order = order_at(world, Status.DELIVERED)
    # Round 0: the resident says it was not solved; the order reopens.
    s.order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=s.RatingInput(True, False, "dissatisfied"),
        now=local(2026, 5, 10, 9),
    )
    order.refresh_from_db()
    assert (order.status, order.round) == (Status.REOPENED, 1)
    advance(world, order, Status.DELIVERED, now=local(2026, 5, 11, 9))
    # Round 1: a staff callback records it solved.
    s.order_callback(
        order_id=order.pk,
        actor=world.dispatcher_a,
        data=s.RatingInput(True, True, "satisfied"),
        now=local(2026, 5, 12, 9),
    )
    assert list(Rating.objects.order_by("round").values_list("round", "via")) == [
        (0, Rating.Via.RESIDENT),
        (1, Rating.Via.CALLBACK),
    ]
    row = ranking("township", MAY)[0]
    assert (row.code, row.rates.valid, row.rates.resolution, row.rates.satisfaction) == (
        "T1",
        2,
        pytest.approx(0.5),
        pytest.approx(0.5),
    )


# --- a township's figures -----------------------------------------------------------------------


def test_a_township_breaks_down_by_area_and_service(world, settings):
    meals = world.service
    ratings.rate_row(
        world, world.town_a, world.provider, local(2026, 5, 2, 9), True, True, S, service=meals
    )
    ratings.rate_row(
        world, world.town_a, world.provider, local(2026, 5, 3, 9), True, False, X, service=meals
    )
    # A free-form need (no service) in the same area, and one in township B (not shown).
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, 4, 9), False, False, X)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 5, 4, 9), True, True, S)
    areas = selectors.township_breakdown(world.town_a.pk, MAY, "area")
    assert [(r.name, r.rates.valid, r.rates.resolution) for r in areas] == [
        ("老有所养", 3, pytest.approx(1 / 3)),
    ]
    services = selectors.township_breakdown(world.town_a.pk, MAY, "service")
    assert [(r.key, r.rates.valid, r.rates.resolution) for r in services] == [
        (meals.pk, 2, pytest.approx(0.5)),
        (None, 1, pytest.approx(0.0)),
    ]


def test_rated_orders_are_listed_to_the_townships_dispatchers_only(world):
    mine = ratings.rate_row(
        world, world.town_a, world.provider, local(2026, 5, 2, 9), True, True, S
    )
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 5, 2, 9), True, True, S)
    for who, sees in [
        (world.dispatcher_a, [mine.pk]),
        (world.county_admin, [mine.pk]),
    ]:
        assert selectors.policy.can_see_ranked_orders(who, world.town_a) is True
        got = [r.pk for r in selectors.rated_orders_for(who, world.town_a.pk, MAY)]
        assert got == sees
    for who in (world.dispatcher_b, world.resident, world.provider_staff, world.grid_worker):
        assert selectors.policy.can_see_ranked_orders(who, world.town_a) is False


# --- the trend ----------------------------------------------------------------------------------


def test_the_trend_gives_twelve_months_for_the_county_and_each_township(world):
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, 2, 9), True, True, S)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 5, 2, 9), True, False, X)
    ratings.rate_row(world, world.town_a, world.provider, local(2025, 6, 1, 0, 10), True, True, B)
    # Outside the span: 31 May 2025 local, and June 2026.
    ratings.rate_row(world, world.town_a, world.provider, local(2025, 5, 31, 23, 50), True, True, S)
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 6, 1, 0, 0), True, True, S)
    trend = selectors.ranking_trend(MAY)
    assert trend.months == [date(2025, m, 1) for m in range(6, 13)] + [
        date(2026, m, 1) for m in range(1, 6)
    ]
    assert [(x.key, x.name) for x in trend.series] == [
        (None, "示范县"),
        (world.town_a.pk, "甲镇"),
        (world.town_b.pk, "乙乡"),
    ]
    county, town_a, town_b = trend.series
    composites = [r.composite for r in county.rates]
    # June 2025: one "basic" in A (0.1 + 0.5 + 0.4 × 0.9); May 2026: A perfect, B 0.1.
    assert composites[0] == pytest.approx(0.96)
    assert composites[1:11] == [None] * 10
    assert composites[11] == pytest.approx((1.0 + 0.1) / 2)
    assert [r.valid for r in town_a.rates] == [1] + [0] * 10 + [1]
    assert [r.composite for r in town_b.rates][11] == pytest.approx(0.1)
    assert trend.by_month[11] == (MAY, [county.rates[11], town_a.rates[11], town_b.rates[11]])
