"""The demo county's facility register (issue 10): every kind, in every township.

Each rural village has a bookshop (农家书屋) and a clinic (村卫生室); each urban community a
library corner; each township a health centre, a cultural station, a sports ground, an
elderly-care point, and infrastructure (a road section, a bridge, a water works, street
lights). The other parts of issue 10 (use, collections, medicines and equipment, activities,
maintenance) seed onto these rows: ``DemoFacilities`` hands them the facilities by kind and by
village, in a fixed order, so each part picks its stories deterministically.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from minsheng.catalog.models import Service
from minsheng.demo.regions import Place
from minsheng.facilities.models import (
    Activity,
    ActivityRating,
    Condition,
    CounterDevice,
    Dispensing,
    Equipment,
    EquipmentEvent,
    Facility,
    FacilityEvent,
    FacilityPhoto,
    IdleFlag,
    Kind,
    MaintenanceBudget,
    MaintenancePlan,
    MedicineRequest,
    PortalViews,
    Signup,
    Status,
    Title,
    UseCount,
    WorkOrder,
    WorkOrderEvent,
)
from minsheng.regions.models import Region

# Opening hours (Monday = 0): what a village bookshop typically posts, and the variants.
WEEKDAY_DAYTIME = [{"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"}]
EVENINGS_AND_WEEKEND = [
    {"days": [0, 1, 2, 3, 4], "opens": "18:30", "closes": "21:00"},
    {"days": [5, 6], "opens": "09:00", "closes": "17:00"},
]
EVERY_DAY = [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "08:00", "closes": "18:00"}]
CLINIC_HOURS = [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "08:00", "closes": "17:30"}]

# kind -> (name suffix zh, en, capacity a day, services it delivers, build cost, design life)
TOWNSHIP_KINDS: list[tuple[str, str, str, int | None, tuple[str, ...], int, int]] = [
    (Kind.HEALTH_CENTRE, "卫生院", "Health Centre", 200,
     ("family-doctor", "chronic-followup", "elderly-health-check", "child-vaccination",
      "prenatal-checkup"), 6_000_000, 40),
    (Kind.CULTURAL, "综合文化站", "Cultural Station", 150,
     ("opera-to-village", "film-screening"), 1_500_000, 30),
    (Kind.SPORTS, "全民健身广场", "Sports Ground", 300,
     ("fitness-guidance", "square-dance-training"), 800_000, 20),
    (Kind.ELDERLY, "养老服务中心", "Elderly-Care Centre", 60,
     ("meal-delivery", "elderly-daycare", "home-haircut"), 2_000_000, 30),
]  # fmt: skip
INFRA_KINDS: list[tuple[str, str, str, int, int]] = [
    (Kind.ROAD, "通村公路", "Village Road", 3_000_000, 15),
    (Kind.BRIDGE, "公路桥", "Road Bridge", 2_500_000, 50),
    (Kind.WATER, "集中供水站", "Water Works", 1_800_000, 25),
    (Kind.LIGHTS, "路灯", "Street Lights", 300_000, 12),
]


@dataclass
class DemoFacilities:
    """The written facilities, by kind (each list ordered by code) and by village pk."""

    by_kind: dict[str, list[Facility]] = field(default_factory=dict)
    by_village: dict[int, list[Facility]] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)

    def of(self, kind: str) -> list[Facility]:
        return self.by_kind.get(kind, [])

    @property
    def all(self) -> list[Facility]:
        return [f for kind in self.by_kind.values() for f in kind]


def _near(region: Region, rng: random.Random, spread: float = 0.004) -> tuple[float, float]:
    lat = region.latitude or 0.0
    lon = region.longitude or 0.0
    return round(lat + rng.uniform(-spread, spread), 5), round(
        lon + rng.uniform(-spread, spread), 5
    )


def build_facilities(
    rng: random.Random, *, places: list[Place], towns: list[Region], now: datetime
) -> DemoFacilities:
    """Write the register (see the module docstring) and return it."""
    today = timezone.localdate(now)
    services = dict(Service.objects.values_list("code", "pk"))
    stamp = {"created_at": now, "updated_at": now}
    rows: list[tuple[Facility, tuple[str, ...]]] = []

    def opened(years_ago_low: int, years_ago_high: int) -> date:
        return today - timedelta(days=rng.randint(365 * years_ago_low, 365 * years_ago_high))

    for place in places:
        village = place.region
        lat, lon = _near(village, rng)
        rural = village.kind == Region.Kind.RURAL
        rows.append(
            (
                Facility(
                    code=f"{village.code}-bookshop",
                    name_zh=f"{village.name_zh}{'农家书屋' if rural else '社区图书角'}",
                    name_en=f"{village.name_en} {'Rural Bookshop' if rural else 'Library Corner'}",
                    kind=Kind.BOOKSHOP,
                    status=Status.OPEN,
                    region=village,
                    township=place.township,
                    latitude=lat,
                    longitude=lon,
                    address=f"{village.name_zh}村委会一楼"
                    if rural
                    else f"{village.name_zh}服务中心",
                    opening_hours=rng.choice(
                        [WEEKDAY_DAYTIME, WEEKDAY_DAYTIME, EVENINGS_AND_WEEKEND]
                    ),
                    capacity=rng.choice([20, 30, 40]),
                    opened_on=opened(3, 15),
                    built_cost=Decimal(rng.choice([50_000, 80_000, 120_000])),
                    design_life_years=20,
                    **stamp,
                ),
                ("rural-library",),
            )
        )
        if rural:
            lat, lon = _near(village, rng)
            rows.append(
                (
                    Facility(
                        code=f"{village.code}-clinic",
                        name_zh=f"{village.name_zh}村卫生室",
                        name_en=f"{village.name_en} Village Clinic",
                        kind=Kind.CLINIC,
                        status=Status.OPEN,
                        region=village,
                        township=place.township,
                        latitude=lat,
                        longitude=lon,
                        address=f"{village.name_zh}村委会旁",
                        opening_hours=CLINIC_HOURS,
                        capacity=rng.choice([30, 40, 60]),
                        opened_on=opened(5, 20),
                        built_cost=Decimal(rng.choice([150_000, 200_000, 300_000])),
                        design_life_years=30,
                        **stamp,
                    ),
                    ("family-doctor", "chronic-followup", "elderly-health-check"),
                )
            )
    for town in towns:
        for kind, zh, en, capacity, codes, cost, life in TOWNSHIP_KINDS:
            lat, lon = _near(town, rng, 0.01)
            rows.append(
                (
                    Facility(
                        code=f"{town.code}-{kind}",
                        name_zh=f"{town.name_zh}{zh}",
                        name_en=f"{town.name_en} {en}",
                        kind=kind,
                        status=Status.OPEN,
                        region=town,
                        township=town,
                        latitude=lat,
                        longitude=lon,
                        address=f"{town.name_zh}政府驻地",
                        opening_hours=CLINIC_HOURS if kind == Kind.HEALTH_CENTRE else EVERY_DAY,
                        capacity=capacity,
                        opened_on=opened(5, 25),
                        built_cost=Decimal(cost),
                        design_life_years=life,
                        **stamp,
                    ),
                    codes,
                )
            )
        for kind, zh, en, cost, life in INFRA_KINDS:
            lat, lon = _near(town, rng, 0.03)
            built = opened(2, 30)
            age = (today - built).days / 365
            condition = (
                Condition.GOOD
                if age < life * 0.4
                else Condition.FAIR
                if age < life * 0.8
                else Condition.POOR
            )
            rows.append(
                (
                    Facility(
                        code=f"{town.code}-{kind}",
                        name_zh=f"{town.name_zh}{zh}",
                        name_en=f"{town.name_en} {en}",
                        kind=kind,
                        status=Status.OPEN,
                        region=town,
                        township=town,
                        latitude=lat,
                        longitude=lon,
                        opened_on=built,
                        built_cost=Decimal(cost),
                        design_life_years=life,
                        condition=condition,
                        inspected_on=today - timedelta(days=rng.randint(30, 400)),
                        **stamp,
                    ),
                    (),
                )
            )
    written = Facility.objects.bulk_create([f for f, _codes in rows])
    links = [
        Facility.services.through(facility_id=f.pk, service_id=services[code])
        for f, (_row, codes) in zip(written, rows, strict=True)
        for code in codes
        if code in services
    ]
    Facility.services.through.objects.bulk_create(links)
    result = DemoFacilities(places=places)
    for f in sorted(written, key=lambda f: f.code):
        result.by_kind.setdefault(f.kind, []).append(f)
        result.by_village.setdefault(f.region_id, []).append(f)
    return result


def reset_facilities(regions: QuerySet[Region]) -> None:
    """Delete the demo's facilities and every row hanging off them (demo reset only; the
    reference lists, medicines, equipment types, the standard and activity kinds, are county
    data and stay). Append-only histories are removed with a raw delete, the one exception."""
    facilities = Facility.objects.filter(Q(region__in=regions) | Q(township__in=regions))
    activities = Activity.objects.filter(Q(township__in=regions) | Q(facility__in=facilities))
    ActivityRating.objects.filter(activity__in=activities).delete()
    Signup.objects.filter(activity__in=activities).delete()
    activities.delete()
    events = WorkOrderEvent.objects.filter(work_order__facility__in=facilities)
    events._raw_delete(events.db)
    WorkOrder.objects.filter(facility__in=facilities).delete()
    MaintenancePlan.objects.filter(facility__in=facilities).delete()
    MaintenanceBudget.objects.filter(region__in=regions).delete()
    MedicineRequest.objects.filter(Q(facility__in=facilities) | Q(township__in=regions)).delete()
    equipment_history = EquipmentEvent.objects.filter(equipment__facility__in=facilities)
    equipment_history._raw_delete(equipment_history.db)
    for model in (Dispensing, Equipment, Title, IdleFlag, UseCount, PortalViews, FacilityPhoto):
        model.objects.filter(facility__in=facilities).delete()
    CounterDevice.objects.filter(facility__in=facilities).delete()
    history = FacilityEvent.objects.filter(facility__in=facilities)
    history._raw_delete(history.db)
    Facility.services.through.objects.filter(facility__in=facilities).delete()
    Facility.keepers.through.objects.filter(facility__in=facilities).delete()
    facilities.delete()
