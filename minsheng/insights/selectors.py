"""Reading the demand snapshot: a region's figures by child region and by area, the top
unmet needs, the 12-month trend, the village map layer and the estimate's inputs.

Everything here reads the snapshot tables (``insights.models``), a few grouped queries per
page, never the orders themselves; the arithmetic is ``insights.demand``'s. Who may read
which region is ``insights.policy``'s: callers pass a region the policy allowed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, Sum

from minsheng.catalog.models import Service, ServiceArea
from minsheng.core.inputs import storable
from minsheng.insights import demand
from minsheng.insights.demand import COUNT_NAMES, Counts, Figures
from minsheng.insights.models import AreaDemand, ServiceDemand, VillageMonth
from minsheng.regions.models import Region

SERVICE_COUNTS = ("placed", "unmet", "suggestions", "supports", "stated")
TREND_MONTHS = 12
TOP_LIMIT = 10


def scope_q(region: Region, prefix: str = "") -> Q:
    """Snapshot rows of villages in ``region`` (or the village itself)."""
    if region.level == Region.Level.COUNTY:
        return Q()
    if region.level == Region.Level.TOWNSHIP:
        return Q(**{f"{prefix}township_id": region.pk})
    return Q(**{f"{prefix}village_id": region.pk})


def children_of(region: Region) -> list[Region]:
    """The regions a region's table is broken down into: a county's townships, a
    township's villages; a village has none."""
    if region.level == Region.Level.VILLAGE:
        return []
    return list(Region.objects.filter(parent=region).defer("boundary").order_by("code"))


def computed_months() -> list[date]:
    """The months the snapshot holds, newest first."""
    return list(VillageMonth.objects.order_by("-month").values_list("month", flat=True).distinct())


def is_computed(month: date) -> bool:
    return VillageMonth.objects.filter(month=month).exists()


def areas() -> list[ServiceArea]:
    return list(ServiceArea.objects.order_by("position", "code"))


def area_by_code(code: str) -> ServiceArea | None:
    """The area of this code; None for no such code (nor any text no code can be)."""
    if not code or len(code) > 40 or not storable(code):
        return None
    return ServiceArea.objects.filter(code=code).first()


# --- a region's figures ----------------------------------------------------------------------


@dataclass
class Row:
    """One line of a table: a region (or an area, or a menu item) and its figures."""

    key: int
    code: str
    name: str
    figures: Figures
    level: str = ""

    @property
    def counts(self) -> Counts:
        return self.figures.counts

    @property
    def population(self) -> int:
        return self.figures.population

    def rate(self, name: str) -> float | None:
        return self.figures.rate(name)

    @property
    def placed_rate(self) -> float | None:
        return self.figures.rate("placed")

    @property
    def unmet_rate(self) -> float | None:
        return self.figures.rate("unmet")

    @property
    def suggestions_rate(self) -> float | None:
        return self.figures.rate("suggestions")

    @property
    def stated_rate(self) -> float | None:
        return self.figures.rate("stated")

    @property
    def unmet_share(self) -> float | None:
        return self.figures.unmet_share


@dataclass
class Report:
    region: Region
    month: date
    area: ServiceArea | None
    computed: bool
    total: Figures
    rows: list[Row]  # the child regions, in the chosen area (or all)
    by_area: list[Row]  # the region itself, area by area

    @property
    def total_row(self) -> Row:
        r = self.region
        return Row(r.pk, r.code, r.name, self.total, level=r.level)


def _populations(region: Region, months: list[date]) -> dict[date, dict[int, int]]:
    out: dict[date, dict[int, int]] = defaultdict(dict)
    for month, village, population in VillageMonth.objects.filter(
        scope_q(region), month__in=months
    ).values_list("month", "village_id", "population"):
        out[month][village] = population
    return out


def _parent_map(region: Region, villages: dict[int, int]) -> dict[int, int]:
    """Each village to the child of ``region`` it rolls into."""
    if region.level == Region.Level.COUNTY:
        parents = dict(Region.objects.filter(pk__in=list(villages)).values_list("pk", "parent_id"))
        return {v: p for v, p in parents.items() if p is not None}
    return {v: v for v in villages}


