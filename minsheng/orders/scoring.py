"""Pure computation for the order loop: no Django imports.

- the three 12345 rates and their composite over valid callbacks;
- the candidate score used to rank providers for an order;
- the ranking's competition ranks (equal shown scores share a rank).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RateWeights:
    response: float = 0.1
    resolution: float = 0.5
    satisfaction: float = 0.4
    basic_satisfied: float = 0.9


@dataclass(frozen=True)
class CallbackCounts:
    """Counts over the valid callbacks of one group (a township, provider or month)."""

    valid: int
    contacted: int
    solved: int
    satisfied: int
    basic: int


@dataclass(frozen=True)
class Rates:
    valid: int
    response: float | None
    resolution: float | None
    satisfaction: float | None
    composite: float | None


def rates_from_counts(c: CallbackCounts, w: RateWeights) -> Rates:
    """响应率, 解决率, 满意率 and their weighted composite; None where nothing was rated."""
    if c.valid <= 0:
        return Rates(valid=0, response=None, resolution=None, satisfaction=None, composite=None)
    response = c.contacted / c.valid
    resolution = c.solved / c.valid
    satisfaction = (c.satisfied + w.basic_satisfied * c.basic) / c.valid
    total_w = w.response + w.resolution + w.satisfaction
    composite = (
        (w.response * response + w.resolution * resolution + w.satisfaction * satisfaction)
        / total_w
        if total_w > 0
        else None
    )
    return Rates(
        valid=c.valid,
        response=response,
        resolution=resolution,
        satisfaction=satisfaction,
        composite=composite,
    )


@dataclass(frozen=True)
class DispatchWeights:
    performance: float = 0.5
    distance: float = 0.3
    capacity: float = 0.2
    far_km: float = 40.0


# A provider with no rated history is ranked as an average one, not the worst nor the best.
NEUTRAL_PERFORMANCE = 0.8


def candidate_score(
    *,
    performance: float | None,
    distance_km: float | None,
    remaining: int,
    capacity: int,
    w: DispatchWeights,
) -> float:
    """A score in [0, 1]; higher is better. A full provider scores 0 (it cannot take more)."""
    if remaining <= 0 or capacity <= 0:
        return 0.0
    perf = NEUTRAL_PERFORMANCE if performance is None else max(0.0, min(1.0, performance))
    near = 0.5 if distance_km is None else max(0.0, 1.0 - distance_km / w.far_km)
    spare = min(1.0, remaining / capacity)
    total = w.performance + w.distance + w.capacity
    if total <= 0:
        return 0.0
    return (w.performance * perf + w.distance * near + w.capacity * spare) / total


# --- ranks --------------------------------------------------------------------------------


def score_points(composite: float) -> float:
    """The composite as the ranking shows it: points out of 100 to a tenth of a point.

    Ranks compare this, not the raw float: two entities shown with the same score share a
    rank, and rounding noise in the weighted sum can never split a tie. ``round(x, 1)``
    rounds exactly as the page's ``{:.1f}`` does (both correctly rounded), so a shown tie is
    always a tie here.
    """
    return round(composite * 100, 1)


def competition_ranks(scores: list[tuple[int, float]]) -> dict[int, int]:
    """Standard competition ranking ("1224"): equal scores share a rank and the next rank
    skips as many places as shared the one before, so a rank always says how many did
    better (rank = 1 + the number of strictly higher scores).

    ``scores``: (key, composite) pairs in any order; keys are returned with their rank.
    """
    points = sorted((score_points(s) for _k, s in scores), reverse=True)
    first_place: dict[float, int] = {}
    for i, p in enumerate(points):
        first_place.setdefault(p, i + 1)
    return {k: first_place[score_points(s)] for k, s in scores}
