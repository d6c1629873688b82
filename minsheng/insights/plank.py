"""The shortest plank: selectors over the balance snapshot (``IndicatorValue`` and
``AreaAttainment``, written by the indicator snapshot). They read; they never compute an
indicator. Every figure is defined in ``docs/balance.md`` ("The shortest plank, the
dashboard and the report").

Each function takes the ``scope`` whose figures are wanted: the region returned by
``policy.planning_scope`` for a user (the county for the county's planners and the monthly
report; a township for its dispatcher, who sees that township, its villages and the
county's own totals for comparison, never another township's rows). A row is shown as
``policy.scope_regions_q`` says (``policy.within`` for one region); the county's sums (its gap
in people and yuan) add up every village, as a total that names none of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from minsheng.catalog.models import ServiceArea
from minsheng.insights import inequality, policy
from minsheng.insights.models import AreaAttainment, Indicator, IndicatorValue
from minsheng.regions.models import Region

# A stave's drawn height is capped here (the table gives the true attainment): a region far
# above the standard in one area would otherwise flatten every other stave.
DISPLAY_CAP = 1.2
TREND_MONTHS = 12
RATE_CODES = ("response_rate", "resolution_rate", "satisfaction_rate")
SATISFACTION = "satisfaction_rate"
SURVEY = "survey_score"


# --- months ----------------------------------------------------------------------------------


def computed_months() -> list[date]:
    """The months the balance snapshot holds (area attainments), newest first."""
    return list(
        AreaAttainment.objects.order_by("-month").values_list("month", flat=True).distinct()
    )


def months_up_to(month: date, n: int = TREND_MONTHS) -> list[date]:
    """The last ``n`` computed months up to ``month``, oldest first."""
    return sorted(m for m in computed_months() if m <= month)[-n:]


def previous_month(month: date) -> date | None:
    """The computed month before ``month`` (for the change on last month), or None."""
    earlier = [m for m in computed_months() if m < month]
    return max(earlier) if earlier else None


# --- visibility --------------------------------------------------------------------------------


def county_of(scope: Region) -> Region:
    node = scope
    while node.parent_id is not None:
        node = node.parent  # type: ignore[assignment]
    return node


# --- staves and barrels ----------------------------------------------------------------------


@dataclass(frozen=True)
class Stave:
    """One service area of one region: the region's attainment, the gap summed over its
    villages below the standard, and its weakest village (when shown to the reader)."""

    area: ServiceArea
    attainment: float
    population: int
    gap_people: float
    gap_yuan: float | None  # None: no spending bands, the cost is unknown
    weakest_village: Region | None = None
    weakest_village_attainment: float | None = None
    weakest_indicator: Indicator | None = None

    @property
    def height(self) -> float:
        """The drawn height: the attainment capped at ``DISPLAY_CAP``."""
        return max(0.0, min(self.attainment, DISPLAY_CAP))

    @property
    def below(self) -> bool:
        return self.attainment < 1.0

    @property
    def percent(self) -> float:
        return self.attainment * 100.0


@dataclass(frozen=True)
class Barrel:
    """A region's staves (one per service area with a figure), in the areas' order."""

    region: Region
    staves: list[Stave]

    @property
    def weakest(self) -> Stave | None:
        """The shortest plank: the lowest attainment (ties: the first area)."""
        return min(self.staves, key=lambda s: s.attainment) if self.staves else None

    def stave(self, area: ServiceArea) -> Stave | None:
        return next((s for s in self.staves if s.area.pk == area.pk), None)


@dataclass(frozen=True)
class Planks:
    """A month's barrels: the county's and each township's the reader may see, and the
    villages' rows (region × area) within the scope."""

    month: date
    areas: list[ServiceArea]
    county: Barrel | None
    townships: list[Barrel]
    villages: list[Barrel]

    @property
    def computed(self) -> bool:
        return self.county is not None or bool(self.townships) or bool(self.villages)


def _sum_yuan(rows: Iterable[AreaAttainment]) -> float | None:
    """The cost summed; unknown (None) as soon as one village's cost is unknown (a partial
    sum would read as the whole)."""
    total = 0.0
    for r in rows:
        if r.gap_yuan is None:
            return None
        total += r.gap_yuan
    return total


