"""The computed indicators (issue 11): one function per computed ``Indicator.code``.

Every function takes the month's :class:`Context` and returns ``{region id: value}`` for the
villages, townships and the county it has a value for; a region it has no value for (no
orders to rate, no clinic to equip, no coordinates) is absent and the snapshot skips the
indicator there. Two ways of reaching townships and the county (docs/balance.md says which
each indicator uses):

- **ratio**: numerator and denominator are added up the tree and divided at every level
  (:meth:`Context.ratio`): the township's value is computed directly, as if it were one place;
- **mean**: a figure that does not add (kinds of services held) is the population-weighted
  mean of the township's villages' values (:meth:`Context.mean`).

Each function costs a handful of queries for the whole county, never one per region.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone

from minsheng.core.geo import great_circle_matrix_km
from minsheng.regions.models import Region

Values = dict[int, float]

# Facility kinds (facilities.models.Kind values) that serve each service area.
AREA_KINDS: dict[str, tuple[str, ...]] = {
    "health": ("clinic", "health_centre"),
    "elderly": ("elderly",),
    "culture-sports": ("bookshop", "cultural", "sports"),
}
# The short name of each area in indicator codes (a code is a slug with underscores).
AREA_PREFIX: dict[str, str] = {
    "childcare": "childcare",
    "education": "education",
    "employment": "employment",
    "health": "health",
    "elderly": "elderly",
    "housing": "housing",
    "vulnerable": "vulnerable",
    "military": "military",
    "culture-sports": "culture",
}
# "Within reach": the great-circle distance from a village's centroid to a facility.
ACCESS_KM: dict[str, float] = {"health": 3.0, "elderly": 2.0, "culture-sports": 2.0}
# The words that make a survey rating-scale question a satisfaction question.
SATISFACTION_WORDS = ("满意", "satisf")


@dataclass(frozen=True)
class Village:
    pk: int
    township_id: int
    population: int
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Place:
    """An open facility of one of the areas' kinds, where it stands."""

    pk: int
    kind: str
    region_id: int
    latitude: float | None
    longitude: float | None


