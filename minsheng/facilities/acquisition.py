"""What a bookshop should buy next: residents' book orders and the loans, ranked, within a
budget (issue 10, part 5). Pure computation, no Django; docs/collections.md states it.

**Requests.** Each resident's order of the menu service ``rural-library`` at the bookshop's
village in the last twelve months is one request, read from the order's ``title`` answer
(:func:`read_request`): a class letter (``"S"``, ``"s"``) or a class's Chinese name
(``"农业科学"``) asks for that class; any other text asks for that title, of the class of the
held title of the same name (case and spacing ignored) if there is one, else of no known class.

**Candidates.**

- each title asked for (the requests for the same title counted together): one copy;
- each CLC class that is asked for, missing (no copies), lent more than the collection as a
  whole (its loans per copy at least the collection's, above zero), or poor in young books
  (fewer than ``freshness.STALE_YOUNG_SHARE`` of its copies under five years): a batch of
  ``batch`` new copies (default 5).

A candidate costs its copies times the price of a book (``MINSHENG_BOOK_PRICE``, 40 yuan by
default, or a price given), in whole yuan.

**Score** (the weights are the constants below)::

    score = 2 × requests + 1 × loans per copy of its class
          + 50 × diversity gain + 1 × (1 − young share of its class)

- *requests*: the requests for this title, or for this class by name or letter;
- *loans per copy of its class*: the class's loans in the last twelve months divided by its
  copies (0 when the class has no copies or is unknown);
- *diversity gain*: the Shannon entropy (natural log) of the collection's classes weighted by
  copies after adding the candidate's copies to its class, minus the entropy before (0 for an
  unknown class);
- *young share of its class*: the share of the class's copies younger than five years
  (0 when the class has no copies, so a missing class adds 1; an unknown class adds 0).

**Ranking and choice.** Candidates are ranked by score (highest first; ties: more requests,
then titles before classes, then by name or letter). The list is then taken **greedily in
rank order**: each candidate whose cost fits in what is left of the budget is chosen, one
that does not fit is skipped and the next is tried. Not an exact knapsack: a librarian can
follow the order by hand, and a higher-ranked book is never dropped to fit two lower ones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .clc import CLASSES, LETTERS
from .freshness import STALE_YOUNG_SHARE, YOUNG_YEARS, Holding

REQUEST_WEIGHT = 2.0
LOAN_WEIGHT = 1.0
DIVERSITY_WEIGHT = 50.0
FRESHNESS_WEIGHT = 1.0
BATCH = 5  # copies bought for a class
DEFAULT_PRICE = 40  # yuan a book (the setting MINSHENG_BOOK_PRICE overrides it)

TITLE = "title"
CLASS = "class"

_CLASS_BY_NAME = {zh: letter for letter, (zh, _en) in CLASSES.items()}
_SPACES = re.compile(r"\s+")


def title_key(text: str) -> str:
    """How two spellings of a title are compared: case and runs of spaces ignored."""
    return _SPACES.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class Request:
    """One resident's order: for a title (``title``, with its class if known) or for a class
    (``title`` empty, ``subject`` the letter)."""

    title: str
    subject: str | None


def read_request(text: str, known: Mapping[str, str]) -> Request | None:
    """The request an order's ``title`` answer makes; ``known`` maps :func:`title_key` of
    each held title to its class. None for an empty answer."""
    clean = _SPACES.sub(" ", text).strip()
    if not clean:
        return None
    if clean.upper() in LETTERS:
        return Request("", clean.upper())
    if clean in _CLASS_BY_NAME:
        return Request("", _CLASS_BY_NAME[clean])
    return Request(clean, known.get(title_key(clean)))


@dataclass(frozen=True)
class Candidate:
    kind: str  # TITLE or CLASS
    label: str  # the title as first asked for, or the class letter
    subject: str | None
    copies: int
    cost: int  # yuan
    requests: int
    loans_per_copy: float
    diversity_gain: float
    young_share: float | None  # None: unknown class
    score: float
    rank: int = 0
    chosen: bool = False


@dataclass(frozen=True)
class Plan:
    budget: int
    price: int
    candidates: list[Candidate]  # ranked, each marked chosen or not
    spent: int

    @property
    def chosen(self) -> list[Candidate]:
        return [c for c in self.candidates if c.chosen]

    @property
    def left(self) -> int:
        return self.budget - self.spent


def _entropy(by_class: Mapping[str, int]) -> float:
    total = sum(by_class.values())
    if total <= 0:
        return 0.0
    return -sum((n / total) * math.log(n / total) for n in by_class.values() if n > 0) + 0.0


@dataclass(frozen=True)
class _Classes:
    copies: dict[str, int]
    loans: dict[str, int]
    young: dict[str, int]

    def loans_per_copy(self, c: str) -> float:
        n = self.copies.get(c, 0)
        return self.loans.get(c, 0) / n if n else 0.0

    def young_share(self, c: str) -> float:
        n = self.copies.get(c, 0)
        return self.young.get(c, 0) / n if n else 0.0

    def gain(self, c: str, added: int) -> float:
        after = dict(self.copies)
        after[c] = after.get(c, 0) + added
        return _entropy(after) - _entropy(self.copies)


def _classes(holdings: Iterable[Holding], as_of: int) -> _Classes:
    copies: dict[str, int] = {}
    loans: dict[str, int] = {}
    young: dict[str, int] = {}
    for h in holdings:
        copies[h.subject] = copies.get(h.subject, 0) + h.copies
        loans[h.subject] = loans.get(h.subject, 0) + h.loans
        if as_of - h.year < YOUNG_YEARS:
            young[h.subject] = young.get(h.subject, 0) + h.copies
    return _Classes(copies, loans, young)


def _candidate(
    kind: str, label: str, subject: str | None, copies: int, price: int, requests: int, k: _Classes
) -> Candidate:
    if subject is None:
        loans, gain, young = 0.0, 0.0, None
        freshness = 0.0
    else:
        loans, gain, young = (
            k.loans_per_copy(subject),
            k.gain(subject, copies),
            k.young_share(subject),
        )
        freshness = 1.0 - young
    score = (
        REQUEST_WEIGHT * requests
        + LOAN_WEIGHT * loans
        + DIVERSITY_WEIGHT * gain
        + FRESHNESS_WEIGHT * freshness
    )
    return Candidate(
        kind, label, subject, copies, copies * price, requests, loans, gain, young, score
    )


def candidates(
    holdings: Iterable[Holding],
    requests: Iterable[Request],
    *,
    as_of: int,
    price: int = DEFAULT_PRICE,
    batch: int = BATCH,
) -> list[Candidate]:
    """Every candidate, ranked (``rank`` from 1)."""
    k = _classes(holdings, as_of)
    total_copies = sum(k.copies.values())
    overall = sum(k.loans.values()) / total_copies if total_copies else 0.0
    by_title: dict[str, tuple[str, str | None, int]] = {}  # key -> (label, class, requests)
    class_requests: dict[str, int] = {}
    for r in requests:
        if not r.title:
            assert r.subject is not None
            class_requests[r.subject] = class_requests.get(r.subject, 0) + 1
            continue
        key = title_key(r.title)
        label, subject, n = by_title.get(key, (r.title, r.subject, 0))
        by_title[key] = (label, subject, n + 1)
    out = [
        _candidate(TITLE, label, subject, 1, price, n, k) for label, subject, n in by_title.values()
    ]
    for c in sorted(LETTERS):
        held = k.copies.get(c, 0)
        wanted = (
            class_requests.get(c, 0) > 0
            or held == 0
            or (overall > 0 and k.loans_per_copy(c) >= overall)
            or k.young_share(c) < STALE_YOUNG_SHARE
        )
        if wanted:
            out.append(_candidate(CLASS, c, c, batch, price, class_requests.get(c, 0), k))
    out.sort(key=lambda x: (-x.score, -x.requests, x.kind != TITLE, x.label))
    return [replace(c, rank=i) for i, c in enumerate(out, start=1)]


def choose(ranked: list[Candidate], *, budget: int, price: int = DEFAULT_PRICE) -> Plan:
    """Greedy in rank order: each candidate that fits in what is left is chosen."""
    left = budget
    marked = []
    for c in ranked:
        take = c.cost <= left
        if take:
            left -= c.cost
        marked.append(replace(c, chosen=take))
    return Plan(budget=budget, price=price, candidates=marked, spent=budget - left)


def plan(
    holdings: Iterable[Holding],
    requests: Iterable[Request],
    *,
    as_of: int,
    budget: int,
    price: int = DEFAULT_PRICE,
    batch: int = BATCH,
) -> Plan:
    """The ranked candidates with those chosen within ``budget``."""
    ranked = candidates(holdings, requests, as_of=as_of, price=price, batch=batch)
    return choose(ranked, budget=budget, price=price)
