"""The figures of equipment (issue 10, part 7), plain computation with no Django: an item's
age, a facility's gaps against the standard configuration, and the replacement priority.

Definitions (docs/equipment.md gives them with a worked example):

- **age** of an item on the as-of date: ``(as_of - purchased_on).days / 365.25`` years;
  it is **past its life** when its age is greater than its expected life;
- a standard item's **working count** at a facility: its items of that type, not retired,
  that are not broken (working or degraded); **missing** = max(0, quantity - working);
- a facility is **backward** when, for a required standard item, something is missing, or
  one of its items of that type is broken or past its life;
- the **replacement priority** of an item is a score from 0 to 1::

      score = W_AGE * min(age / life, AGE_CAP) / AGE_CAP
            + W_STATE * STATE_VALUE[state]
            + W_USE * min(use_ratio, USE_CAP) / USE_CAP
            + W_POPULATION * ln(1 + population) / ln(1 + largest population)

  where ``use_ratio`` is the item's uses a month over the median of its type's items (the
  county's, not retired; a median of 0 gives 0 for an unused item and USE_CAP otherwise),
  ``population`` the population its facility serves and ``largest population`` the largest
  any facility with equipment in use serves (given by the caller, so a township's or a
  facility's list has the county's scores; by default the largest in the list). Items are ranked by score (highest
  first), then by age over life, then by key; each row carries the running total of the
  replacement costs so far (an unknown cost adds nothing and is counted apart), so a budget
  line can be drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

WORKING, DEGRADED, BROKEN = "working", "degraded", "broken"
DAYS_A_YEAR = 365.25


@dataclass(frozen=True)
class Weights:
    """How much each part weighs in the score (they add up to 1, so the score is 0 to 1)."""

    age: float = 0.35
    state: float = 0.35
    use: float = 0.15
    population: float = 0.15
    age_cap: float = 1.5  # age / life counted up to one and a half lives
    use_cap: float = 2.0  # uses counted up to twice the type's median
    state_value: Mapping[str, float] = field(
        default_factory=lambda: {BROKEN: 1.0, DEGRADED: 0.5, WORKING: 0.0}
    )

    def __post_init__(self) -> None:
        total = self.age + self.state + self.use + self.population
        if min(self.age, self.state, self.use, self.population) < 0 or abs(total - 1) > 1e-9:
            raise ValueError("the weights are not negative and add up to 1")
        if self.age_cap <= 0 or self.use_cap <= 0:
            raise ValueError("the caps are positive")


DEFAULT_WEIGHTS = Weights()


def age_years(purchased_on: date, as_of: date) -> float:
    """Years from the purchase to ``as_of`` (0 for a purchase after it)."""
    return max(0, (as_of - purchased_on).days) / DAYS_A_YEAR


def past_life(age: float, life_years: int) -> bool:
    return age > life_years


def median(values: Iterable[float]) -> float:
    """The median (the mean of the two middle values for an even count); 0 for none."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return 0.0
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# --- the standard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Standard:
    """One line of the standard configuration: ``quantity`` of ``type_key``."""

    type_key: int
    quantity: int
    required: bool = True


@dataclass(frozen=True)
class Held:
    """An item a facility holds (not retired): its type, state and age against its life."""

    type_key: int
    state: str
    age: float
    life_years: int


@dataclass(frozen=True)
class Gap:
    """A standard line at one facility."""

    type_key: int
    quantity: int
    required: bool
    held: int  # items of the type, not retired
    working: int  # of them, not broken
    broken: int
    degraded: int
    past_life: int

    @property
    def missing(self) -> int:
        return max(0, self.quantity - self.working)

    @property
    def backward(self) -> bool:
        return self.required and (self.missing > 0 or self.broken > 0 or self.past_life > 0)


def gaps(standard: Sequence[Standard], held: Iterable[Held]) -> list[Gap]:
    """Each standard line against what is held, in the standard's order."""
    by_type: dict[int, list[Held]] = {}
    for item in held:
        by_type.setdefault(item.type_key, []).append(item)
    out = []
    for line in standard:
        items = by_type.get(line.type_key, [])
        broken = sum(1 for i in items if i.state == BROKEN)
        out.append(
            Gap(
                type_key=line.type_key,
                quantity=line.quantity,
                required=line.required,
                held=len(items),
                working=len(items) - broken,
                broken=broken,
                degraded=sum(1 for i in items if i.state == DEGRADED),
                past_life=sum(1 for i in items if past_life(i.age, i.life_years)),
            )
        )
    return out


def is_backward(lines: Iterable[Gap]) -> bool:
    return any(g.backward for g in lines)


# --- the priority ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """An item to rank. ``type_median``: the median uses a month of its type's items."""

    key: int
    age: float
    life_years: int
    state: str
    uses_per_month: int
    type_median: float
    population: int
    cost: Decimal | None = None


@dataclass(frozen=True)
class Score:
    age_part: float
    state_part: float
    use_part: float
    population_part: float

    @property
    def total(self) -> float:
        return self.age_part + self.state_part + self.use_part + self.population_part


@dataclass(frozen=True)
class Ranked:
    rank: int
    item: Item
    score: Score
    cumulative_cost: Decimal  # the known costs of this row and every row above it
    unknown_costs: int  # rows so far whose cost is unknown


def use_ratio(uses: int, type_median: float, cap: float) -> float:
    if type_median > 0:
        return min(uses / type_median, cap)
    return 0.0 if uses <= 0 else cap


def score(item: Item, largest_population: int, weights: Weights = DEFAULT_WEIGHTS) -> Score:
    life = item.life_years if item.life_years > 0 else 1
    age_share = min(item.age / life, weights.age_cap) / weights.age_cap
    use_share = use_ratio(item.uses_per_month, item.type_median, weights.use_cap) / weights.use_cap
    if largest_population > 0:
        pop_share = math.log1p(max(0, item.population)) / math.log1p(largest_population)
    else:
        pop_share = 0.0
    return Score(
        age_part=weights.age * age_share,
        state_part=weights.state * weights.state_value.get(item.state, 0.0),
        use_part=weights.use * use_share,
        population_part=weights.population * min(pop_share, 1.0),
    )


def rank(
    items: Iterable[Item],
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    largest_population: int | None = None,
) -> list[Ranked]:
    """The items ranked by score, with the running cost (see the module docstring)."""
    listed = list(items)
    largest = max((i.population for i in listed), default=0)
    if largest_population is not None:
        largest = max(largest, largest_population)
    scored = [(score(i, largest, weights), i) for i in listed]
    scored.sort(
        key=lambda pair: (
            -round(pair[0].total, 12),
            -(pair[1].age / (pair[1].life_years or 1)),
            pair[1].key,
        )
    )
    out = []
    running = Decimal(0)
    unknown = 0
    for n, (s, item) in enumerate(scored, start=1):
        if item.cost is None:
            unknown += 1
        else:
            running += item.cost
        out.append(
            Ranked(rank=n, item=item, score=s, cumulative_cost=running, unknown_costs=unknown)
        )
    return out


def within_budget(ranked: Sequence[Ranked], budget: Decimal) -> int:
    """How many rows from the top the budget pays for (the line is drawn under them)."""
    count = 0
    for row in ranked:
        if row.cumulative_cost > budget:
            break
        count += 1
    return count
