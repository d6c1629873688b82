"""Entropy weights and TOPSIS (minsheng.insights.topsis) on hand-computed cases, the
base-year weights frozen for later years, and every refusal's message."""

from __future__ import annotations

import math

import numpy as np
import pytest

from minsheng.insights.topsis import SHIFT, TopsisError, composite, entropy_weights, topsis


def test_entropy_weights_by_hand():
    # Column A (benefit) 10, 20, 30 -> min-max 0, 0.5, 1 -> shifted 0.01, 0.51, 1.01 (sum 1.53)
    # Column B (cost) 9, 9, 1 -> (max - x)/(max - min) 0, 0, 1 -> 0.01, 0.01, 1.01 (sum 1.03)
    x = [[10, 9], [20, 9], [30, 1]]
    assert SHIFT == 0.01

    def entropy(z: list[float]) -> float:  # e = -(1/ln 3) sum p ln p
        return -sum(v / sum(z) * math.log(v / sum(z)) for v in z) / math.log(3)

    e_a = entropy([0.01, 0.51, 1.01])  # 0.612815
    e_b = entropy([0.01, 0.01, 1.01])  # 0.099419
    w_a = (1 - e_a) / ((1 - e_a) + (1 - e_b))
    w = entropy_weights(x, [True, False])
    assert list(w) == pytest.approx([w_a, 1 - w_a], abs=1e-12)
    # B, concentrated on one region, weighs more: 0.387185 / (0.387185 + 0.900581) = 0.300664
    assert w_a == pytest.approx(0.300664, abs=1e-6)


def test_a_zero_after_min_max_is_not_read_as_no_information():
    # pymcdm's pitfall: with 0 ln 0 read as making e_j = 0, every min-max column (each has a 0)
    # would weigh the most. With the shift, two columns spread alike weigh alike, whether
    # benefit or cost, whatever their unit.
    w = entropy_weights([[1, 300], [2, 200], [3, 100]], [True, False])
    assert list(w) == pytest.approx([0.5, 0.5], abs=1e-12)
    w = entropy_weights([[1, 300, 5], [2, 200, 5.5], [3, 100, 6]], [True, False, True])
    assert list(w) == pytest.approx([1 / 3] * 3, abs=1e-12)


def test_topsis_by_hand():
    # Columns norms sqrt(3^2 + 4^2 + 0) = 5 both: r = (.6, .8), (.8, .6), (0, 0); weights .5 .5
    # -> v = (.3, .4), (.4, .3), (0, 0).
    x = [[3, 4], [4, 3], [0, 0]]
    # Both benefit: A+ = (.4, .4), A- = (0, 0).
    # region 1: D+ = sqrt(.1^2) = .1, D- = sqrt(.3^2 + .4^2) = .5 -> C = .5/.6
    # region 3: D+ = sqrt(.4^2 + .4^2), D- = 0 -> C = 0
    assert list(topsis(x, [0.5, 0.5], [True, True])) == pytest.approx(
        [0.5 / 0.6, 0.5 / 0.6, 0.0], abs=1e-12
    )
    # Second column a cost: A+ = (.4, 0), A- = (0, .4).
    # region 1 (.3, .4): D+ = sqrt(.01 + .16), D- = sqrt(.09) -> C = .3 / (.3 + sqrt(.17))
    # region 2 (.4, .3): D+ = .3, D- = sqrt(.16 + .01) -> C = sqrt(.17) / (.3 + sqrt(.17))
    # region 3 (0, 0): D+ = .4, D- = .4 -> C = .5
    s17 = math.sqrt(0.17)
    assert list(topsis(x, [1, 1], [True, False])) == pytest.approx(
        [0.3 / (0.3 + s17), s17 / (0.3 + s17), 0.5], abs=1e-12
    )  # 0.421165, 0.578835, 0.5; weights 1, 1 are rescaled to .5, .5


