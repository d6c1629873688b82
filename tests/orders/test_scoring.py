"""scoring.py: pure math, checked against values computed by hand."""

from __future__ import annotations

import math

import pytest

from minsheng.core.geo import haversine_km
from minsheng.orders.scoring import (
    NEUTRAL_PERFORMANCE,
    CallbackCounts,
    DispatchWeights,
    Rates,
    RateWeights,
    candidate_score,
    competition_ranks,
    rates_from_counts,
)

# --- haversine ---------------------------------------------------------------------------------


def test_one_degree_of_latitude_is_the_mean_earth_radius_times_pi_over_180():
    assert haversine_km(0, 0, 1, 0) == pytest.approx(6371.0088 * math.pi / 180)
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195080, abs=1e-6)


def test_beijing_to_shanghai_is_about_1067_km():
    # Tian'anmen (39.9042 N, 116.4074 E) to People's Square (31.2304 N, 121.4737 E).
    assert haversine_km(39.9042, 116.4074, 31.2304, 121.4737) == pytest.approx(1067.31, abs=0.01)


def test_distance_is_symmetric_and_zero_to_itself():
    a = haversine_km(30.01, 110.01, 30.3, 110.3)
    assert a == pytest.approx(haversine_km(30.3, 110.3, 30.01, 110.01))
    assert haversine_km(30.3, 110.3, 30.3, 110.3) == 0.0


def test_antipodes_are_half_the_circumference_apart():
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088)


# --- the three rates ---------------------------------------------------------------------------


def test_rates_from_counts_with_default_weights():
    # 10 valid callbacks: 9 contacted, 7 solved, 5 satisfied, 3 basically satisfied.
    r = rates_from_counts(CallbackCounts(10, 9, 7, 5, 3), RateWeights())
    assert r.valid == 10
    assert r.response == pytest.approx(0.9)
    assert r.resolution == pytest.approx(0.7)
    assert r.satisfaction == pytest.approx((5 + 0.9 * 3) / 10)  # 0.77
    assert r.composite == pytest.approx(0.1 * 0.9 + 0.5 * 0.7 + 0.4 * 0.77)  # 0.748


def test_basically_satisfied_counts_point_nine_of_satisfied():
    r = rates_from_counts(CallbackCounts(4, 4, 4, 0, 4), RateWeights())
    assert r.satisfaction == pytest.approx(0.9)
    r = rates_from_counts(CallbackCounts(4, 4, 4, 0, 4), RateWeights(basic_satisfied=0.5))
    assert r.satisfaction == pytest.approx(0.5)


def test_composite_weights_are_normalised():
    r = rates_from_counts(
        CallbackCounts(10, 9, 7, 5, 3), RateWeights(response=1, resolution=1, satisfaction=2)
    )
    assert r.composite == pytest.approx((0.9 + 0.7 + 2 * 0.77) / 4)  # 0.785


def test_all_satisfied_is_a_composite_of_one():
    r = rates_from_counts(CallbackCounts(3, 3, 3, 3, 0), RateWeights())
    assert (r.response, r.resolution, r.satisfaction, r.composite) == pytest.approx(
        (1.0, 1.0, 1.0, 1.0)
    )


def test_nothing_rated_has_no_rates():
    assert rates_from_counts(CallbackCounts(0, 0, 0, 0, 0), RateWeights()) == Rates(
        valid=0, response=None, resolution=None, satisfaction=None, composite=None
    )


def test_zero_weights_give_no_composite():
    r = rates_from_counts(
        CallbackCounts(2, 1, 1, 1, 0), RateWeights(response=0, resolution=0, satisfaction=0)
    )
    assert (r.response, r.resolution, r.satisfaction, r.composite) == (0.5, 0.5, 0.5, None)


# --- candidate score ---------------------------------------------------------------------------


W = DispatchWeights()  # performance 0.5, distance 0.3, capacity 0.2, far 40 km


def test_unknown_performance_and_distance_score_neutral():
    score = candidate_score(performance=None, distance_km=None, remaining=5, capacity=5, w=W)
    assert NEUTRAL_PERFORMANCE == 0.8
    assert score == pytest.approx(0.5 * 0.8 + 0.3 * 0.5 + 0.2 * 1.0)  # 0.75


def test_score_combines_performance_nearness_and_spare_capacity():
    score = candidate_score(performance=1.0, distance_km=20, remaining=1, capacity=4, w=W)
    assert score == pytest.approx(0.5 * 1.0 + 0.3 * 0.5 + 0.2 * 0.25)  # 0.7


def test_beyond_the_far_distance_nearness_is_zero():
    score = candidate_score(performance=0.6, distance_km=55, remaining=2, capacity=2, w=W)
    assert score == pytest.approx(0.5 * 0.6 + 0.0 + 0.2)  # 0.5


def test_performance_is_clamped_to_zero_one():
    high = candidate_score(performance=1.7, distance_km=0, remaining=1, capacity=1, w=W)
    low = candidate_score(performance=-0.3, distance_km=0, remaining=1, capacity=1, w=W)
    assert (high, low) == pytest.approx((1.0, 0.5))


@pytest.mark.parametrize(("remaining", "capacity"), [(0, 5), (-1, 5), (3, 0)])
def test_a_provider_without_capacity_scores_zero(remaining, capacity):
    assert (
        candidate_score(performance=1.0, distance_km=0, remaining=remaining, capacity=capacity, w=W)
        == 0.0
    )


def test_dispatch_weights_are_normalised():
    w = DispatchWeights(performance=2, distance=1, capacity=1, far_km=10)
    score = candidate_score(performance=0.5, distance_km=5, remaining=1, capacity=2, w=w)
    assert score == pytest.approx((2 * 0.5 + 1 * 0.5 + 1 * 0.5) / 4)  # 0.5


def test_zero_dispatch_weights_score_zero():
    w = DispatchWeights(performance=0, distance=0, capacity=0)
    assert candidate_score(performance=1, distance_km=0, remaining=1, capacity=1, w=w) == 0.0


# --- ranks -------------------------------------------------------------------------------------


def test_equal_scores_share_a_rank_and_the_next_skips_the_shared_places():
    ranks = competition_ranks([(40, 0.5), (10, 0.9), (30, 0.8), (20, 0.8)])
    assert ranks == {10: 1, 20: 2, 30: 2, 40: 4}


def test_scores_equal_at_the_shown_tenth_of_a_point_tie():
    # 80.04 and 79.96 points both show as 80.0; 80.06 shows as 80.1.
    ranks = competition_ranks([(1, 0.8004), (2, 0.7996), (3, 0.8006)])
    assert ranks == {3: 1, 1: 2, 2: 2}


def test_all_equal_all_first_and_nothing_to_rank_is_empty():
    assert competition_ranks([(1, 1.0), (2, 1.0), (3, 1.0)]) == {1: 1, 2: 1, 3: 1}


def test_a_tie_is_exactly_what_the_page_shows_as_one():
    from minsheng.orders.templatetags.minsheng_ui import score

    # Half-way cases: ranks agree with the shown score, whichever way it rounds.
    for a, b in [(0.9625, 0.9618), (0.95465, 0.9554), (0.12345, 0.1234), (0.00049, 0.0)]:
        shown_tie = score(a) == score(b)
        assert (competition_ranks([(1, a), (2, b)]) == {1: 1, 2: 1}) is shown_tie, (a, b)
    assert competition_ranks([]) == {}
