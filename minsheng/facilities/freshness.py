"""Freshness and diversity of a collection of books, defined exactly (issue 10, part 5).

Pure computation, no Django. Over copies (a title with 3 copies counts 3 times):

- a copy's **age** is the reference year minus its publication year;
- ``median_age``: the median of the copies' ages (the mean of the two middle ages when the
  number of copies is even);
- ``share_under_5``: the share of copies whose age is below five years;
- ``shannon``: the Shannon entropy, natural logarithm, of the copies' shares across the
  top-level CLC classes, H = −Σ pᵢ ln pᵢ (0 when every copy is of one class; ln 22 at most);
- ``largest_share``: the share of copies in the largest class (``largest_class`` names it,
  the first letter on a tie);
- ``evenness``: H / ln k over the k classes present (None with fewer than two);
- ``circulation_per_title``: loans divided by the number of titles.

An empty collection has no figures (``None`` each; ``titles``/``copies`` 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

YOUNG_YEARS = 5  # "younger than five years"


@dataclass(frozen=True)
class Holding:
    subject: str  # a top-level CLC letter
    year: int
    copies: int
    loans: int = 0


@dataclass(frozen=True)
class Figures:
    titles: int
    copies: int
    median_age: float | None
    share_under_5: float | None
    shannon: float | None
    largest_share: float | None
    largest_class: str | None
    classes: int
    evenness: float | None
    circulation_per_title: float | None

    def as_json(self) -> dict[str, float | None]:
        """The four figures the ``collection`` command prints with ``--json``."""
        return {
            "median_age": self.median_age,
            "share_under_5": self.share_under_5,
            "shannon": self.shannon,
            "largest_share": self.largest_share,
        }


def _weighted_median(ages: dict[int, int], total: int) -> float:
    """The median of ``total`` values given as ``{age: how many}``."""
    ordered = sorted(ages.items())
    lower_rank, upper_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle pair
    lower = upper = None
    seen = 0
    for age, count in ordered:
        if lower is None and lower_rank < seen + count:
            lower = age
        if upper_rank < seen + count:
            upper = age
            break
        seen += count
    assert lower is not None and upper is not None
    return (lower + upper) / 2


def figures(holdings: Iterable[Holding], *, as_of: int) -> Figures:
    """The figures of ``holdings`` in the reference year ``as_of``."""
    items = list(holdings)
    copies = sum(h.copies for h in items)
    if not items or copies <= 0:
        return Figures(len(items), 0, None, None, None, None, None, 0, None, None)
    ages: dict[int, int] = {}
    by_class: dict[str, int] = {}
    for h in items:
        ages[as_of - h.year] = ages.get(as_of - h.year, 0) + h.copies
        by_class[h.subject] = by_class.get(h.subject, 0) + h.copies
    young = sum(n for age, n in ages.items() if age < YOUNG_YEARS)
    shannon = -sum((n / copies) * math.log(n / copies) for n in by_class.values() if n)
    shannon += 0.0  # one class: -0.0 becomes 0.0
    largest_class = max(sorted(by_class), key=lambda c: by_class[c])
    k = len(by_class)
    return Figures(
        titles=len(items),
        copies=copies,
        median_age=_weighted_median(ages, copies),
        share_under_5=young / copies,
        shannon=shannon,
        largest_share=by_class[largest_class] / copies,
        largest_class=largest_class,
        classes=k,
        evenness=shannon / math.log(k) if k >= 2 else None,
        circulation_per_title=sum(h.loans for h in items) / len(items),
    )


# --- When a collection is stale or all of one kind (the idleness asks these) -------------------

STALE_MEDIAN_AGE = 10.0  # half the copies are ten years old or more …
STALE_YOUNG_SHARE = 0.10  # … or fewer than one copy in ten is under five years old
ONE_KIND_LARGEST_SHARE = 0.5  # one class holds half the copies or more …
ONE_KIND_SHANNON = 1.0  # … or the diversity is below e^1 ≈ 2.7 equally held classes


def is_stale(f: Figures) -> bool:
    """Old books: the median copy is ``STALE_MEDIAN_AGE`` years old or more, or fewer than
    ``STALE_YOUNG_SHARE`` of the copies are under five. An empty collection is not stale
    (it is empty, which the register shows)."""
    if f.median_age is None or f.share_under_5 is None:
        return False
    return f.median_age >= STALE_MEDIAN_AGE or f.share_under_5 < STALE_YOUNG_SHARE


def is_one_kind(f: Figures) -> bool:
    """All of one kind: the largest class holds ``ONE_KIND_LARGEST_SHARE`` of the copies or
    more, or the Shannon diversity is below ``ONE_KIND_SHANNON``."""
    if f.largest_share is None or f.shannon is None:
        return False
    return f.largest_share >= ONE_KIND_LARGEST_SHARE or f.shannon < ONE_KIND_SHANNON