def test_scores_lie_in_zero_one_and_the_dominant_region_scores_one():
    rng = np.random.default_rng(5)
    x = rng.uniform(1, 100, size=(40, 5))
    x[0] = x.max(axis=0)  # best on every indicator
    benefit = [True] * 5
    c = topsis(x, entropy_weights(x, benefit), benefit)
    assert c.min() >= 0 and c.max() <= 1
    assert c[0] == pytest.approx(1.0, abs=1e-12)


def test_regions_equal_on_every_indicator_score_one_half():
    assert list(topsis([[2, 3], [2, 3]], [0.5, 0.5], [True, False])) == [0.5, 0.5]
    assert list(topsis([[2, 3]], [1, 1], [True, True])) == [0.5]


def test_a_zero_weight_ignores_its_indicator():
    x = [[1, 100], [2, 1], [3, 50]]
    assert list(topsis(x, [1, 0], [True, True])) == pytest.approx(
        list(topsis([[1], [2], [3]], [1], [True])), abs=1e-12
    )


def test_composite_freezes_the_base_year_weights():
    base = np.array([[10, 9], [20, 9], [30, 1]], dtype=float)
    later = np.array([[10, 1], [20, 5], [30, 9], [25, 2]], dtype=float)  # regions may differ
    result = composite({2024: base, 2025: later}, [True, False], base_year=2024)
    frozen = entropy_weights(base, [True, False])
    assert result.base_year == 2024
    assert list(result.weights) == pytest.approx(list(frozen), abs=1e-15)
    assert list(result.scores[2024]) == pytest.approx(list(topsis(base, frozen, [True, False])))
    assert list(result.scores[2025]) == pytest.approx(list(topsis(later, frozen, [True, False])))
    # the later year's own weights differ, and so would its scores
    own = entropy_weights(later, [True, False])
    assert not np.allclose(own, frozen)
    assert not np.allclose(topsis(later, own, [True, False]), result.scores[2025])


def test_a_later_year_may_have_a_constant_indicator():
    result = composite({1: [[1, 2], [3, 4]], 2: [[1, 5], [3, 5]]}, [True, True], base_year=1)
    assert list(result.scores[2]) == pytest.approx([0.0, 1.0], abs=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: entropy_weights([[1, 5], [2, 5], [3, 5]], [True, True]),
            "indicator 2 has the same value (5) for every region: it cannot tell regions "
            "apart; leave it out",
        ),
        (
            lambda: entropy_weights([[1, 2]], [True, True]),
            "entropy weights need at least two regions",
        ),
        (
            lambda: entropy_weights([[1, 2], [3, 4]], [True, True], shift=0),
            "the shift must be a positive number",
        ),
        (
            lambda: entropy_weights([1, 2, 3], [True]),
            "the matrix must have one row per region and one column per indicator",
        ),
        (
            lambda: entropy_weights(np.zeros((0, 2)), [True, True]),
            "the matrix is empty: it needs at least one region and one indicator",
        ),
        (
            lambda: topsis([[1, 2], [3, float("nan")]], [1, 1], [True, True]),
            "region 2, indicator 2: the value is missing or not finite",
        ),
        (
            lambda: topsis([[1, 2], [3, 4]], [1, 1], [True]),
            "there are 1 benefit flags for 2 indicators: one per indicator",
        ),
        (
            lambda: topsis([[1, 2], [3, 4]], [1, 1, 1], [True, True]),
            "there are 3 weights for 2 indicators: one per indicator",
        ),
        (
            lambda: topsis([[1, 2], [3, 4]], [1, -1], [True, True]),
            "weight 2 is -1: weights must be zero or more",
        ),
        (lambda: topsis([[1, 2], [3, 4]], [0, 0], [True, True]), "the weights are all zero"),
        (
            lambda: composite({2024: [[1, 2], [3, 4]]}, [True, True], base_year=2023),
            "there is no matrix for the base year 2023",
        ),
        (
            lambda: composite({1: [[1, 2], [3, 4]], 2: [[1], [2]]}, [True, True], base_year=1),
            "2: there are 2 benefit flags for 1 indicators: one per indicator",
        ),
    ],
)
def test_bad_input_is_refused_with_a_specific_message(call, message):
    with pytest.raises(TopsisError) as info:
        call()
    assert str(info.value) == message
