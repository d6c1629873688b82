"""The inequality measures (minsheng.insights.inequality) on small hand-computed cases,
weighted and unweighted; integer weights equal repeating the data; the decompositions add
up; Atkinson at epsilon 0 and 1; and every refusal's exact message."""

from __future__ import annotations

import math

import numpy as np
import pytest

from minsheng.insights import inequality as ineq
from minsheng.insights.inequality import InequalityError

Y = [1.0, 2.0, 3.0, 4.0]  # mean 2.5
W = [4.0, 3.0, 2.0, 1.0]  # as if 1 four times, 2 three times, 3 twice, 4 once: mean 20/10 = 2
EXPANDED = [1.0] * 4 + [2.0] * 3 + [3.0] * 2 + [4.0]
GROUPS = ["rural", "rural", "urban", "urban"]

# Unweighted, mu = 2.5, y/mu = 0.4, 0.8, 1.2, 1.6
GINI = 10 / 40  # sum (2i - n - 1) y_(i) / (n sum y) = (-3*1 - 1*2 + 1*3 + 3*4) / (4*10)
THEIL_T = (  # (1/4) sum (y/mu) ln(y/mu) = (-0.366516 - 0.178515 + 0.218786 + 0.752006)/4
    0.4 * math.log(0.4) + 0.8 * math.log(0.8) + 1.2 * math.log(1.2) + 1.6 * math.log(1.6)
) / 4
THEIL_L = math.log(2.5**4 / 24) / 4  # (1/4) sum ln(mu/y) = ln(39.0625/24)/4 = 0.121777
ATKINSON_1 = 1 - 24**0.25 / 2.5  # 1 - geometric mean / mu = 1 - 2.213364/2.5 = 0.114654
ATKINSON_2 = 1 - (4 / (1 + 1 / 2 + 1 / 3 + 1 / 4)) / 2.5  # 1 - harmonic mean 1.92 / 2.5 = 0.232
ATKINSON_HALF = 1 - ((1 + 2**0.5 + 3**0.5 + 2) / 4) ** 2 / 2.5  # 1 - (mean sqrt y)^2 / mu
CV = math.sqrt((2.25 + 0.25 + 0.25 + 2.25) / 4) / 2.5  # sqrt(1.25)/2.5 = sqrt(0.2)

# Weighted by W: shares s = 0.4, 0.3, 0.2, 0.1, mu = 0.4 + 0.6 + 0.6 + 0.4 = 2
# Gini: pairs s_i s_j |y_i - y_j| = .12 + .16 + .12 + .06 + .06 + .02 = 0.54, twice over 2 mu = 4
W_GINI = 2 * 0.54 / 4  # 0.27
W_THEIL_L = 0.4 * math.log(2) + 0.2 * math.log(2 / 3) + 0.1 * math.log(0.5)  # 0.126851
W_THEIL_T = 0.4 * 0.5 * math.log(0.5) + 0.2 * 1.5 * math.log(1.5) + 0.1 * 2 * math.log(2)
W_CV = math.sqrt(0.4 * 1 + 0.3 * 0 + 0.2 * 1 + 0.1 * 4) / 2  # Williamson: sqrt(1.0)/2 = 0.5
W_ATKINSON_2 = 1 - (1 / (0.4 / 1 + 0.3 / 2 + 0.2 / 3 + 0.1 / 4)) / 2  # harmonic mean 1.6216/2


def test_unweighted_measures_on_a_hand_case():
    assert ineq.mean(Y) == 2.5
    assert ineq.gini(Y) == pytest.approx(GINI, abs=1e-12)
    assert ineq.theil_t(Y) == pytest.approx(THEIL_T, abs=1e-12)
    assert pytest.approx(0.106440, abs=1e-6) == THEIL_T
    assert ineq.theil_l(Y) == pytest.approx(THEIL_L, abs=1e-12)
    assert pytest.approx(0.121777, abs=1e-6) == THEIL_L
    assert ineq.atkinson(Y, 1) == pytest.approx(ATKINSON_1, abs=1e-12)
    assert ineq.atkinson(Y, 2) == pytest.approx(ATKINSON_2, abs=1e-12)
    assert pytest.approx(0.232, abs=1e-12) == ATKINSON_2
    assert ineq.atkinson(Y, 0.5) == pytest.approx(ATKINSON_HALF, abs=1e-12)
    assert ineq.cv(Y) == pytest.approx(math.sqrt(0.2), abs=1e-12) == CV
    assert ineq.max_min_ratio(Y) == 4.0
    # standard 3: shortfalls 2, 1, 0, 0 -> mean 0.75
    assert ineq.shortfall(Y, 3) == 0.75


