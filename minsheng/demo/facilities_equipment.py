"""The demo county's equipment (issue 10, part 7): every clinic and health centre equipped
to its kind's standard configuration, with ages spread over the first three quarters of the
items' lives (the demo stays true for months), some degraded, and a few items at the cultural
stations and sports grounds.

The stories (``facility_stories``): each of ``story.backward_equipment`` lacks an item the
standard requires, has one broken and one past its life; the idle clinic
(``story.idle_equipment``) has its key diagnostic items broken (the blood-pressure monitor,
the glucose meter, the stethoscope). Every other clinic and centre meets the standard, so
the report names the story facilities and no others. Written in bulk.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from minsheng.demo.facilities import DemoFacilities
from minsheng.demo.facility_stories import Stories
from minsheng.facilities.models import (
    Equipment,
    EquipmentAction,
    EquipmentEvent,
    EquipmentState,
    EquipmentType,
    Facility,
    Kind,
    StandardItem,
    Status,
)

# type code -> (replacement cost in yuan, typical uses a month)
PROFILE: dict[str, tuple[int, int]] = {
    "exam-couch": (1_500, 120),
    "stethoscope": (300, 200),
    "sphygmomanometer": (400, 180),
    "thermometer": (60, 150),
    "height-weight-scale": (1_200, 40),
    "glucose-meter": (500, 60),
    "visiting-bag": (800, 10),
    "treatment-tray": (200, 80),
    "steriliser": (6_000, 30),
    "medicine-fridge": (4_500, 30),
    "computer": (5_000, 200),
    "ecg": (18_000, 20),
    "nebuliser": (1_500, 25),
    "x-ray": (600_000, 150),
    "ultrasound": (300_000, 120),
    "biochem-analyser": (250_000, 300),
    "haematology-analyser": (120_000, 300),
    "urine-analyser": (40_000, 200),
    "defibrillator": (60_000, 2),
    "oxygen": (30_000, 40),
    "ambulance": (350_000, 25),
    "projector": (6_000, 8),
    "sound-system": (12_000, 10),
    "fitness-set": (40_000, 600),
    "table-tennis": (3_000, 200),
}
KEY_DIAGNOSTIC = ("sphygmomanometer", "glucose-meter", "stethoscope")
# for each backward story facility (by kind): what is missing, broken, past its life
BACKWARD_CLINIC = [
    ("glucose-meter", "steriliser", "medicine-fridge"),
    ("thermometer", "visiting-bag", "computer"),
    ("height-weight-scale", "exam-couch", "steriliser"),
]
BACKWARD_CENTRE = ("ultrasound", "x-ray", "ambulance")
OTHER_KINDS = {
    Kind.CULTURAL: ("projector", "sound-system"),
    Kind.SPORTS: ("fitness-set", "table-tennis"),
}


@dataclass
class EquipmentSummary:
    items: int = 0
    events: int = 0


def _years_ago(today: date, years: float) -> date:
    return today - timedelta(days=round(years * 365.25))


def seed_equipment(
    *, facilities: DemoFacilities, story: Stories, now: datetime, seed: int
) -> EquipmentSummary:
    rng = random.Random(seed * 7877 + 5)
    today = now.date()
    types = {t.code: t for t in EquipmentType.objects.all()}
    standard: dict[str, list[StandardItem]] = {}
    for line in StandardItem.objects.select_related("equipment_type").order_by(
        "kind", "equipment_type__code"
    ):
        standard.setdefault(line.kind, []).append(line)

    # each story facility: (missing, broken, past life) type codes
    plans: dict[int, tuple[str, str, str]] = {}
    story_clinics = [f for f in story.backward_equipment if f.kind == Kind.CLINIC]
    others = [f for f in story_clinics if f.pk != story.idle_equipment.pk]
    for f, plan in zip(others, BACKWARD_CLINIC, strict=False):
        plans[f.pk] = plan
    for f in story.backward_equipment:
        if f.kind == Kind.HEALTH_CENTRE:
            plans[f.pk] = BACKWARD_CENTRE
    idle = story.idle_equipment
    plans[idle.pk] = ("height-weight-scale", "sphygmomanometer", "exam-couch")

    items: list[Equipment] = []
    broken_story: list[Equipment] = []

    def make(f: Facility, code: str, *, age: float, state: str = EquipmentState.WORKING) -> None:
        kind = types[code]
        cost, uses = PROFILE.get(code, (1_000, 20))
        purchased = _years_ago(today, age)
        serviced = None
        if rng.random() < 0.7:
            serviced = purchased + timedelta(days=rng.randint(0, max(0, (today - purchased).days)))
        item = Equipment(
            facility=f,
            equipment_type=kind,
            purchased_on=purchased,
            state=state,
            last_service_on=serviced,
            uses_per_month=max(0, round(uses * rng.uniform(0.4, 1.5))),
            replacement_cost=Decimal(cost),
        )
        items.append(item)
        if state == EquipmentState.BROKEN and f.pk in plans:
            broken_story.append(item)

    for kind in (Kind.CLINIC, Kind.HEALTH_CENTRE):
        for f in facilities.of(kind):
            if f.status == Status.PLANNED:
                continue
            missing, broken, old = plans.get(f.pk, ("", "", ""))
            for line in standard.get(kind, []):
                code = line.equipment_type.code
                life = line.equipment_type.expected_life_years
                if not line.required and rng.random() < 0.6:
                    continue  # the larger clinics only
                for n in range(line.quantity):
                    if code == missing and n == line.quantity - 1:
                        continue
                    age = rng.uniform(0.1, 0.75) * life
                    state = (
                        EquipmentState.DEGRADED if rng.random() < 0.06 else EquipmentState.WORKING
                    )
                    if code == old and n == 0:
                        age = life * rng.uniform(1.2, 1.6)
                    if (code == broken and n == 0) or (f.pk == idle.pk and code in KEY_DIAGNOSTIC):
                        state = EquipmentState.BROKEN
                    make(f, code, age=age, state=state)
    for kind, codes in OTHER_KINDS.items():
        for i, f in enumerate(facilities.of(kind)):
            if f.status == Status.PLANNED or i % 2:
                continue
            for code in codes:
                make(f, code, age=rng.uniform(0.1, 0.75) * types[code].expected_life_years)

    Equipment.objects.bulk_create(items, batch_size=1000)
    events = [
        EquipmentEvent(
            equipment=item,
            action=EquipmentAction.STATE,
            old_state=EquipmentState.WORKING,
            new_state=EquipmentState.BROKEN,
            note="坏了，等待维修或更换"
            if item.facility_id != idle.pk
            else "无法使用，村民只能去乡镇卫生院",
            created_at=now - timedelta(days=rng.randint(40, 200)),
        )
        for item in broken_story
    ]
    EquipmentEvent.objects.bulk_create(events)
    return EquipmentSummary(items=len(items), events=len(events))
