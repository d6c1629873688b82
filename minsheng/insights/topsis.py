"""The entropy-weight TOPSIS composite per region, pure (numpy only, no Django).

A matrix has one row per region and one column per indicator; ``benefit[j]`` says whether
more is better (True) or worse (False, a cost indicator such as distance).

- ``entropy_weights``: min-max normalise each column (x - min)/(max - min) for a benefit
  indicator, (max - x)/(max - min) for a cost one, shift by ``SHIFT`` so that no entry is 0,
  then p_ij = x'_ij / sum_i x'_ij, e_j = -(1/ln m) sum_i p_ij ln p_ij and
  w_j = (1 - e_j) / sum_k (1 - e_k). The shift is what keeps the worst region's 0 (every
  min-max column has one) from being read as "no information": pymcdm's
  ``entropy_weights`` sets e_j = 0, the largest weight, for any column with a 0.
- ``topsis``: r_ij = x_ij / sqrt(sum_i x_ij^2), v_ij = w_j r_ij, the ideal A+ and anti-ideal
  A- are each column's best and worst, D+_i and D-_i the Euclidean distances to them, and
  the score C_i = D-_i / (D+_i + D-_i), in [0, 1] (1: the best on every indicator).
- ``composite``: entropy weights computed once on the base year's matrix and reused for
  every year, so a change in a region's score is a change in its values, not in the weights
  (which depend on the sample). The ideal points are each year's own: C_i is a region's
  position among that year's regions.

Defined results and refusals (``TopsisError``, the message says which and why):
- entropy weights need at least two regions, and refuse a constant column (it has no
  max - min to normalise by; drop it, it cannot tell regions apart);
- ``topsis`` takes one region or more and any finite values (negative ones too); a column
  that is zero everywhere counts as r = 0; a region that is at once the best and the worst
  on every weighted indicator (every region equal there) scores 0.5, neither good nor bad;
- weights are zero or more with a positive sum and are rescaled to sum to 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Year = TypeVar("Year", bound=Hashable)

SHIFT = 0.01  # added to every min-max normalised entry before the entropy (see above)


class TopsisError(ValueError):
    """A matrix, weights or benefit flags the method cannot take; the message says why."""


def _matrix(matrix: ArrayLike, benefit: Sequence[bool]) -> tuple[FloatArray, NDArray[np.bool_]]:
    x = np.asarray(matrix, dtype=np.float64)
    if x.ndim != 2:
        raise TopsisError("the matrix must have one row per region and one column per indicator")
    m, n = x.shape
    if m == 0 or n == 0:
        raise TopsisError("the matrix is empty: it needs at least one region and one indicator")
    bad = np.argwhere(~np.isfinite(x))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        raise TopsisError(f"region {i + 1}, indicator {j + 1}: the value is missing or not finite")
    flags = np.asarray(benefit, dtype=bool)
    if flags.shape != (n,):
        raise TopsisError(
            f"there are {flags.size} benefit flags for {n} indicators: one per indicator"
        )
    return x, flags


def normalised(matrix: ArrayLike, benefit: Sequence[bool]) -> FloatArray:
    """The min-max normalised matrix, 1 for the best region of each column and 0 for the
    worst (before the shift)."""
    x, flags = _matrix(matrix, benefit)
    lo, hi = x.min(axis=0), x.max(axis=0)
    constant = np.flatnonzero(hi == lo)
    if constant.size:
        j = int(constant[0])
        raise TopsisError(
            f"indicator {j + 1} has the same value ({x[0, j]:g}) for every region: "
            "it cannot tell regions apart; leave it out"
        )
    span = hi - lo
    return np.where(flags, (x - lo) / span, (hi - x) / span)


def entropy_weights(matrix: ArrayLike, benefit: Sequence[bool], shift: float = SHIFT) -> FloatArray:
    """The entropy weights of the indicators (summing to 1): an indicator whose values are
    spread unevenly over the regions carries more information and more weight."""
    x, _flags = _matrix(matrix, benefit)
    m = x.shape[0]
    if m < 2:
        raise TopsisError("entropy weights need at least two regions")
    if not np.isfinite(shift) or shift <= 0:
        raise TopsisError("the shift must be a positive number")
    z = normalised(x, benefit) + shift
    p = z / z.sum(axis=0)
    e = -(p * np.log(p)).sum(axis=0) / np.log(m)
    d = 1.0 - e
    total = float(d.sum())
    if total <= 0:  # only when every column is spread perfectly evenly
        return np.full(x.shape[1], 1.0 / x.shape[1])
    return np.asarray(d / total, dtype=np.float64)


def _weights(weights: ArrayLike, n: int) -> FloatArray:
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise TopsisError(f"there are {w.size} weights for {n} indicators: one per indicator")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        j = int(bad[0])
        raise TopsisError(f"weight {j + 1} is {w[j]:g}: weights must be zero or more")
    if float(w.sum()) <= 0:
        raise TopsisError("the weights are all zero")
    return np.asarray(w / w.sum(), dtype=np.float64)


def topsis(matrix: ArrayLike, weights: ArrayLike, benefit: Sequence[bool]) -> FloatArray:
    """The TOPSIS score C_i in [0, 1] of every region (row)."""
    x, flags = _matrix(matrix, benefit)
    w = _weights(weights, x.shape[1])
    norm = np.sqrt((x**2).sum(axis=0))
    r = np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)
    v = r * w
    best = np.where(flags, v.max(axis=0), v.min(axis=0))
    worst = np.where(flags, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_plus + d_minus
    scores = np.divide(d_minus, total, out=np.full(x.shape[0], 0.5), where=total > 0)
    return np.asarray(np.clip(scores, 0.0, 1.0), dtype=np.float64)


@dataclass(frozen=True)
class Composite(Generic[Year]):
    """Scores per year on weights frozen at ``base_year``."""

    base_year: Year
    weights: FloatArray
    scores: dict[Year, FloatArray]


def composite(
    matrix_by_year: Mapping[Year, ArrayLike],
    benefit: Sequence[bool],
    base_year: Year,
    shift: float = SHIFT,
) -> Composite[Year]:
    """Entropy weights from ``matrix_by_year[base_year]``, then the TOPSIS scores of every
    year's matrix on those weights. Every year's matrix has the same indicators (columns),
    in the same order; the regions (rows) may differ."""
    if base_year not in matrix_by_year:
        raise TopsisError(f"there is no matrix for the base year {base_year}")
    weights = entropy_weights(matrix_by_year[base_year], benefit, shift)
    scores: dict[Year, FloatArray] = {}
    for year, matrix in matrix_by_year.items():
        try:
            scores[year] = topsis(matrix, weights, benefit)
        except TopsisError as exc:
            raise TopsisError(f"{year}: {exc}") from None
    return Composite(base_year, weights, scores)
