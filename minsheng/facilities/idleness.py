"""Which facilities are idle, and the likely causes the platform can see (issue 10, part 4).

Pure computation, no Django: ``selectors.idle`` reads the inputs (one query per input),
``services.idle.facility_idle_detect`` writes the flags. Every rule, exactly:

- **use per served resident**: people's use in the last 90 days (``selectors.use``'s one rule:
  per day and kind the largest source, loans not counted) divided by the population served;
  a facility serving nobody (population 0) is not assessed.
- **peers**: the other assessed facilities of the same kind, both urban or both rural, whose
  population served is within ``PEER_BAND`` of this one's (from half to double, both ends
  included). With fewer than ``MIN_PEERS`` (3) of them, the facility is compared with every
  other assessed facility of its kind in the county instead (``basis`` "county").
- **idle** when its use per served resident is below ``fraction`` (the setting
  ``MINSHENG_IDLE_FRACTION``, default 0.5) of the peers' median, or when its own use fell by
  more than ``drop`` (``MINSHENG_IDLE_TREND_DROP``, default 0.5) against the 90 days before:
  ``trend`` = last 90 days / the 90 before (None when there was no use before) and it is
  idle by trend when ``trend < 1 - drop``. A peers' median of 0 makes nobody idle by peers.
- **busy, never idle**: a facility whose use in the 90 days reached ``BUSY_SHARE`` (half) of
  its capacity over the days it was open (``capacity_window``: capacity a day × open days;
  unknown capacity: never busy) is full, not idle: its low use per resident says it is too
  small for the people it serves (the county seat's centre), which is no follow-up's cause.
- **causes** (only for an idle facility), each with its figure:
  - ``publicity``: portal views per 1,000 served (90 days) below half the peers' median of
    the same AND survey awareness unknown or below ``AWARE_SHARE`` (50%);
    figure: the views per 1,000;
  - ``stale`` / ``one_kind``: ``freshness.is_stale`` / ``is_one_kind`` of its collection;
    figure: the median age / the largest class's share;
  - ``hours``: at least ``MIN_REQUESTS`` (5) residents' requests in the last 12 months and
    more than ``OUTSIDE_SHARE`` (half) of them outside its opening hours; figure: that share;
  - ``equipment``: items broken; figure: how many;
  - ``maintenance``: maintenance overdue (open work past due, active plans past due);
    figure: how many.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from minsheng.facilities.freshness import Figures, is_one_kind, is_stale

PEER_BAND = (0.5, 2.0)  # a peer's population served: from half to double
MIN_PEERS = 3
DEFAULT_FRACTION = 0.5
DEFAULT_DROP = 0.5
AWARE_SHARE = 0.5
VIEWS_FRACTION = 0.5  # publicity: views below half the peers' median
MIN_REQUESTS = 5
OUTSIDE_SHARE = 0.5
BUSY_SHARE = 0.5  # use at half its capacity or more: full, not idle

# The cause codes (``models.Cause``'s values), in the order they are shown.
PUBLICITY = "publicity"
STALE = "stale"
ONE_KIND = "one_kind"
HOURS = "hours"
EQUIPMENT = "equipment"
MAINTENANCE = "maintenance"


@dataclass(frozen=True)
class Inputs:
    """What is known of one facility (90-day windows end on the day of the assessment)."""

    id: int
    kind: str
    rural: bool
    population: int
    use_recent: int = 0  # people's use, the last 90 days
    use_before: int = 0  # the 90 days before those
    views: int = 0  # portal views, the last 90 days
    awareness: float | None = None  # share of respondents who know it; None: not asked
    collection: Figures | None = None
    requests: int = 0  # residents' requests in the last 12 months
    requests_outside: int = 0  # … of them made while it is closed
    broken: int = 0
    overdue: int = 0
    capacity_window: int | None = None  # capacity a day × days open in the 90; None: unknown


@dataclass(frozen=True)
class Cause:
    code: str
    figure: float
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "figure": self.figure, "detail": dict(self.detail)}


@dataclass(frozen=True)
class Assessment:
    id: int
    per_resident: float
    peer_median: float
    peer_count: int
    basis: str  # "peers" or "county"
    trend: float | None
    below_peers: bool
    falling: bool
    causes: tuple[Cause, ...] = ()
    busy: bool = False

    @property
    def idle(self) -> bool:
        return self.below_peers or self.falling


def per_resident(f: Inputs) -> float:
    return f.use_recent / f.population


def views_per_1000(f: Inputs) -> float:
    return 1000 * f.views / f.population


def is_busy(f: Inputs) -> bool:
    """Used at ``BUSY_SHARE`` of its capacity or more over the days it was open."""
    return bool(f.capacity_window) and f.use_recent >= BUSY_SHARE * (f.capacity_window or 0)


def trend(f: Inputs) -> float | None:
    return f.use_recent / f.use_before if f.use_before > 0 else None


def is_peer(f: Inputs, other: Inputs) -> bool:
    low, high = PEER_BAND
    return (
        other.id != f.id
        and other.kind == f.kind
        and other.rural == f.rural
        and low * f.population <= other.population <= high * f.population
    )


def peers_of(f: Inputs, everyone: Sequence[Inputs]) -> tuple[list[Inputs], str]:
    """``f``'s peers and the basis: "peers", or "county" (the others of its kind) when it has
    fewer than ``MIN_PEERS``."""
    close = [o for o in everyone if is_peer(f, o)]
    if len(close) >= MIN_PEERS:
        return close, "peers"
    return [o for o in everyone if o.id != f.id and o.kind == f.kind], "county"


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def causes_of(f: Inputs, peer_views_median: float) -> list[Cause]:
    """The likely causes seen for ``f`` (see the module docstring)."""
    found: list[Cause] = []
    views = views_per_1000(f)
    unaware = f.awareness is None or f.awareness < AWARE_SHARE
    if views < VIEWS_FRACTION * peer_views_median and unaware:
        found.append(
            Cause(
                PUBLICITY,
                views,
                {"peers_views_median": peer_views_median, "awareness": f.awareness},
            )
        )
    if f.collection is not None:
        c = f.collection
        if is_stale(c):
            found.append(Cause(STALE, c.median_age or 0.0, {"share_under_5": c.share_under_5}))
        if is_one_kind(c):
            found.append(
                Cause(
                    ONE_KIND,
                    c.largest_share or 0.0,
                    {"largest_class": c.largest_class, "shannon": c.shannon},
                )
            )
    if f.requests >= MIN_REQUESTS and f.requests_outside / f.requests > OUTSIDE_SHARE:
        found.append(
            Cause(
                HOURS,
                f.requests_outside / f.requests,
                {"requests": f.requests, "outside": f.requests_outside},
            )
        )
    if f.broken > 0:
        found.append(Cause(EQUIPMENT, float(f.broken)))
    if f.overdue > 0:
        found.append(Cause(MAINTENANCE, float(f.overdue)))
    return found


def assess(
    facilities: Sequence[Inputs],
    *,
    fraction: float = DEFAULT_FRACTION,
    drop: float = DEFAULT_DROP,
) -> list[Assessment]:
    """Each facility with a population served, assessed against the others (same order)."""
    counted = [f for f in facilities if f.population > 0]
    out: list[Assessment] = []
    for f in counted:
        peers, basis = peers_of(f, counted)
        median = _median([per_resident(p) for p in peers])
        views_median = _median([views_per_1000(p) for p in peers])
        mine = per_resident(f)
        t = trend(f)
        busy = is_busy(f)
        below = bool(peers) and mine < fraction * median and not busy
        falling = t is not None and t < 1 - drop and not busy
        causes = tuple(causes_of(f, views_median)) if below or falling else ()
        out.append(
            Assessment(
                id=f.id,
                per_resident=mine,
                peer_median=median,
                peer_count=len(peers),
                basis=basis,
                trend=t,
                below_peers=below,
                falling=falling,
                causes=causes,
                busy=busy,
            )
        )
    return out
