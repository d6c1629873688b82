"""The demand figures and the "what would people order" estimate, as plain computation
(no Django): months, rates per 1,000 residents, roll-ups, text similarity of menu items.

Every figure is defined in ``docs/demand.md``; the selectors feed these functions rows
read from the snapshot tables, and the tests feed them figures worked out by hand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date

# --- months -----------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after ``month`` (before it when negative)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def last_months(month: date, n: int = 12) -> list[date]:
    """The ``n`` months ending with ``month``, oldest first."""
    return [add_months(month_start(month), k) for k in range(1 - n, 1)]


# --- counts and rates -------------------------------------------------------------------------

PER = 1000  # rates are per 1,000 residents


def per_thousand(count: float, population: int) -> float | None:
    """``count`` per 1,000 residents; None where nobody lives (no rate, not a division)."""
    if population <= 0:
        return None
    return count * PER / population


def share(part: int, whole: int) -> float | None:
    """``part`` as a fraction of ``whole``; None when ``whole`` is 0."""
    if whole <= 0:
        return None
    return part / whole


@dataclass
class Counts:
    """The counts of one region (or village) in one area (or all areas): sums of snapshot
    rows. ``unmet`` counts each order once; the reasons after it may overlap."""

    placed: int = 0
    unmet: int = 0
    declined: int = 0
    rejected: int = 0
    overdue: int = 0
    reopened: int = 0
    unsatisfied: int = 0
    suggestions: int = 0
    supports: int = 0
    stated: int = 0

    def add(self, other: Counts | Mapping[str, int]) -> None:
        for f in fields(self):
            value = other.get(f.name, 0) if isinstance(other, Mapping) else getattr(other, f.name)
            setattr(self, f.name, getattr(self, f.name) + (value or 0))


COUNT_NAMES = tuple(f.name for f in fields(Counts))
# What the map, the tables and the REST API may show per 1,000 residents.
MEASURES = ("placed", "unmet", "stated", "suggestions")


@dataclass
class Figures:
    """A region's counts with its population, and the rates derived from them."""

    counts: Counts = field(default_factory=Counts)
    population: int = 0

    def rate(self, name: str) -> float | None:
        return per_thousand(getattr(self.counts, name), self.population)

    @property
    def unmet_share(self) -> float | None:
        return share(self.counts.unmet, self.counts.placed)

    def rates(self) -> dict[str, float | None]:
        return {name: self.rate(name) for name in COUNT_NAMES}


def roll_up(
    parts: Iterable[tuple[int, Counts | Mapping[str, int]]],
    populations: Mapping[int, int],
    parent_of: Mapping[int, int],
) -> dict[int, Figures]:
    """Sum village figures into their parents: ``parts`` are (village id, counts);
    ``populations`` every village's population (villages without counts too: they live
    there all the same); ``parent_of`` maps a village to the region it rolls into."""
    out: dict[int, Figures] = {}
    for village, population in populations.items():
        parent = parent_of.get(village)
        if parent is None:
            continue
        out.setdefault(parent, Figures()).population += population
    for village, counts in parts:
        parent = parent_of.get(village)
        if parent is None:
            continue
        out.setdefault(parent, Figures()).counts.add(counts)
    return out


# --- the estimate for a proposed menu item ----------------------------------------------------

SAME_AREA_BONUS = 0.15  # added to the cosine similarity of an item in the proposal's area
MIN_SIMILARITY = 0.05  # items less similar than this are not used
TOP_ITEMS = 5  # at most this many similar items are used
VOICE_SMOOTHING = 1.0  # per 1,000: keeps small figures from swinging the adjustment
ADJUST_RANGE = (0.5, 2.0)  # the adjustment is kept within these factors


@dataclass(frozen=True)
class Item:
    """An existing menu item as the estimate compares it."""

    id: int
    name: str
    text: str  # name, description and keywords
    area: str  # the area's code


@dataclass(frozen=True)
class Similar:
    item: Item
    similarity: float  # cosine similarity plus the same-area bonus
    weight: float  # share of the similarities of the items used (they sum to 1)