def report(region: Region, month: date, area: ServiceArea | None = None) -> Report:
    """``region``'s figures in ``month``: its total, its child regions' and its areas'."""
    populations = _populations(region, [month]).get(month, {})
    rows = list(
        AreaDemand.objects.filter(scope_q(region), month=month).values_list(
            "village_id", "area_id", *COUNT_NAMES
        )
    )
    chosen = [
        (r[0], dict(zip(COUNT_NAMES, r[2:], strict=True)))
        for r in rows
        if area is None or r[1] == area.pk
    ]
    total = demand.roll_up(chosen, populations, dict.fromkeys(populations, region.pk)).get(
        region.pk, Figures()
    )
    children = children_of(region)
    rolled = demand.roll_up(chosen, populations, _parent_map(region, populations))
    child_rows = [
        Row(c.pk, c.code, c.name, rolled.get(c.pk, Figures()), level=c.level) for c in children
    ]
    all_areas = areas()
    region_population = sum(populations.values())
    per_area: dict[int, Figures] = {a.pk: Figures(population=region_population) for a in all_areas}
    for r in rows:
        per_area.setdefault(r[1], Figures(population=region_population)).counts.add(
            dict(zip(COUNT_NAMES, r[2:], strict=True))
        )
    area_rows = [Row(a.pk, a.code, a.name, per_area[a.pk]) for a in all_areas]
    return Report(
        region=region,
        month=month,
        area=area,
        computed=bool(populations) or is_computed(month),
        total=total,
        rows=child_rows,
        by_area=area_rows,
    )


@dataclass
class MatrixRow:
    key: int
    code: str
    name: str
    population: int
    cells: list[tuple[int, float | None]]  # per area: the count and its rate per 1,000


@dataclass
class Matrix:
    measure: str
    areas: list[ServiceArea]
    rows: list[MatrixRow]


def matrix(region: Region, month: date, measure: str) -> Matrix:
    """``measure`` (one of ``demand.MEASURES``) of each child region of ``region`` (the
    region itself for a village) in each area: the township (or village) × area table."""
    populations = _populations(region, [month]).get(month, {})
    children = children_of(region) or [region]
    parent_of = (
        _parent_map(region, populations)
        if region.level != Region.Level.VILLAGE
        else {region.pk: region.pk}
    )
    people: dict[int, int] = defaultdict(int)
    for village, population in populations.items():
        if village in parent_of:
            people[parent_of[village]] += population
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for village, area, n in AreaDemand.objects.filter(scope_q(region), month=month).values_list(
        "village_id", "area_id", measure
    ):
        if village in parent_of:
            counts[(parent_of[village], area)] += n
    all_areas = areas()
    return Matrix(
        measure=measure,
        areas=all_areas,
        rows=[
            MatrixRow(
                c.pk,
                c.code,
                c.name,
                people[c.pk],
                [
                    (counts[(c.pk, a.pk)], demand.per_thousand(counts[(c.pk, a.pk)], people[c.pk]))
                    for a in all_areas
                ],
            )
            for c in children
        ],
    )


# --- the top unmet needs ---------------------------------------------------------------------


@dataclass
class Need:
    key: int
    code: str
    name: str
    area: str
    counts: Counts
    population: int

    @property
    def unmet_rate(self) -> float | None:
        return demand.per_thousand(self.counts.unmet, self.population)

    @property
    def unmet_share(self) -> float | None:
        return demand.share(self.counts.unmet, self.counts.placed)


@dataclass
class TopNeeds:
    months: list[date]
    population: int
    by_area: list[Need] = field(default_factory=list)
    by_service: list[Need] = field(default_factory=list)


