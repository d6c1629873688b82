"""Inequality between regions, pure (numpy only, no Django): the Gini coefficient, Theil T
and Theil L with the between/within decomposition over a grouping, the Atkinson index, the
coefficient of variation and Williamson's population-weighted CV, the max/min ratio and the
shortfall from a standard, and the Lorenz curve.

Every measure takes ``values`` (one per region) and optional ``weights`` (the regions'
populations). Without weights every region counts once (as OECD regional statistics and
PySAL's ``inequality`` do); with them every person counts once. Shares are s_i = w_i / sum w
and the mean is mu = sum s_i y_i. The formulas are those of
``docs/balance.md`` (from ../shared/reference/equity-and-optimisation.md, section 2).

Bad input raises ``InequalityError`` naming what is wrong: no values, lengths that differ,
a missing (NaN) or infinite value, a negative or zero weight, or a non-positive value where
the measure needs positive ones (Theil, Atkinson, max/min).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


class InequalityError(ValueError):
    """Input a measure cannot take; the message says which and why."""


def _arrays(
    values: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    positive: bool = False,
    zero_mean_ok: bool = False,
) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 1:
        raise InequalityError("values must be one list of numbers, one per region")
    if y.size == 0:
        raise InequalityError("there are no values")
    if not np.all(np.isfinite(y)):
        raise InequalityError("a value is missing or not a finite number")
    if positive and np.any(y <= 0):
        raise InequalityError("this measure needs every value to be positive")
    if not positive and np.any(y < 0):
        raise InequalityError("a value is negative")
    if weights is None:
        w = np.full(y.size, 1.0 / y.size)
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != y.shape:
            raise InequalityError(
                f"there are {w.size} weights for {y.size} values: one weight per value"
            )
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise InequalityError("every weight must be a positive number")
        w = w / w.sum()
    if not positive and not zero_mean_ok and float(w @ y) == 0.0:
        raise InequalityError("the mean is zero: there is nothing to divide")
    return y, w


def mean(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    y, s = _arrays(values, weights)
    return float(s @ y)


def lorenz(values: ArrayLike, weights: ArrayLike | None = None) -> tuple[FloatArray, FloatArray]:
    """The Lorenz curve: cumulative shares of population (x) and of the total (y), both
    starting at 0 and ending at 1, regions sorted from the lowest value up."""
    y, s = _arrays(values, weights)
    order = np.argsort(y, kind="stable")
    ys, ss = y[order], s[order]
    x = np.concatenate(([0.0], np.cumsum(ss)))
    total = np.concatenate(([0.0], np.cumsum(ss * ys)))
    x[-1] = 1.0
    return x, total / total[-1]


def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """G = sum_i sum_j s_i s_j |y_i - y_j| / (2 mu), computed in Lorenz form
    G = 1 - sum_k (X_k - X_{k-1}) (Y_k + Y_{k-1}). Unweighted it equals PySAL's ``Gini``."""
    x, cum = lorenz(values, weights)
    return float(1.0 - np.sum(np.diff(x) * (cum[1:] + cum[:-1])))


def theil_t(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Theil T = GE(1) = sum s_i (y_i/mu) ln(y_i/mu)."""
    y, s = _arrays(values, weights, positive=True)
    r = y / float(s @ y)
    return float(s @ (r * np.log(r)))


def theil_l(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Theil L (mean log deviation) = GE(0) = sum s_i ln(mu/y_i)."""
    y, s = _arrays(values, weights, positive=True)
    return float(s @ np.log(float(s @ y) / y))


def atkinson(values: ArrayLike, epsilon: float, weights: ArrayLike | None = None) -> float:
    """A_e = 1 - [sum s_i (y_i/mu)^(1-e)]^(1/(1-e)); A_1 = 1 - exp(sum s_i ln y_i)/mu."""
    if not np.isfinite(epsilon) or epsilon < 0:
        raise InequalityError("epsilon (inequality aversion) must be zero or more")
    y, s = _arrays(values, weights, positive=True)
    mu = float(s @ y)
    if epsilon == 1:
        return float(1.0 - np.exp(s @ np.log(y)) / mu)
    return float(1.0 - (s @ (y / mu) ** (1.0 - epsilon)) ** (1.0 / (1.0 - epsilon)))


def cv(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """The coefficient of variation sqrt(sum s_i (y_i - mu)^2) / mu: unweighted, the
    population standard deviation over the mean; weighted by population, Williamson's."""
    y, s = _arrays(values, weights)
    mu = float(s @ y)
    return float(np.sqrt(s @ (y - mu) ** 2) / mu)


def max_min_ratio(values: ArrayLike) -> float:
    y, _ = _arrays(values, positive=True)
    return float(y.max() / y.min())


def shortfall(values: ArrayLike, standard: float, weights: ArrayLike | None = None) -> float:
    """sum s_i max(0, y* - y_i): the (population-)weighted shortfall from the standard y*."""
    if not np.isfinite(standard) or standard <= 0:
        raise InequalityError("the standard must be a positive number")
    y, s = _arrays(values, weights, zero_mean_ok=True)
    return float(s @ np.maximum(0.0, standard - y))


@dataclass(frozen=True)
class Decomposition:
    """A Theil index split over groups: ``total = between + within``."""

    total: float
    between: float
    within: float
    groups: dict[str, float]  # each group's own index


def _groups(labels: Sequence[object], n: int) -> tuple[list[str], NDArray[np.intp]]:
    if len(labels) != n:
        raise InequalityError(f"there are {len(labels)} group labels for {n} values")
    names = sorted({str(g) for g in labels})
    index = {g: i for i, g in enumerate(names)}
    return names, np.array([index[str(g)] for g in labels], dtype=np.intp)


def theil_t_decomposed(
    values: ArrayLike, groups: Sequence[object], weights: ArrayLike | None = None
) -> Decomposition:
    """T = sum_g S_g T_g + sum_g S_g ln(mu_g/mu), S_g = s_g mu_g / mu (the group's share of
    the total). Unweighted, ``between`` equals PySAL's ``TheilD(...).bg``."""
    y, s = _arrays(values, weights, positive=True)
    names, g = _groups(groups, y.size)
    mu = float(s @ y)
    between = within = 0.0
    own: dict[str, float] = {}
    for k, name in enumerate(names):
        m = g == k
        sg = float(s[m].sum())
        mug = float(s[m] @ y[m]) / sg
        tg = theil_t(y[m], s[m])
        share = sg * mug / mu
        between += share * np.log(mug / mu)
        within += share * tg
        own[name] = tg
    return Decomposition(theil_t(y, s), float(between), float(within), own)


def theil_l_decomposed(
    values: ArrayLike, groups: Sequence[object], weights: ArrayLike | None = None
) -> Decomposition:
    """L = sum_g s_g L_g + sum_g s_g ln(mu/mu_g), s_g = the group's population share."""
    y, s = _arrays(values, weights, positive=True)
    names, g = _groups(groups, y.size)
    mu = float(s @ y)
    between = within = 0.0
    own: dict[str, float] = {}
    for k, name in enumerate(names):
        m = g == k
        sg = float(s[m].sum())
        mug = float(s[m] @ y[m]) / sg
        lg = theil_l(y[m], s[m])
        between += sg * np.log(mu / mug)
        within += sg * lg
        own[name] = lg
    return Decomposition(theil_l(y, s), float(between), float(within), own)