def _stave(
    scope: Region,
    region: Region,
    area: ServiceArea,
    own: AreaAttainment | None,
    villages: list[AreaAttainment],
) -> Stave | None:
    """The stave of ``region`` in ``area`` from its own row and its villages' rows (a region
    without its own row: the population-weighted mean of its villages)."""
    if own is None and not villages:
        return None
    below = [v for v in villages if v.attainment < 1.0]
    if own is not None:
        attainment, population = own.attainment, own.population
    else:
        population = sum(v.population for v in villages)
        attainment = (
            sum(v.attainment * v.population for v in villages) / population
            if population
            else sum(v.attainment for v in villages) / len(villages)
        )
    if villages:
        gap_people = float(sum(v.gap_people for v in below))
        gap_yuan = _sum_yuan(below)
    else:
        assert own is not None
        gap_people, gap_yuan = float(own.gap_people), own.gap_yuan
    # The lowest village of all, named only to a reader who may see it (a township's
    # dispatcher sees the county's figures, not which other township's village is lowest).
    lowest = min(villages, key=lambda v: (v.attainment, v.region.code)) if villages else None
    if lowest is not None and not policy.within(scope, lowest.region):
        lowest = None
    return Stave(
        area=area,
        attainment=float(attainment),
        population=int(population),
        gap_people=gap_people,
        gap_yuan=gap_yuan,
        weakest_village=lowest.region if lowest else None,
        weakest_village_attainment=lowest.attainment if lowest else None,
        weakest_indicator=own.weakest_indicator if own is not None else None,
    )


def areas() -> list[ServiceArea]:
    return list(ServiceArea.objects.order_by("position", "code"))


def planks(scope: Region, month: date) -> Planks:
    """The barrels of ``month`` for someone planning ``scope`` (two queries)."""
    all_areas = areas()
    rows = list(
        AreaAttainment.objects.filter(month=month)
        .select_related("region", "region__parent", "area", "weakest_indicator")
        .defer("region__boundary", "region__parent__boundary")
    )
    own: dict[tuple[int, int], AreaAttainment] = {}
    below: dict[tuple[int, int], list[AreaAttainment]] = defaultdict(list)
    regions: dict[int, Region] = {}
    for row in rows:
        region = row.region
        regions[region.pk] = region
        own[(region.pk, row.area_id)] = row
        if region.level == Region.Level.VILLAGE:
            below[(region.parent_id or 0, row.area_id)].append(row)
            township = region.parent
            if township is not None:
                regions.setdefault(township.pk, township)
                below[(township.parent_id or 0, row.area_id)].append(row)

    def barrel(region: Region) -> Barrel:
        staves = [
            s
            for a in all_areas
            if (s := _stave(scope, region, a, own.get((region.pk, a.pk)), below[(region.pk, a.pk)]))
            is not None
        ]
        return Barrel(region=region, staves=staves)

    county = county_of(scope)
    county_barrel = barrel(county)
    townships = sorted(
        (
            r
            for r in regions.values()
            if r.level == Region.Level.TOWNSHIP and policy.within(scope, r)
        ),
        key=lambda r: r.code,
    )
    villages = sorted(
        (
            r
            for r in regions.values()
            if r.level == Region.Level.VILLAGE and policy.within(scope, r)
        ),
        key=lambda r: (r.parent_id or 0, r.code),
    )
    return Planks(
        month=month,
        areas=[a for a in all_areas if any(r.area_id == a.pk for r in rows)],
        county=county_barrel if county_barrel.staves else None,
        townships=[barrel(t) for t in townships],
        villages=[barrel(v) for v in villages],
    )


# --- trends ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    month: date
    value: float | None  # None: not in that month's snapshot

    @property
    def percent(self) -> float | None:
        return None if self.value is None else self.value * 100.0


def stave_trend(region: Region, area: ServiceArea, month: date) -> list[Point]:
    """The attainment of one stave over the last twelve computed months up to ``month``."""
    months = months_up_to(month)
    found = dict(
        AreaAttainment.objects.filter(region=region, area=area, month__in=months).values_list(
            "month", "attainment"
        )
    )
    return [Point(m, found.get(m)) for m in months]