def top_unmet(region: Region, month: date, *, limit: int = TOP_LIMIT) -> TopNeeds:
    """The areas and menu items with the most unmet orders over the 12 months ending with
    ``month``, with the count and the rate per 1,000 residents of ``region`` (its
    population in ``month``: one denominator for every item, so both give one order), and
    the suggestions, supports and stated needs of the same months beside. Items with no
    unmet order are left out."""
    months = demand.last_months(month, TREND_MONTHS)
    population = sum(_populations(region, [month]).get(month, {}).values())
    sums = {f"sum_{name}": Sum(name) for name in SERVICE_COUNTS}
    area_names = {a.pk: a for a in areas()}
    by_area = []
    for area_id, *values in (
        AreaDemand.objects.filter(scope_q(region), month__in=months)
        .values("area_id")
        .annotate(**sums)
        .values_list("area_id", *sums)
    ):
        a = area_names[area_id]
        counts = Counts(**{n: v or 0 for n, v in zip(SERVICE_COUNTS, values, strict=True)})
        by_area.append(Need(a.pk, a.code, a.name, a.name, counts, population))
    services = {
        s.pk: s
        for s in Service.objects.select_related("category__area").only(
            "pk",
            "code",
            "name_zh",
            "name_en",
            "category__area__name_zh",
            "category__area__name_en",
        )
    }
    by_service = []
    for service_id, *values in (
        ServiceDemand.objects.filter(scope_q(region), month__in=months)
        .values("service_id")
        .annotate(**sums)
        .values_list("service_id", *sums)
    ):
        s = services[service_id]
        counts = Counts(**{n: v or 0 for n, v in zip(SERVICE_COUNTS, values, strict=True)})
        by_service.append(Need(s.pk, s.code, s.name, s.category.area.name, counts, population))

    def rank(needs: list[Need]) -> list[Need]:
        kept = [n for n in needs if n.counts.unmet > 0]
        kept.sort(key=lambda n: (-n.counts.unmet, -n.counts.placed, n.code))
        return kept[:limit]

    return TopNeeds(
        months=months, population=population, by_area=rank(by_area), by_service=rank(by_service)
    )


# --- the trend -------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    month: date
    figures: Figures
    computed: bool


def trend(region: Region, month: date, area: ServiceArea | None = None) -> list[TrendPoint]:
    """``region``'s figures in each of the 12 months ending with ``month``."""
    months = demand.last_months(month, TREND_MONTHS)
    pops = _populations(region, months)
    qs = AreaDemand.objects.filter(scope_q(region), month__in=months)
    if area is not None:
        qs = qs.filter(area=area)
    sums = {f"sum_{n}": Sum(n) for n in COUNT_NAMES}
    counts = {
        month: Counts(**{n: v or 0 for n, v in zip(COUNT_NAMES, values, strict=True)})
        for month, *values in qs.values("month").annotate(**sums).values_list("month", *sums)
    }
    return [
        TrendPoint(
            month=m,
            figures=Figures(
                counts=counts.get(m, Counts()), population=sum(pops[m].values()) if m in pops else 0
            ),
            computed=m in pops,
        )
        for m in months
    ]


# --- the village map layer -------------------------------------------------------------------


@dataclass
class VillageFigure:
    village: Region
    population: int
    count: int
    rate: float | None


def village_figures(
    region: Region, month: date, measure: str, area: ServiceArea | None = None
) -> list[VillageFigure]:
    """Every village of ``region`` (with its boundary and township) and its ``measure``
    (one of ``demand.MEASURES``) in ``month``, as a count and per 1,000 residents."""
    populations = _populations(region, [month]).get(month, {})
    qs = AreaDemand.objects.filter(scope_q(region), month=month)
    if area is not None:
        qs = qs.filter(area=area)
    counts = dict(qs.values("village_id").annotate(n=Sum(measure)).values_list("village_id", "n"))
    villages = Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent")
    if region.level == Region.Level.TOWNSHIP:
        villages = villages.filter(parent=region)
    elif region.level == Region.Level.VILLAGE:
        villages = villages.filter(pk=region.pk)
    out = []
    for v in villages.defer("parent__boundary").order_by("code"):
        population = populations.get(v.pk, v.population if not populations else 0)
        n = counts.get(v.pk) or 0
        out.append(VillageFigure(v, population, n, demand.per_thousand(n, population)))
    return out