@dataclass(frozen=True)
class Place:
    """A target township as the estimate needs it. ``orders``: each item's orders placed
    there over the months looked at; ``voice``: stated needs, suggestions and supports in
    the proposal's area there over the same months."""

    id: int
    population: int
    orders: Mapping[int, int]
    voice: int


@dataclass(frozen=True)
class PlaceEstimate:
    place: int
    population: int
    rate: float | None  # expected orders per 1,000 residents per month (adjusted)
    low: float | None  # range of the rate: the weighted spread around it
    high: float | None
    adjustment: float  # the voice factor applied
    orders: float | None  # expected orders per month
    orders_low: float | None
    orders_high: float | None


def _tokens(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(60)
    return [w for w in jieba.lcut(text.lower()) if w.strip()]


def similar_items(
    name: str, text: str, area: str, items: Sequence[Item], *, top: int = TOP_ITEMS
) -> list[Similar]:
    """The items most like the proposal: TF-IDF of jieba words and, separately, of
    character 1–3-grams, over the proposal and the items' texts; the mean of the two
    cosine similarities, plus ``SAME_AREA_BONUS`` for an item in the same area. Items
    below ``MIN_SIMILARITY`` (before the bonus) are dropped; weights are the similarities
    of the kept items, normalised to sum to 1."""
    if not items:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    query = f"{name} {text}".strip()
    corpus = [query] + [i.text for i in items]
    words = TfidfVectorizer(analyzer=_tokens, sublinear_tf=True).fit_transform(corpus)
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(
        [c.replace(" ", "") for c in corpus]
    )
    by_words = cosine_similarity(words[0], words[1:])[0]
    by_chars = cosine_similarity(chars[0], chars[1:])[0]
    scored: list[tuple[float, Item]] = []
    for k, item in enumerate(items):
        base = (float(by_words[k]) + float(by_chars[k])) / 2
        if base < MIN_SIMILARITY:
            continue
        scored.append((base + (SAME_AREA_BONUS if item.area == area else 0.0), item))
    scored.sort(key=lambda s: (-s[0], s[1].id))
    kept = scored[:top]
    total = sum(s for s, _ in kept)
    return [Similar(item=i, similarity=s, weight=s / total) for s, i in kept]


def voice_adjustment(
    place_voice: int, place_population: int, county_voice: int, county_population: int
) -> float:
    """How much more (or less) a township asked for the area than the county did: the
    ratio of their voice per 1,000 residents, each plus ``VOICE_SMOOTHING``, kept within
    ``ADJUST_RANGE``; 1 where a population is 0."""
    here = per_thousand(place_voice, place_population)
    county = per_thousand(county_voice, county_population)
    if here is None or county is None:
        return 1.0
    ratio = (here + VOICE_SMOOTHING) / (county + VOICE_SMOOTHING)
    return min(max(ratio, ADJUST_RANGE[0]), ADJUST_RANGE[1])


def estimate_place(
    similar: Sequence[Similar],
    place: Place,
    *,
    months: int,
    county_voice: int,
    county_population: int,
) -> PlaceEstimate:
    """Expected orders per month of the proposal in ``place``: each similar item's monthly
    orders per 1,000 residents there (orders ÷ months ÷ population × 1,000), their mean
    weighted by similarity, times the voice adjustment; the range is that mean ± the
    weighted standard deviation of the items' rates (not below 0), adjusted alike."""
    adjust = voice_adjustment(place.voice, place.population, county_voice, county_population)
    if not similar or place.population <= 0 or months <= 0:
        return PlaceEstimate(place.id, place.population, None, None, None, adjust, None, None, None)
    rates = [place.orders.get(s.item.id, 0) / months * PER / place.population for s in similar]
    mean = sum(s.weight * r for s, r in zip(similar, rates, strict=True))
    spread = math.sqrt(sum(s.weight * (r - mean) ** 2 for s, r in zip(similar, rates, strict=True)))
    rate, low, high = mean * adjust, max(0.0, mean - spread) * adjust, (mean + spread) * adjust
    scale = place.population / PER
    return PlaceEstimate(
        place=place.id,
        population=place.population,
        rate=rate,
        low=low,
        high=high,
        adjustment=adjust,
        orders=rate * scale,
        orders_low=low * scale,
        orders_high=high * scale,
    )