def test_weighted_measures_on_a_hand_case():
    assert ineq.mean(Y, W) == pytest.approx(2.0, abs=1e-12)
    assert ineq.gini(Y, W) == pytest.approx(W_GINI, abs=1e-12)
    assert ineq.theil_t(Y, W) == pytest.approx(W_THEIL_T, abs=1e-12)
    assert ineq.theil_l(Y, W) == pytest.approx(W_THEIL_L, abs=1e-12)
    assert pytest.approx(0.126851, abs=1e-6) == W_THEIL_L
    assert ineq.atkinson(Y, 2, W) == pytest.approx(W_ATKINSON_2, abs=1e-12)
    assert ineq.cv(Y, W) == pytest.approx(W_CV, abs=1e-12)
    assert ineq.max_min_ratio(Y, W) == 4.0
    # standard 3: 0.4 * 2 + 0.3 * 1 = 1.1 (unweighted it is 0.75)
    assert ineq.shortfall(Y, 3, W) == pytest.approx(1.1, abs=1e-12)


@pytest.mark.parametrize(
    "measure",
    [
        ineq.mean,
        ineq.gini,
        ineq.theil_t,
        ineq.theil_l,
        ineq.cv,
        ineq.max_min_ratio,
        lambda y, w=None: ineq.atkinson(y, 0.5, w),
        lambda y, w=None: ineq.atkinson(y, 1, w),
        lambda y, w=None: ineq.atkinson(y, 3, w),
        lambda y, w=None: ineq.shortfall(y, 2.5, w),
    ],
)
def test_integer_weights_equal_the_measure_on_the_repeated_data(measure):
    assert measure(Y, W) == pytest.approx(measure(EXPANDED), abs=1e-12)
    rng = np.random.default_rng(7)
    for _ in range(10):
        y = rng.uniform(0.5, 10, size=12)
        w = rng.integers(1, 6, size=12)
        assert measure(y, w) == pytest.approx(measure(np.repeat(y, w)), abs=1e-12)


def test_scaling_the_weights_changes_nothing():
    assert ineq.gini(Y, [8, 6, 4, 2]) == pytest.approx(ineq.gini(Y, W), abs=1e-15)
    assert ineq.theil_t(Y, [0.4, 0.3, 0.2, 0.1]) == pytest.approx(W_THEIL_T, abs=1e-15)


def test_equal_values_have_no_inequality():
    for f in (ineq.gini, ineq.theil_t, ineq.theil_l, ineq.cv):
        assert f([5, 5, 5]) == pytest.approx(0.0, abs=1e-15)
        assert f([5, 5, 5], [1, 2, 3]) == pytest.approx(0.0, abs=1e-15)
    assert ineq.max_min_ratio([5, 5, 5]) == 1.0
    assert ineq.atkinson([5, 5, 5], 2) == pytest.approx(0.0, abs=1e-15)


def test_gini_takes_zeros_one_region_has_everything():
    # y = 0, 0, 0, 4: G = (3 * 4) / (4 * 4) = 0.75, the most possible for n = 4 is (n-1)/n
    assert ineq.gini([0, 0, 0, 4]) == pytest.approx(0.75, abs=1e-15)
    assert ineq.shortfall([0, 0, 0, 4], 1) == 0.75


def test_lorenz_curve():
    x, cum = ineq.lorenz([3, 1, 2, 4])  # sorted 1, 2, 3, 4 of total 10
    assert list(x) == [0, 0.25, 0.5, 0.75, 1]
    assert list(cum) == pytest.approx([0, 0.1, 0.3, 0.6, 1], abs=1e-15)
    x, cum = ineq.lorenz(Y, W)  # people 4, 3, 2, 1 of 10; totals 4, 6, 6, 4 of 20
    assert list(x) == pytest.approx([0, 0.4, 0.7, 0.9, 1], abs=1e-15)
    assert list(cum) == pytest.approx([0, 0.2, 0.5, 0.8, 1], abs=1e-15)


