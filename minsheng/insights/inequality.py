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
    """Input a measure cannot take; the message says which and why. ``index`` is the
    position (from 0) of the offending value or weight when there is one, so a caller that
    read the values from a file can name the row."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


def _arrays(
    values: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    measure: str,
    positive: bool = False,
    zero_mean_ok: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """``values`` as floats and the shares s_i (``weights`` / their sum, or 1/n)."""
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 1:
        raise InequalityError("values must be one list of numbers, one per region")
    if y.size == 0:
        raise InequalityError("there are no values")
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        i = int(bad[0])
        raise InequalityError(f"value {i + 1} is missing or not a finite number", i)
    if positive:
        bad = np.flatnonzero(y <= 0)
        if bad.size:
            i = int(bad[0])
            raise InequalityError(
                f"{measure} needs every value to be positive: value {i + 1} is {y[i]:g}", i
            )
    else:
        bad = np.flatnonzero(y < 0)
        if bad.size:
            i = int(bad[0])
            raise InequalityError(
                f"{measure} needs values of zero or more: value {i + 1} is {y[i]:g}", i
            )
    if weights is None:
        w = np.full(y.size, 1.0 / y.size)
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != y.shape:
            raise InequalityError(
                f"there are {w.size} weights for {y.size} values: one weight per value"
            )
        bad = np.flatnonzero(~np.isfinite(w) | (w <= 0))
        if bad.size:
            i = int(bad[0])
            raise InequalityError(
                f"weight {i + 1} is {w[i]:g}: every weight must be a positive number", i
            )
        w = w / w.sum()
    if not positive and not zero_mean_ok and float(w @ y) == 0.0:
        raise InequalityError(f"the mean is zero: {measure} divides by it")
    return y, w


def mean(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """mu = sum s_i y_i (zero when every value is zero)."""
    y, s = _arrays(values, weights, measure="the mean", zero_mean_ok=True)
    return float(s @ y)


def _lorenz(
    values: ArrayLike, weights: ArrayLike | None, measure: str
) -> tuple[FloatArray, FloatArray]:
    y, s = _arrays(values, weights, measure=measure)
    order = np.argsort(y, kind="stable")
    ys, ss = y[order], s[order]
    x = np.concatenate(([0.0], np.cumsum(ss)))
    total = np.concatenate(([0.0], np.cumsum(ss * ys)))
    x[-1] = 1.0
    return x, total / total[-1]


def lorenz(values: ArrayLike, weights: ArrayLike | None = None) -> tuple[FloatArray, FloatArray]:
    """The Lorenz curve: cumulative shares of population (x) and of the total (y), both
    starting at 0 and ending at 1, regions sorted from the lowest value up."""
    return _lorenz(values, weights, "the Lorenz curve")


def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """G = sum_i sum_j s_i s_j |y_i - y_j| / (2 mu). Unweighted, in PySAL's form
    sum_i (2i - n - 1) y_(i) / (n sum y) (y sorted up, i from 1); weighted, in Lorenz form
    G = 1 - sum_k (X_k - X_{k-1}) (Y_k + Y_{k-1}), which is exact for the discrete
    distribution (the order of ties does not change it). Values may be zero, not negative."""
    y, s = _arrays(values, weights, measure="the Gini coefficient")
    if weights is None:
        n = y.size
        ys = np.sort(y)
        rank = np.arange(1 - n, n, 2, dtype=np.float64)  # 2i - n - 1 for i = 1..n
        return float((rank @ ys) / (n * ys.sum()))
    order = np.argsort(y)
    ss = s[order]
    cum = np.cumsum(ss * y[order])
    cum /= cum[-1]
    return float(1.0 - ss @ (cum + np.concatenate(([0.0], cum[:-1]))))


def theil_t(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Theil T = GE(1) = sum s_i (y_i/mu) ln(y_i/mu); values must be positive."""
    y, s = _arrays(values, weights, measure="Theil T", positive=True)
    r = y / float(s @ y)
    return float(s @ (r * np.log(r)))