@dataclass
class Context:
    """What the indicators of one month share: the regions and their populations, and the
    facilities open by the month's end (loaded once, on first use)."""

    month: date  # the first day
    county_id: int
    villages: list[Village]
    township_population: dict[int, int]
    shared: dict[Any, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, month: date, shared: dict[str, Any] | None = None) -> Context:
        """The month's context; ``shared`` (a dict kept across the months of one run) holds
        what does not change from month to month: the regions, the facilities, the
        equipment rows and the collections."""
        shared = {} if shared is None else shared
        if "regions" not in shared:
            county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
            townships = dict(
                Region.objects.filter(level=Region.Level.TOWNSHIP).values_list("pk", "population")
            )
            villages = [
                Village(pk, parent, pop, lat, lon)
                for pk, parent, pop, lat, lon in Region.objects.filter(
                    level=Region.Level.VILLAGE
                ).values_list("pk", "parent_id", "population", "latitude", "longitude")
            ]
            summed: dict[int, int] = {}
            for v in villages:
                summed[v.township_id] = summed.get(v.township_id, 0) + v.population
            # A township's population is its villages' (its own figure when it has none).
            population = {pk: summed.get(pk, own) for pk, own in townships.items()}
            shared["regions"] = (county.pk if county is not None else 0, villages, population)
        county_id, villages, population = shared["regions"]
        return cls(
            month=month,
            county_id=county_id,
            villages=villages,
            township_population=population,
            shared=shared,
        )

    # --- time ------------------------------------------------------------------------------

    @property
    def next_month(self) -> date:
        m = self.month
        return date(m.year + (m.month == 12), m.month % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next_month - timedelta(days=1)

    @property
    def quarter_start(self) -> date:
        """The first day of the three months ending with this one (the rolling quarter)."""
        m = self.month
        index = m.year * 12 + m.month - 1 - 2
        return date(index // 12, index % 12 + 1, 1)

    @staticmethod
    def instant(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))

    # --- regions ---------------------------------------------------------------------------

    @property
    def population(self) -> dict[int, int]:
        """Every region's population: villages, townships (their villages') and the county."""
        if "population" not in self._cache:
            pop: dict[int, int] = {v.pk: v.population for v in self.villages}
            pop.update(self.township_population)
            if self.county_id:
                pop[self.county_id] = sum(self.township_population.values())
            self._cache["population"] = pop
        return dict(self._cache["population"])

    def village_population(self) -> Values:
        return {v.pk: float(v.population) for v in self.villages}

    def sums(self, values: Values) -> Values:
        """``values`` (keyed by villages, townships or the county) added up the tree: each
        region's own and everything below it."""
        parent = {v.pk: v.township_id for v in self.villages}
        towns = self.township_population
        up: dict[int, float] = {}
        for pk, x in values.items():
            if pk in parent:
                up[pk] = up.get(pk, 0.0) + x
                up[parent[pk]] = up.get(parent[pk], 0.0) + x
            elif pk in towns:
                up[pk] = up.get(pk, 0.0) + x
            elif pk != self.county_id or not self.county_id:
                continue  # not a region of the tree: counted nowhere
            if self.county_id:  # 0: an installation without a county region yet
                up[self.county_id] = up.get(self.county_id, 0.0) + x
        return up

    def ratio(self, nums: Values, dens: Values, scale: float = 1.0) -> Values:
        """``scale * num / den`` at every level, numerator and denominator added up the tree
        (keys are region ids: villages, townships or the county itself). A region whose
        denominator is not positive has no value."""
        n_up, d_up = self.sums(nums), self.sums(dens)
        return {pk: scale * n_up.get(pk, 0.0) / d for pk, d in d_up.items() if d > 0}

    def mean(self, values: Values) -> Values:
        """Villages' values, and the population-weighted mean of them for each township and
        the county (over the villages that have a value)."""
        nums = {
            v.pk: x * v.population for v in self.villages if (x := values.get(v.pk)) is not None
        }
        dens = {v.pk: float(v.population) for v in self.villages if v.pk in values}
        out = {pk: x for pk, x in self.ratio(nums, dens).items() if pk not in values}
        out.update(values)
        return out

    # --- shared data -------------------------------------------------------------------------

    def places(self) -> list[Place]:
        """Facilities of the areas' kinds open at the month's end: status open now and opened
        by then (the register keeps no history of closures)."""
        if "facilities" not in self.shared:
            from minsheng.facilities.models import Facility, Status

            kinds = sorted({k for ks in AREA_KINDS.values() for k in ks})
            self.shared["facilities"] = list(
                Facility.objects.filter(status=Status.OPEN, kind__in=kinds).values_list(
                    "pk", "kind", "region_id", "latitude", "longitude", "opened_on"
                )
            )
        if "places" not in self._cache:
            last = self.last_day
            self._cache["places"] = [
                Place(pk, kind, region, lat, lon)
                for pk, kind, region, lat, lon, opened in self.shared["facilities"]
                if opened is None or opened <= last
            ]
        return list(self._cache["places"])

    def use(self) -> dict[int, int]:
        """The month's use of every place (``facilities.selectors.use.use_totals``)."""
        if "use" not in self._cache:
            from minsheng.facilities.selectors.use import use_totals

            ids = [p.pk for p in self.places()]
            self._cache["use"] = use_totals(ids, self.month, self.last_day)
        result: dict[int, int] = self._cache["use"]
        return result

    def places_of(self, area: str) -> list[Place]:
        kinds = AREA_KINDS[area]
        return [p for p in self.places() if p.kind in kinds]

    def demand(self) -> dict[tuple[int, str], tuple[int, int]] | None:
        """``(village, area code) -> (placed, unmet)`` of the demand snapshot of the month;
        None when the month's demand snapshot was not computed."""
        if "demand" not in self._cache:
            from minsheng.insights.models import AreaDemand, VillageMonth

            if not VillageMonth.objects.filter(month=self.month).exists():
                self._cache["demand"] = None
            else:
                rows = AreaDemand.objects.filter(month=self.month).values_list(
                    "village_id", "area__code", "placed", "unmet"
                )
                self._cache["demand"] = {(v, a): (p, u) for v, a, p, u in rows}
        result: dict[tuple[int, str], tuple[int, int]] | None = self._cache["demand"]
        return result


# --- supply -----------------------------------------------------------------------------------


def facilities_per_10k(area: str) -> Callable[[Context], Values]:
    def compute(ctx: Context) -> Values:
        nums: Values = {}
        for p in ctx.places_of(area):
            nums[p.region_id] = nums.get(p.region_id, 0.0) + 1
        return ctx.ratio(nums, ctx.village_population(), 10_000)

    return compute


def health_equipment_working(ctx: Context) -> Values:
    """Working items of the clinics' (and health centres') standard configuration, as a
    share of what it asks for (required lines, each line at most its quantity). The items
    held on the month's last day (bought by then, not retired by then: the rule of
    ``facilities.selectors.equipment``), matched to the standard by ``replacement.gaps``;
    the equipment rows are read once per run."""
    from minsheng.facilities import replacement as rp
    from minsheng.facilities.models import Equipment, StandardItem

    places = ctx.places_of("health")
    if "equipment" not in ctx.shared:
        ids = [pk for pk, *_rest in ctx.shared["facilities"]]
        ctx.shared["equipment"] = list(
            Equipment.objects.filter(facility_id__in=ids).values_list(
                "facility_id", "equipment_type_id", "state", "purchased_on", "retired_on"
            )
        )
        standard: dict[str, list[rp.Standard]] = {}
        for kind, type_id, quantity, required in StandardItem.objects.filter(
            kind__in=AREA_KINDS["health"]
        ).values_list("kind", "equipment_type_id", "quantity", "required"):
            standard.setdefault(kind, []).append(rp.Standard(type_id, quantity, required))
        ctx.shared["standard"] = standard
    as_of = ctx.last_day
    held: dict[int, list[rp.Held]] = {}
    for facility_id, type_id, state, bought, retired in ctx.shared["equipment"]:
        if bought <= as_of and (retired is None or retired > as_of):
            held.setdefault(facility_id, []).append(rp.Held(type_id, state, 0.0, 0))
    nums: Values = {}
    dens: Values = {}
    for p in places:
        lines = [
            g
            for g in rp.gaps(ctx.shared["standard"].get(p.kind, []), held.get(p.pk, []))
            if g.required
        ]
        asked = sum(g.quantity for g in lines)
        if asked == 0:
            continue
        nums[p.region_id] = nums.get(p.region_id, 0.0) + sum(
            min(g.working, g.quantity) for g in lines
        )
        dens[p.region_id] = dens.get(p.region_id, 0.0) + asked
    return ctx.ratio(nums, dens)


def culture_collection_freshness(ctx: Context) -> Values:
    """Copies under five years old as a share of all copies (``facilities.freshness``)."""
    from minsheng.facilities.selectors.collections import collection_figures

    places = [p for p in ctx.places_of("culture-sports") if p.kind == "bookshop"]
    region = {p.pk: p.region_id for p in places}
    nums: Values = {}
    dens: Values = {}
    key = ("collections", ctx.month.year)  # the collection as it is now, aged to the year
    if key not in ctx.shared:
        ctx.shared[key] = collection_figures(
            [p for p, kind, *_rest in ctx.shared["facilities"] if kind == "bookshop"],
            ctx.month.year,
        )
    for pk, fig in ctx.shared[key].items():
        if pk not in region:
            continue
        if fig.copies <= 0 or fig.share_under_5 is None:
            continue
        r = region[pk]
        nums[r] = nums.get(r, 0.0) + fig.share_under_5 * fig.copies
        dens[r] = dens.get(r, 0.0) + fig.copies
    return ctx.ratio(nums, dens)


# --- access -----------------------------------------------------------------------------------


def access_share(area: str) -> Callable[[Context], Values]:
    km = ACCESS_KM[area]

    def compute(ctx: Context) -> Values:
        located = [v for v in ctx.villages if v.latitude is not None and v.longitude is not None]
        coords = {v.pk: (v.latitude, v.longitude) for v in located}
        points: list[tuple[float, float]] = []
        for p in ctx.places_of(area):
            if p.latitude is not None and p.longitude is not None:
                points.append((p.latitude, p.longitude))
            elif p.region_id in coords:
                lat, lon = coords[p.region_id]
                assert lat is not None and lon is not None
                points.append((lat, lon))  # no pin: its village's centroid
        dens = {v.pk: float(v.population) for v in located}
        nums: Values = {}
        if points and located:
            vp = np.array([(v.latitude, v.longitude) for v in located], dtype=float)
            fp = np.array(points, dtype=float)
            nearest = great_circle_matrix_km(vp[:, 0], vp[:, 1], fp[:, 0], fp[:, 1]).min(axis=1)
            nums = {
                v.pk: float(v.population) for v, d in zip(located, nearest, strict=True) if d <= km
            }
        return ctx.ratio(nums, dens)

    return compute


# --- use --------------------------------------------------------------------------------------


def facility_use_per_resident(area: str) -> Callable[[Context], Values]:
    def compute(ctx: Context) -> Values:
        used = ctx.use()
        nums: Values = {}
        for p in ctx.places_of(area):
            nums[p.region_id] = nums.get(p.region_id, 0.0) + used.get(p.pk, 0)
        return ctx.ratio(nums, ctx.village_population())

    return compute


def orders_per_1000(area: str) -> Callable[[Context], Values]:
    def compute(ctx: Context) -> Values:
        demand = ctx.demand()
        if demand is None:
            return {}
        nums = {v: float(p) for (v, a), (p, _u) in demand.items() if a == area}
        return ctx.ratio(nums, ctx.village_population(), 1000)

    return compute


# --- outcome ----------------------------------------------------------------------------------

# A share of fewer orders than this says little (like the ranking's minimum sample): the
# region has no value for the unmet share.
MIN_ORDERS = 5


def unmet_share(area: str) -> Callable[[Context], Values]:
    def compute(ctx: Context) -> Values:
        demand = ctx.demand()
        if demand is None:
            return {}
        nums = {v: float(u) for (v, a), (_p, u) in demand.items() if a == area}
        dens = {v: float(p) for (v, a), (p, _u) in demand.items() if a == area}
        placed = ctx.sums(dens)
        shares = ctx.ratio(nums, dens)
        return {pk: x for pk, x in shares.items() if placed.get(pk, 0) >= MIN_ORDERS}

    return compute


def _rates(ctx: Context) -> dict[int, Any]:
    """The three rates of the order loop per village (by the order's place), township and
    the county over the month's valid callbacks: ``orders.scoring.rates_from_counts`` on
    the counts the ranking uses (``orders.selectors.callback_counts``)."""
    if "rates" not in ctx._cache:
        from minsheng.orders.scoring import CallbackCounts, rates_from_counts
        from minsheng.orders.selectors import callback_counts, month_bounds, rate_weights

        since, until = month_bounds(ctx.month)
        w = rate_weights()
        villages = {v.pk for v in ctx.villages}
        counts: dict[int, CallbackCounts] = {
            pk: c
            for pk, c in callback_counts("order__region_id", since=since, until=until).items()
            if pk in villages
        }
        by_town = callback_counts("township_id", since=since, until=until)
        counts.update(by_town)
        if by_town and ctx.county_id:
            counts[ctx.county_id] = CallbackCounts(
                *(
                    sum(getattr(c, f) for c in by_town.values())
                    for f in CallbackCounts.__annotations__
                )
            )
        ctx._cache["rates"] = {pk: rates_from_counts(c, w) for pk, c in counts.items()}
    rates: dict[int, Any] = ctx._cache["rates"]
    return rates


def rate(name: str) -> Callable[[Context], Values]:
    def compute(ctx: Context) -> Values:
        out: Values = {}
        for pk, r in _rates(ctx).items():
            x = getattr(r, name)
            if x is not None:
                out[pk] = float(x)
        return out

    return compute


def survey_score(ctx: Context) -> Values:
    """The mean answer to the survey rating-scale questions about satisfaction (their text
    says 满意 or "satisf"), each answer scaled to 0–100 from the question's scale, over
    the responses submitted in the month, by the responding village."""
    from minsheng.voice.models import Answer, QuestionKind

    words = Q()
    for w in SATISFACTION_WORDS:
        words |= Q(question__text__icontains=w)
    rows = (
        Answer.objects.filter(
            words,
            question__kind=QuestionKind.SCALE,
            number__isnull=False,
            response__submitted_at__gte=ctx.instant(ctx.month),
            response__submitted_at__lt=ctx.instant(ctx.next_month),
        )
        .values_list("response__region_id", "number", "question__scale_min", "question__scale_max")
        .order_by()
    )
    nums: Values = {}
    dens: Values = {}
    for region, number, low, high in rows:
        if number is None or high <= low:
            continue
        nums[region] = nums.get(region, 0.0) + 100 * (number - low) / (high - low)
        dens[region] = dens.get(region, 0.0) + 1
    return ctx.ratio(nums, dens)


# --- variety ----------------------------------------------------------------------------------


def service_kinds(area: str) -> Callable[[Context], Values]:
    """Distinct menu items of the area delivered to each village in the rolling quarter."""

    def compute(ctx: Context) -> Values:
        from minsheng.orders.models import Order

        rows = (
            Order.objects.filter(
                area__code=area,
                service__isnull=False,
                delivered_at__gte=ctx.instant(ctx.quarter_start),
                delivered_at__lt=ctx.instant(ctx.next_month),
            )
            .values("region_id")
            .annotate(n=Count("service_id", distinct=True))
            .values_list("region_id", "n")
            .order_by()
        )
        got = dict(rows)
        return ctx.mean({v.pk: float(got.get(v.pk, 0)) for v in ctx.villages})

    return compute


def culture_activity_kinds(ctx: Context) -> Values:
    """Distinct activity kinds held in each village in the rolling quarter
    (``facilities.variety``: an activity nobody came to still counts as held)."""
    from minsheng.facilities.models import Activity, ActivityStatus

    rows = (
        Activity.objects.filter(
            status=ActivityStatus.HELD,
            starts_at__gte=ctx.instant(ctx.quarter_start),
            starts_at__lt=ctx.instant(ctx.next_month),
        )
        .values("village_id")
        .annotate(n=Count("kind_id", distinct=True))
        .values_list("village_id", "n")
        .order_by()
    )
    got = dict(rows)
    return ctx.mean({v.pk: float(got.get(v.pk, 0)) for v in ctx.villages})


# --- the registry -----------------------------------------------------------------------------


def _registry() -> dict[str, Callable[[Context], Values]]:
    out: dict[str, Callable[[Context], Values]] = {}
    for area, prefix in AREA_PREFIX.items():
        out[f"{prefix}_orders_per_1000"] = orders_per_1000(area)
        out[f"{prefix}_unmet_share"] = unmet_share(area)
    for area in AREA_KINDS:
        prefix = AREA_PREFIX[area]
        out[f"{prefix}_facilities_per_10k"] = facilities_per_10k(area)
        out[f"{prefix}_access_{ACCESS_KM[area]:g}km"] = access_share(area)
        out[f"{prefix}_use_per_resident"] = facility_use_per_resident(area)
    out["health_equipment_working"] = health_equipment_working
    out["health_service_kinds"] = service_kinds("health")
    out["elderly_service_kinds"] = service_kinds("elderly")
    out["culture_collection_freshness"] = culture_collection_freshness
    out["culture_activity_kinds"] = culture_activity_kinds
    out["response_rate"] = rate("response")
    out["resolution_rate"] = rate("resolution")
    out["satisfaction_rate"] = rate("satisfaction")
    out["survey_score"] = survey_score
    return out


REGISTRY: dict[str, Callable[[Context], Values]] = _registry()


def compute(code: str, ctx: Context) -> Values:
    """The values of the computed indicator ``code`` (KeyError if there is no function)."""
    return {pk: x for pk, x in REGISTRY[code](ctx).items() if math.isfinite(x)}


def codes() -> Iterable[str]:
    return REGISTRY.keys()