@dataclass(frozen=True)
class RateSeries:
    code: str
    indicator: Indicator | None
    points: list[Point]

    @property
    def latest(self) -> float | None:
        return self.points[-1].value if self.points else None

    @property
    def percent(self) -> float | None:
        return None if self.latest is None else self.latest * 100.0

    @property
    def name(self) -> str:
        return self.indicator.name if self.indicator else self.code

    @property
    def change(self) -> float | None:
        """The change on the computed month before (None where either is missing)."""
        if len(self.points) < 2 or self.points[-1].value is None:
            return None
        before = self.points[-2].value
        return None if before is None else self.points[-1].value - before

    @property
    def change_points(self) -> float | None:
        """The change in percentage points."""
        change = self.change
        return None if change is None else change * 100.0


def _values(
    region: Region, codes: Iterable[str], months: list[date]
) -> dict[tuple[str, date], IndicatorValue]:
    rows = IndicatorValue.objects.filter(
        region=region, indicator__code__in=list(codes), month__in=months
    ).select_related("indicator")
    return {(r.indicator.code, r.month): r for r in rows}


def rate_trend(region: Region, month: date) -> list[RateSeries]:
    """The three rates of the order loop (response, resolution, satisfaction: the
    indicators' values, shares of 1) over the last twelve computed months."""
    months = months_up_to(month)
    found = _values(region, RATE_CODES, months)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=RATE_CODES)}
    return [
        RateSeries(
            code=code,
            indicator=indicators.get(code),
            points=[
                Point(m, found[(code, m)].value if (code, m) in found else None) for m in months
            ],
        )
        for code in RATE_CODES
    ]


def happiness_weights() -> tuple[float, float]:
    weights = getattr(settings, "MINSHENG_HAPPINESS_WEIGHTS", {})
    return float(weights.get("satisfaction", 0.6)), float(weights.get("survey", 0.4))


@dataclass(frozen=True)
class Happiness:
    month: date
    value: float | None  # 0-100
    satisfaction: float | None  # the attainments, each capped at 1
    survey: float | None

    @property
    def partial(self) -> bool:
        """Only one of the two parts was there (the index is that part alone)."""
        return self.value is not None and (self.satisfaction is None or self.survey is None)


def happiness_index(satisfaction: float | None, survey: float | None) -> float | None:
    """H = 100 × (w_s·min(A_s, 1) + w_q·min(A_q, 1)) / (w_s + w_q), A = attainment of the
    satisfaction rate and of the survey score; one part missing: the other alone."""
    w_s, w_q = happiness_weights()
    parts = [(w_s, satisfaction), (w_q, survey)]
    present = [(w, min(a, 1.0)) for w, a in parts if a is not None]
    total = sum(w for w, _a in present)
    if not present or total <= 0:
        return None
    return 100.0 * sum(w * a for w, a in present) / total


def happiness_trend(region: Region, month: date) -> list[Happiness]:
    months = months_up_to(month)
    found = _values(region, (SATISFACTION, SURVEY), months)
    out = []
    for m in months:
        sat = found.get((SATISFACTION, m))
        sur = found.get((SURVEY, m))
        a_s = sat.attainment if sat else None
        a_q = sur.attainment if sur else None
        out.append(
            Happiness(
                month=m,
                value=happiness_index(a_s, a_q),
                satisfaction=None if a_s is None else min(a_s, 1.0),
                survey=None if a_q is None else min(a_q, 1.0),
            )
        )
    return out


# --- inequality across villages --------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """A Theil index split urban/rural: ``total = between + within``."""

    total: float
    between: float
    within: float


@dataclass(frozen=True)
class AreaInequality:
    """One area's attainment across the villages in scope: the Lorenz curve (population-
    weighted), the Gini both ways and Theil T and L split urban/rural both ways. A figure
    is None where it is not defined (``note`` says why)."""

    area: ServiceArea
    villages: int
    lorenz_x: list[float]
    lorenz_y: list[float]
    gini: float | None
    gini_weighted: float | None
    theil_t: Split | None
    theil_t_weighted: Split | None
    theil_l: Split | None
    theil_l_weighted: Split | None
    notes: list[str] = field(default_factory=list)