CLASSES = 5  # colour classes of the map


def breaks(figures: list[VillageFigure]) -> list[float]:
    """The upper bounds of the map's colour classes: equal steps from 0 to the highest
    rate (empty when no village has a rate above 0)."""
    top = max((f.rate for f in figures if f.rate is not None), default=0.0)
    if top <= 0:
        return []
    return [top * (k + 1) / CLASSES for k in range(CLASSES)]


def colour_class(value: float | None, bounds: list[float]) -> int | None:
    """The class (0 lowest) of a rate; None for no rate."""
    if value is None:
        return None
    for k, bound in enumerate(bounds):
        if value <= bound:
            return k
    return 0 if not bounds else len(bounds) - 1


def village_collection(figures: list[VillageFigure], measure: str) -> dict[str, Any]:
    """The figures as a GeoJSON FeatureCollection; a village without a boundary has a
    null geometry (it still shows in the table)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": f.village.boundary,
                "properties": {
                    "code": f.village.code,
                    "name": f.village.name,
                    "township": f.village.parent.code if f.village.parent else None,
                    "township_name": f.village.parent.name if f.village.parent else None,
                    "measure": measure,
                    "population": f.population,
                    "count": f.count,
                    "per_1000": None if f.rate is None else round(f.rate, 3),
                },
            }
            for f in figures
        ],
    }


# --- the estimate's inputs -------------------------------------------------------------------


def estimate_items() -> list[demand.Item]:
    """Every menu item (published or not: a withdrawn item's orders still tell) with its
    name, description and keywords."""
    return [
        demand.Item(
            id=s.pk,
            name=s.name_zh,
            text=" ".join(t for t in (s.name_zh, s.name_en, s.description_zh, s.keywords) if t),
            area=s.category.area.code,
        )
        for s in Service.objects.select_related("category__area").order_by("code")
    ]


@dataclass
class EstimateInputs:
    months: list[date]
    places: list[demand.Place]
    county_voice: int
    county_population: int


def estimate_inputs(
    townships: list[Region], area: ServiceArea, month: date, services: list[int]
) -> EstimateInputs:
    """For each target township: its population (in the latest computed month of the 12
    ending with ``month``), the orders of ``services``
    over the 12 months ending with ``month``, and its voice in ``area`` over them (stated
    needs + suggestions + supports); the county's voice and population beside."""
    months = demand.last_months(month, TREND_MONTHS)
    latest = (
        VillageMonth.objects.filter(month__in=months)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    pops: dict[int, int] = defaultdict(int)
    for township, population in VillageMonth.objects.filter(month=latest or months[-1]).values_list(
        "township_id", "population"
    ):
        pops[township] += population
    orders: dict[int, dict[int, int]] = defaultdict(dict)
    for township, service, n in (
        ServiceDemand.objects.filter(month__in=months, service_id__in=services)
        .values("township_id", "service_id")
        .annotate(n=Sum("placed"))
        .values_list("township_id", "service_id", "n")
    ):
        orders[township][service] = n or 0
    voice: dict[int, int] = defaultdict(int)
    for township, stated, suggestions, supports in (
        AreaDemand.objects.filter(month__in=months, area=area)
        .values("township_id")
        .annotate(a=Sum("stated"), b=Sum("suggestions"), c=Sum("supports"))
        .values_list("township_id", "a", "b", "c")
    ):
        voice[township] += (stated or 0) + (suggestions or 0) + (supports or 0)
    return EstimateInputs(
        months=months,
        places=[
            demand.Place(
                id=t.pk,
                population=pops.get(t.pk, 0),
                orders=orders.get(t.pk, {}),
                voice=voice.get(t.pk, 0),
            )
            for t in townships
        ],
        county_voice=sum(voice.values()),
        county_population=sum(pops.values()),
    )