def test_atkinson_at_zero_is_zero_and_at_one_is_one_minus_exp_minus_theil_l():
    rng = np.random.default_rng(11)
    for _ in range(10):
        y = rng.uniform(0.1, 50, size=30)
        w = rng.uniform(1, 1000, size=30)
        assert ineq.atkinson(y, 0) == 0.0
        assert ineq.atkinson(y, 0, w) == 0.0
        assert ineq.atkinson(y, 1) == pytest.approx(1 - math.exp(-ineq.theil_l(y)), abs=1e-12)
        assert ineq.atkinson(y, 1, w) == pytest.approx(1 - math.exp(-ineq.theil_l(y, w)), abs=1e-12)
        # close to 1 from both sides it approaches A_1
        assert ineq.atkinson(y, 1 + 1e-7) == pytest.approx(ineq.atkinson(y, 1), abs=1e-6)
        assert ineq.atkinson(y, 1 - 1e-7) == pytest.approx(ineq.atkinson(y, 1), abs=1e-6)


def test_theil_decompositions_on_the_hand_case():
    # rural 1, 2 (mean 1.5), urban 3, 4 (mean 3.5); mu = 2.5, each group half the regions.
    t = ineq.theil_t_decomposed(Y, GROUPS)
    # S_rural = 0.5 * 1.5 / 2.5 = 0.3, S_urban = 0.7
    # between = 0.3 ln(1.5/2.5) + 0.7 ln(3.5/2.5) = -0.153248 + 0.235531 = 0.082283
    assert t.between == pytest.approx(0.3 * math.log(0.6) + 0.7 * math.log(1.4), abs=1e-12)
    t_rural = 0.5 * (1 / 1.5 * math.log(1 / 1.5) + 2 / 1.5 * math.log(2 / 1.5))  # 0.056633
    t_urban = 0.5 * (3 / 3.5 * math.log(3 / 3.5) + 4 / 3.5 * math.log(4 / 3.5))  # 0.010239
    assert t.groups == pytest.approx({"rural": t_rural, "urban": t_urban}, abs=1e-12)
    assert t.within == pytest.approx(0.3 * t_rural + 0.7 * t_urban, abs=1e-12)
    assert t.total == pytest.approx(THEIL_T, abs=1e-12)

    ell = ineq.theil_l_decomposed(Y, GROUPS)
    # between = 0.5 ln(2.5/1.5) + 0.5 ln(2.5/3.5) = 0.5 ln(6.25/5.25) = 0.087177
    assert ell.between == pytest.approx(0.5 * math.log(6.25 / 5.25), abs=1e-12)
    l_rural = 0.5 * math.log(1.5**2 / 2)  # 0.5 (ln 1.5 + ln 0.75) = 0.058892
    l_urban = 0.5 * math.log(3.5**2 / 12)  # 0.010310
    assert ell.groups == pytest.approx({"rural": l_rural, "urban": l_urban}, abs=1e-12)
    assert ell.within == pytest.approx(0.5 * l_rural + 0.5 * l_urban, abs=1e-12)
    assert ell.total == pytest.approx(THEIL_L, abs=1e-12)


def test_weighted_theil_l_decomposition_by_hand():
    # people 4, 3 rural (mean (4 + 6)/7 = 10/7), 2, 1 urban (mean (6 + 4)/3 = 10/3); mu = 2
    ell = ineq.theil_l_decomposed(Y, GROUPS, W)
    between = 0.7 * math.log(2 / (10 / 7)) + 0.3 * math.log(2 / (10 / 3))
    l_rural = (4 * math.log(10 / 7 / 1) + 3 * math.log(10 / 7 / 2)) / 7
    l_urban = (2 * math.log(10 / 3 / 3) + 1 * math.log(10 / 3 / 4)) / 3
    assert ell.between == pytest.approx(between, abs=1e-12)
    assert ell.within == pytest.approx(0.7 * l_rural + 0.3 * l_urban, abs=1e-12)
    assert ell.total == pytest.approx(W_THEIL_L, abs=1e-12)