def _split(d: inequality.Decomposition) -> Split:
    return Split(total=d.total, between=d.between, within=d.within)


def area_inequality(area: ServiceArea, rows: list[AreaAttainment]) -> AreaInequality:
    """The measures over ``rows`` (one per village). Weighted figures count the villages
    with residents; Theil needs every attainment above 0."""
    values = [r.attainment for r in rows]
    kinds = [r.region.kind for r in rows]
    peopled = [r for r in rows if r.population > 0]
    wv = [r.attainment for r in peopled]
    ww = [float(r.population) for r in peopled]
    wk = [r.region.kind for r in peopled]
    notes: list[str] = []

    def attempt(fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except inequality.InequalityError:
            # The rows are finite numbers, one weight each: the one way a measure fails
            # here is a village at 0 (Theil's logarithm), or every village at 0.
            if any(v > 0 for v in values):
                notes.append(_("Theil needs every attainment above 0; a village is at 0."))
            else:
                notes.append(_("Every village is at 0: there is nothing to compare."))
            return None

    curve = attempt(inequality.lorenz, wv, ww) if peopled else None
    return AreaInequality(
        area=area,
        villages=len(rows),
        lorenz_x=[round(float(x), 6) for x in curve[0]] if curve is not None else [],
        lorenz_y=[round(float(y), 6) for y in curve[1]] if curve is not None else [],
        gini=attempt(inequality.gini, values),
        gini_weighted=attempt(inequality.gini, wv, ww) if peopled else None,
        theil_t=_maybe(attempt(inequality.theil_t_decomposed, values, kinds)),
        theil_t_weighted=_maybe(attempt(inequality.theil_t_decomposed, wv, wk, ww))
        if peopled
        else None,
        theil_l=_maybe(attempt(inequality.theil_l_decomposed, values, kinds)),
        theil_l_weighted=_maybe(attempt(inequality.theil_l_decomposed, wv, wk, ww))
        if peopled
        else None,
        notes=sorted(set(notes)),
    )


def _maybe(d: inequality.Decomposition | None) -> Split | None:
    return None if d is None else _split(d)


def inequalities(scope: Region, month: date) -> list[AreaInequality]:
    """Each area's inequality across the villages within ``scope`` (one query)."""
    rows = (
        AreaAttainment.objects.filter(month=month, region__level=Region.Level.VILLAGE)
        .select_related("region", "area")
        .defer("region__boundary")
        .order_by("area__position", "area__code", "region__code")
    )
    by_area: dict[int, list[AreaAttainment]] = defaultdict(list)
    found: dict[int, ServiceArea] = {}
    for row in rows:
        if policy.within(scope, row.region):
            by_area[row.area_id].append(row)
            found[row.area_id] = row.area
    return [area_inequality(found[a], by_area[a]) for a in found]


# --- the map ---------------------------------------------------------------------------------


def village_map(planks_: Planks) -> dict[str, object]:
    """The villages coloured by their weakest plank, as a GeoJSON FeatureCollection: the
    village's boundary, else a point at its centroid (else no geometry: the table has it)."""
    features = []
    positions = {a.pk: k for k, a in enumerate(planks_.areas)}
    for barrel in planks_.villages:
        weakest = barrel.weakest
        v = barrel.region
        geometry: object = v.boundary
        if geometry is None and v.latitude is not None and v.longitude is not None:
            geometry = {"type": "Point", "coordinates": [v.longitude, v.latitude]}
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": v.code,
                    "name": v.name,
                    "township": v.parent.name if v.parent else None,
                    "area": weakest.area.code if weakest else None,
                    "area_name": weakest.area.name if weakest else None,
                    "colour": positions.get(weakest.area.pk) if weakest else None,
                    "attainment": round(weakest.attainment, 4) if weakest else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- tables for the downloads ----------------------------------------------------------------


def indicator_values(scope: Region, month: date) -> list[IndicatorValue]:
    """The month's indicator values of the regions shown to someone planning ``scope``."""
    return list(
        IndicatorValue.objects.filter(policy.scope_regions_q(scope), month=month)
        .select_related("indicator", "indicator__area", "region")
        .defer("region__boundary")
        .order_by("region__level", "region__code", "indicator__code")
    )