def theil_l(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Theil L (mean log deviation) = GE(0) = sum s_i ln(mu/y_i); values must be positive."""
    y, s = _arrays(values, weights, measure="Theil L", positive=True)
    return float(s @ np.log(float(s @ y) / y))


def atkinson(values: ArrayLike, epsilon: float, weights: ArrayLike | None = None) -> float:
    """A_e = 1 - [sum s_i (y_i/mu)^(1-e)]^(1/(1-e)); A_1 = 1 - exp(sum s_i ln y_i)/mu
    = 1 - exp(-L). ``epsilon`` (inequality aversion) is zero or more; A_0 = 0. Values must
    be positive (as PySAL's ``Atkinson`` requires)."""
    if not np.isfinite(epsilon) or epsilon < 0:
        raise InequalityError("epsilon (inequality aversion) must be zero or more")
    y, s = _arrays(values, weights, measure="the Atkinson index", positive=True)
    mu = float(s @ y)
    if epsilon == 0:
        return 0.0
    if epsilon == 1:
        return float(1.0 - np.exp(s @ np.log(y)) / mu)
    return float(1.0 - (s @ (y / mu) ** (1.0 - epsilon)) ** (1.0 / (1.0 - epsilon)))


def cv(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """The coefficient of variation sqrt(sum s_i (y_i - mu)^2) / mu: unweighted, the
    population standard deviation (divided by n, not n - 1) over the mean; weighted by
    population, Williamson's V_w."""
    y, s = _arrays(values, weights, measure="the coefficient of variation")
    mu = float(s @ y)
    return float(np.sqrt(s @ (y - mu) ** 2) / mu)


def max_min_ratio(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """max y / min y. Weights do not change it (they are only checked); values must be
    positive."""
    y, _ = _arrays(values, weights, measure="the max/min ratio", positive=True)
    return float(y.max() / y.min())


def shortfall(values: ArrayLike, standard: float, weights: ArrayLike | None = None) -> float:
    """sum s_i max(0, y* - y_i): the (population-)weighted shortfall from the standard y*,
    in the values' unit (divide by y* for a share of the standard)."""
    if not np.isfinite(standard) or standard <= 0:
        raise InequalityError("the standard must be a positive number")
    y, s = _arrays(values, weights, measure="the shortfall", zero_mean_ok=True)
    return float(s @ np.maximum(0.0, standard - y))


@dataclass(frozen=True)
class Decomposition:
    """A Theil index split over groups: ``total = between + within``."""

    total: float
    between: float
    within: float
    groups: dict[str, float]  # each group's own index


def _groups(labels: Sequence[object], n: int) -> tuple[list[str], NDArray[np.intp]]:
    """The group names (``str(label)``, sorted) and each value's group number."""
    if len(labels) != n:
        raise InequalityError(f"there are {len(labels)} group labels for {n} values")
    first: dict[str, int] = {}
    codes = np.fromiter(
        (first.setdefault(str(g), len(first)) for g in labels), dtype=np.intp, count=n
    )
    names = sorted(first)
    remap = np.empty(len(names), dtype=np.intp)
    for k, name in enumerate(names):
        remap[first[name]] = k
    return names, remap[codes]


def theil_t_decomposed(
    values: ArrayLike, groups: Sequence[object], weights: ArrayLike | None = None
) -> Decomposition:
    """T = sum_g S_g T_g + sum_g S_g ln(mu_g/mu), S_g = s_g mu_g / mu (the group's share of
    the total): within, then between. Unweighted, ``between`` equals PySAL's
    ``TheilD(...).bg`` (there every region counts once). Groups are keyed by ``str(label)``."""
    y, s = _arrays(values, weights, measure="Theil T", positive=True)
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
    """L = sum_g s_g L_g + sum_g s_g ln(mu/mu_g), s_g = the group's population share (the
    share of regions, unweighted)."""
    y, s = _arrays(values, weights, measure="Theil L", positive=True)
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
