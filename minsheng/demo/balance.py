"""The demo county's balance data (issue 11): what raising each service area costs
(spending bands, rural dearer than urban, each band dearer than the one below it), the
mountain townships' own weights (因地制宜), the imported statistics of the imported
indicators, and twelve months of indicator snapshots, so the planning pages have trends.

The story the figures tell comes from the rest of the demo: rural villages are short of
clinics and elderly-care points (``facility_stories``) and wait longer for their orders, so
their weakest plank is health or elderly care, while the town's is culture or a service
area with few orders.
"""

from __future__ import annotations

import random
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from minsheng.catalog.models import ServiceArea
from minsheng.insights.balance import indicator_snapshots
from minsheng.insights.demand import last_months, month_start
from minsheng.insights.models import (
    AreaAttainment,
    ImportedValue,
    Indicator,
    IndicatorValue,
    LocalWeight,
    PlanningRun,
    SpendingBand,
)
from minsheng.regions.models import Region

DEMO_MONTHS = 12
# Below this scale (the test suite's small demos) only the last few months are computed: a
# month's snapshot costs about a second, and the tests seed the demo dozens of times.
FULL_TREND_SCALE = 0.25
SHORT_TREND_MONTHS = 3


def demo_months(scale: float) -> int:
    """How many months of snapshots a demo of ``scale`` computes (imported values: all twelve)."""
    return DEMO_MONTHS if scale >= FULL_TREND_SCALE else SHORT_TREND_MONTHS


# Yuan per resident for a whole point of attainment in the first band, (rural, urban).
BASE_COST: dict[str, tuple[float, float]] = {
    "health": (420.0, 300.0),
    "elderly": (380.0, 260.0),
    "culture-sports": (160.0, 120.0),
    "education": (300.0, 240.0),
    "childcare": (220.0, 180.0),
    "employment": (140.0, 110.0),
    "housing": (500.0, 420.0),
    "vulnerable": (200.0, 160.0),
    "military": (90.0, 80.0),
}
# (lower, upper, cost multiple): returns to spending diminish as attainment nears 1.
BANDS = [(0.0, 0.5, 1.0), (0.5, 0.75, 1.5), (0.75, 0.9, 2.2), (0.9, 1.0, 3.2)]
# The mountain townships weigh elderly care and health above the county's neutral 1.
MOUNTAIN_TOWNSHIPS = ("Gaofeng Township", "Yuntai Township")
MOUNTAIN_WEIGHTS = {"elderly": 1.5, "health": 1.2}
# Imported statistics: (urban township, rural township) level, county in between.
IMPORTED: dict[str, tuple[float, float]] = {
    "health_doctors_per_1000": (3.6, 1.9),
    "elderly_beds_per_1000": (40.0, 21.0),
    "culture_sports_area": (2.9, 1.7),
}


def build_bands() -> int:
    """The spending bands of every area that has none yet (rural and urban rows)."""
    areas = {a.code: a for a in ServiceArea.objects.filter(code__in=BASE_COST)}
    have = set(SpendingBand.objects.values_list("area_id", flat=True))
    rows = []
    for code, (rural_cost, urban_cost) in BASE_COST.items():
        area = areas.get(code)
        if area is None or area.pk in have:
            continue
        for rural, cost in ((True, rural_cost), (False, urban_cost)):
            rows += [
                SpendingBand(area=area, rural=rural, lower=lo, upper=hi, yuan_per_resident=cost * k)
                for lo, hi, k in BANDS
            ]
    SpendingBand.objects.bulk_create(rows)
    return len(rows)


