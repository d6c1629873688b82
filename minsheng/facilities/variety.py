"""The variety of a village's public life: what kinds of activity were held there in a
quarter, and how evenly people's attendance spread over them. Plain computation, no Django.

Defined exactly, over the HELD activities of one village in one quarter:

- ``kinds``: the number of distinct activity kinds held (an activity nobody came to still
  counts as offered);
- ``attendance``: the people who came, added over the activities (an activity whose
  attendance was not recorded counts 0);
- ``shannon``: the Shannon diversity of attendance over kinds, natural logarithm,
  ``H = -sum(p_i * ln p_i)``, ``p_i`` the share of the quarter's attendance in kind ``i``
  (kinds with no attendance add nothing; with no attendance at all H is 0);
- ``evenness`` (Pielou): ``H / ln(kinds)`` when at least two kinds were held, else None;
- ``monotonous``: at most one kind held, or ``H`` below :data:`MONOTONOUS_BELOW`.

The threshold, 0.5 nats: two kinds attended 80:20 give H = 0.500 (just varied enough); 85:15
give 0.423 (monotonous); three kinds evenly attended give ln 3 = 1.099. A village where
nine in ten people came to the film nights, whatever else was put on, counts as monotonous.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

MONOTONOUS_BELOW = 0.5

_QUARTER = re.compile(r"(\d{4})Q([1-4])")


@dataclass(frozen=True)
class Variety:
    kinds: int
    activities: int
    attendance: int
    shannon: float
    evenness: float | None
    monotonous: bool


def shannon(counts: Iterable[int]) -> float:
    """``-sum(p ln p)`` over the positive counts' shares; 0 when nothing was counted."""
    positive = [c for c in counts if c > 0]
    total = sum(positive)
    if total == 0:
        return 0.0
    return -sum((c / total) * math.log(c / total) for c in positive) + 0.0


def village_variety(held: Iterable[tuple[str, int | None]]) -> Variety:
    """The variety of one village's quarter from its held activities as ``(kind, attendance)``
    pairs (attendance None: not recorded, counted 0)."""
    by_kind: dict[str, int] = {}
    activities = 0
    for kind, attendance in held:
        activities += 1
        by_kind[kind] = by_kind.get(kind, 0) + max(attendance or 0, 0)
    kinds = len(by_kind)
    h = shannon(by_kind.values())
    evenness = h / math.log(kinds) if kinds >= 2 else None
    return Variety(
        kinds=kinds,
        activities=activities,
        attendance=sum(by_kind.values()),
        shannon=h,
        evenness=evenness,
        monotonous=kinds <= 1 or h < MONOTONOUS_BELOW,
    )


@dataclass(frozen=True)
class Summary:
    """A township's villages at a glance."""

    villages: int
    monotonous: int
    mean_kinds: float
    mean_shannon: float


def summarise(villages: Sequence[Variety]) -> Summary:
    n = len(villages)
    if n == 0:
        return Summary(0, 0, 0.0, 0.0)
    return Summary(
        villages=n,
        monotonous=sum(1 for v in villages if v.monotonous),
        mean_kinds=sum(v.kinds for v in villages) / n,
        mean_shannon=sum(v.shannon for v in villages) / n,
    )


def read_quarter(text: str) -> tuple[date, date]:
    """``2026Q3`` -> (first day of the quarter, first day of the next); ValueError otherwise
    (years 2000 to 2999)."""
    match = _QUARTER.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or not 2000 <= int(match.group(1)) <= 2999:
        raise ValueError(text)
    year, q = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, end


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous_quarter(quarter: str) -> str:
    start, _end = read_quarter(quarter)
    year, q = start.year, (start.month - 1) // 3 + 1
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"