def test_decompositions_add_up_on_random_instances():
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(5, 60))
        y = rng.lognormal(0, 1, size=n)
        w = rng.uniform(10, 5000, size=n)
        g = list(rng.choice(["urban", "rural", "mixed"], size=n))
        for weights in (None, w):
            for d, total in (
                (ineq.theil_t_decomposed(y, g, weights), ineq.theil_t(y, weights)),
                (ineq.theil_l_decomposed(y, g, weights), ineq.theil_l(y, weights)),
            ):
                assert d.total == pytest.approx(total, abs=1e-12)
                assert d.between + d.within == pytest.approx(d.total, abs=1e-12)
                assert d.between >= -1e-15
                assert d.within >= -1e-15


def test_one_group_has_nothing_between():
    d = ineq.theil_t_decomposed(Y, ["all"] * 4)
    assert d.between == pytest.approx(0.0, abs=1e-15)
    assert d.within == pytest.approx(THEIL_T, abs=1e-15)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ineq.gini([]), "there are no values"),
        (lambda: ineq.gini([[1, 2], [3, 4]]), "values must be one list of numbers, one per region"),
        (lambda: ineq.gini([1, float("nan"), 3]), "value 2 is missing or not a finite number"),
        (lambda: ineq.cv([1, 2, float("inf")]), "value 3 is missing or not a finite number"),
        (
            lambda: ineq.theil_t([1, 2, 0]),
            "Theil T needs every value to be positive: value 3 is 0",
        ),
        (
            lambda: ineq.theil_l([1, -2, 3]),
            "Theil L needs every value to be positive: value 2 is -2",
        ),
        (
            lambda: ineq.atkinson([0, 2], 0.5),
            "the Atkinson index needs every value to be positive: value 1 is 0",
        ),
        (
            lambda: ineq.max_min_ratio([3, 0]),
            "the max/min ratio needs every value to be positive: value 2 is 0",
        ),
        (
            lambda: ineq.gini([1, -1.5]),
            "the Gini coefficient needs values of zero or more: value 2 is -1.5",
        ),
        (lambda: ineq.gini([0, 0]), "the mean is zero: the Gini coefficient divides by it"),
        (
            lambda: ineq.cv([0, 0]),
            "the mean is zero: the coefficient of variation divides by it",
        ),
        (
            lambda: ineq.gini([1, 2], [1, 2, 3]),
            "there are 3 weights for 2 values: one weight per value",
        ),
        (
            lambda: ineq.gini([1, 2], [1, 0]),
            "weight 2 is 0: every weight must be a positive number",
        ),
        (
            lambda: ineq.theil_t([1, 2], [-3, 1]),
            "weight 1 is -3: every weight must be a positive number",
        ),
        (
            lambda: ineq.cv([1, 2], [1, float("nan")]),
            "weight 2 is nan: every weight must be a positive number",
        ),
        (
            lambda: ineq.atkinson([1, 2], -1),
            "epsilon (inequality aversion) must be zero or more",
        ),
        (lambda: ineq.shortfall([1, 2], 0), "the standard must be a positive number"),
        (
            lambda: ineq.theil_t_decomposed([1, 2], ["a"]),
            "there are 1 group labels for 2 values",
        ),
    ],
)
def test_bad_input_is_refused_with_a_specific_message(call, message):
    with pytest.raises(InequalityError) as info:
        call()
    assert str(info.value) == message


def test_the_error_carries_the_position_of_the_bad_value():
    with pytest.raises(InequalityError) as info:
        ineq.theil_l([4, 5, 0, 1])
    assert info.value.index == 2
    with pytest.raises(InequalityError) as info:
        ineq.gini([4, 5], [1, -1])
    assert info.value.index == 1
    with pytest.raises(InequalityError) as info:
        ineq.gini([])
    assert info.value.index is None


def test_mean_of_zeros_is_zero():
    assert ineq.mean([0, 0]) == 0.0
    assert ineq.shortfall([0, 0], 2) == 2.0


def test_gini_equals_the_pairwise_definition_with_ties():
    rng = np.random.default_rng(9)
    for _ in range(10):
        y = rng.integers(0, 5, size=25).astype(float) + 0.5  # many ties
        w = rng.uniform(1, 50, size=25)
        for weights in (None, w):
            s = np.full(25, 1 / 25) if weights is None else weights / weights.sum()
            mu = s @ y
            pairwise = (s[:, None] * s[None, :] * np.abs(y[:, None] - y[None, :])).sum() / (2 * mu)
            assert ineq.gini(y, weights) == pytest.approx(pairwise, abs=1e-12)