def build_balance(now: datetime, *, seed: int = 1, scale: float = 1.0) -> int:
    """Bands, local weights, imported values and the snapshots of the demo's last twelve
    months (``demo_months(scale)`` of them); the number of indicator values written."""
    from minsheng.demo.regions import demo_region_q

    rng = random.Random(seed * 7919 + 11)
    build_bands()
    regions = Region.objects.filter(demo_region_q())
    towns = list(regions.filter(level=Region.Level.TOWNSHIP).order_by("code"))
    county = regions.filter(level=Region.Level.COUNTY).first()
    areas = {a.code: a for a in ServiceArea.objects.filter(code__in=MOUNTAIN_WEIGHTS)}
    LocalWeight.objects.bulk_create(
        [
            LocalWeight(region=t, area=areas[code], weight=w)
            for t in towns
            if t.name_en in MOUNTAIN_TOWNSHIPS
            for code, w in MOUNTAIN_WEIGHTS.items()
            if code in areas
        ]
    )
    this = month_start(timezone.localtime(now).date())
    months = last_months(this, DEMO_MONTHS)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=IMPORTED)}
    stamp = timezone.now()
    imported = []
    for code, (urban, rural) in IMPORTED.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        level = {t.pk: (urban if t.kind == Region.Kind.URBAN else rural) for t in towns}
        for k, month in enumerate(months):
            drift = 1 + 0.01 * k  # a slow rise over the year
            for t in towns:
                imported.append(
                    ImportedValue(
                        indicator=indicator,
                        region=t,
                        month=month,
                        value=round(level[t.pk] * drift * rng.uniform(0.9, 1.1), 2),
                        imported_at=stamp,
                        source_note="演示数据 demo",
                    )
                )
            if county is not None:
                imported.append(
                    ImportedValue(
                        indicator=indicator,
                        region=county,
                        month=month,
                        value=round((urban + rural) / 2 * drift, 2),
                        imported_at=stamp,
                        source_note="演示数据 demo",
                    )
                )
    ImportedValue.objects.bulk_create(imported)
    computed = months[-demo_months(scale) :]
    written = sum(s.values for s in indicator_snapshots(months=computed))
    build_runs(this)
    return written


# The demo's saved runs, so the planning pages, and the monthly report, open on results: the
# budget a county might put into its shortest planks this year, and three new village clinics.
DEMO_BUDGET_SHARE = 0.2  # of the month's total gap in yuan
DEMO_CLINICS = 3
DEMO_RADIUS_KM = 3.0


def build_runs(month: date) -> list[PlanningRun]:
    """One allocation (leximin, a fifth of the county's gap) and one siting (maximal
    covering: three new village clinics within 3 km) run by the demo's county administrator
    through the services the planning pages use."""
    from minsheng.accounts.models import Role
    from minsheng.demo.regions import demo_region_q
    from minsheng.insights.allocation_cells import allocation_run_save
    from minsheng.insights.siting_inputs import siting_run_create

    county = Region.objects.filter(demo_region_q(), level=Region.Level.COUNTY).first()
    admin = (
        User.objects.filter(profile__role=Role.COUNTY_ADMIN, profile__region=county)
        .order_by("pk")
        .first()
    )
    if admin is None or county is None:
        return []
    gap = (
        AreaAttainment.objects.filter(
            month=month, region__level=Region.Level.VILLAGE, gap_yuan__isnull=False
        ).aggregate(total=Sum("gap_yuan"))["total"]
        or 0.0
    )
    runs = []
    if gap > 0:
        runs.append(
            allocation_run_save(
                actor=admin,
                scope=county,
                month=month,
                budget=round(gap * DEMO_BUDGET_SHARE, -4),
                objective="leximin",
                limits={},
                name="演示：今年预算补短板 (demo: this year's budget for the shortest planks)",
            )
        )
    runs.append(
        siting_run_create(
            actor=admin,
            scope=county,
            kind="clinic",
            model="mclp",
            p=DEMO_CLINICS,
            radius_km=DEMO_RADIUS_KM,
        )
    )
    return runs


def reset_balance(regions: QuerySet[Region]) -> int:
    """Delete the balance rows of the demo's regions (the snapshots protect them)."""
    deleted = PlanningRun.objects.filter(scope__in=regions).delete()[0]
    deleted += AreaAttainment.objects.filter(region__in=regions).delete()[0]
    deleted += IndicatorValue.objects.filter(region__in=regions).delete()[0]
    deleted += ImportedValue.objects.filter(region__in=regions).delete()[0]
    deleted += LocalWeight.objects.filter(Q(region__in=regions)).delete()[0]
    return deleted
