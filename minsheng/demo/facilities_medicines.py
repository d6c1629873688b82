"""The demo's medicines (issue 10, item 6): each clinic's and health centre's dispensing list,
a year of residents' medicine-request orders, and the requests collected from them.

- Most clinics may dispense most of their level's essential list (each entry with a
  probability of 0.9; a health centre 0.93 of both levels), a few township-level entries
  too; about one entry in twenty is out of stock.
- The story clinics short of medicines (``Stories.short_of_medicines``) lack the common
  antihypertensives and metformin (and, being village clinics, insulin is not theirs to
  dispense): residents of their villages order them through the menu item
  ``medicine-request`` ten times each over the year; a dozen more orders come from other
  villages (two clinics of the walk-through township, two each; never the walk-through
  village), some for medicines their clinic has (those do not count).
- The orders are played by ``demo.history.Sim`` (the lifecycle's own steps): reviewed,
  dispatched to the township's health team, delivered ("referred to the health centre" or
  "dispensed on referral"), then rated or closed automatically; written with the history's
  bulk writer. ``medicine_requests_collect`` (the nightly task's service) then records them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from minsheng.catalog.models import Service
from minsheng.demo.catalog import SeededProvider, SeededService
from minsheng.demo.facilities import DemoFacilities
from minsheng.demo.facility_stories import Stories
from minsheng.demo.history import EPOCH, Sim, write
from minsheng.demo.regions import DEMO_TOWNSHIP, Place
from minsheng.demo.users import People
from minsheng.facilities import medicine_rules as rules
from minsheng.facilities.models import Dispensing, Facility, Kind, Medicine
from minsheng.facilities.services.medicines import (
    ATTR_MEDICINE,
    ATTR_TEXT,
    OTHER,
    SERVICE_CODE,
    medicine_requests_collect,
)
from minsheng.orders.models import Action, Channel, Order, Rating, Satisfaction
from minsheng.orders.services.steps import limits_of

if TYPE_CHECKING:  # seed imports this module
    from minsheng.demo.seed import SeedSummary

# What the story clinics lack (besides the township-level list).
STORY_LACKS = ("amlodipine", "nifedipine", "captopril", "metformin")
# What their residents ask for, and how often (weights).
STORY_ASKS = [("insulin-regular", 4), ("amlodipine", 2), ("nifedipine", 2), ("metformin", 1)]
OTHER_ASKS = [("insulin-regular", 3), ("losartan", 2), ("atorvastatin", 1), ("amlodipine", 1)]
# Free texts a resident writes when choosing "other" (matched against names and keywords).
TEXTS = {
    "insulin-regular": ["家里老人要打胰岛素，村里没有", "胰岛素针"],
    "amlodipine": ["氨氯地平吃完了", "降压药氨氯地平"],
    "nifedipine": ["硝苯地平缓释片", "要硝苯地平"],
    "metformin": ["二甲双胍", "降糖的二甲双胍"],
    "losartan": ["氯沙坦钾片", "医生开的氯沙坦"],
    "atorvastatin": ["阿托伐他汀", "降血脂的他汀"],
}
DELIVERY_NOTES = [
    "已告知可到乡镇卫生院开药，并登记需求。",
    "已联系卫生院，下次巡诊带药。",
    "已转介到乡镇卫生院，家属代取。",
]
STORY_ORDERS = 10  # per story clinic
OTHER_ORDERS = 12


def _dispensing(
    rng: random.Random, facilities: DemoFacilities, story: Stories, medicines: list[Medicine]
) -> list[Dispensing]:
    short = {f.pk for f in story.short_of_medicines}
    rows: list[Dispensing] = []
    for f in facilities.of(Kind.CLINIC) + facilities.of(Kind.HEALTH_CENTRE):
        levels = rules.levels_for(f.kind)
        own = 0.93 if f.kind == Kind.HEALTH_CENTRE else 0.9
        for m in medicines:
            if f.pk in short and m.code in STORY_LACKS:
                continue
            p = own if m.level in levels else 0.12
            if rng.random() < p:
                rows.append(Dispensing(facility=f, medicine=m, in_stock=rng.random() > 0.05))
    return rows


def _provider(providers: list[SeededProvider], place: Place) -> SeededProvider:
    local = [p for p in providers if "public-health" in p.categories and place.key in p.towns]
    return local[0] if local else next(p for p in providers if p.key == "health-commission")


def _order(
    rng: random.Random,
    svc: SeededService,
    place: Place,
    people: People,
    code: str,
    day: datetime,
    provider: SeededProvider,
) -> Sim:
    residents = people.residents.get(place.region.pk) or []
    resident = rng.choice(residents) if residents else None
    if rng.random() < 0.7:
        answers = {ATTR_MEDICINE: code}
        description = "村卫生室没有这个药，每次都要去镇上买。"
    else:
        answers = {ATTR_MEDICINE: OTHER, ATTR_TEXT: rng.choice(TEXTS[code])}
        description = "希望村里能配这个药。"
    actor = resident[0] if resident else people.grid[place.key]
    order = Order(
        service_id=svc.obj.pk,
        area_id=svc.area_id,
        category_id=svc.category_id,
        urgency_id=svc.urgency_id,
        description=description,
        answers=answers,
        region_id=place.region.pk,
        township_id=place.township.pk,
        **place.spot(rng.uniform(-0.004, 0.004), rng.uniform(-0.004, 0.004)),
        address=f"{place.region.name_zh}{rng.randint(1, 12)}组",
        resident_id=resident[0] if resident else None,
        contact_name=resident[1] if resident else "",
        contact_phone=resident[2] if resident else "",
        created_by_id=actor,
        channel=Channel.WEB if resident else Channel.GRID_WORKER,
        created_at=EPOCH,
    )
    sim = Sim(order, limits_of(order), rng)
    dispatcher = people.dispatcher[place.key]
    staff = provider.staff[0]
    hour = timedelta(hours=1)
    sim.take(Action.APPROVE, sim.t + hour * rng.uniform(0.5, 3), actor=dispatcher)
    sim.take(
        Action.DISPATCH,
        sim.t + hour * rng.uniform(0.2, 2),
        actor=dispatcher,
        provider=provider.obj.pk,
    )
    sim.take(Action.ACCEPT, sim.t + hour * rng.uniform(0.2, 2), actor=staff)
    sim.take(Action.START, sim.t + hour * rng.uniform(1, 8), actor=staff)
    sim.take(
        Action.DELIVER,
        sim.t + hour * rng.uniform(4, 40),
        actor=staff,
        note=rng.choice(DELIVERY_NOTES),
    )
    if resident is not None and rng.random() < 0.75:
        satisfied = rng.random() < 0.6
        sim.rate(
            sim.t + hour * rng.uniform(2, 30),
            resident[0],
            via=Rating.Via.RESIDENT,
            contacted=True,
            solved=True,
            satisfaction=Satisfaction.SATISFIED if satisfied else Satisfaction.BASIC,
            comment="" if satisfied else "还是得去镇上拿药。",
        )
    else:
        sim.by_sweep(Action.AUTO_CLOSE)
    # Placed on ``day`` (a day of the last year), the whole life done before now.
    sim.shift(day - EPOCH)
    return sim


def seed_medicines(
    *,
    seed: int,
    now: datetime,
    facilities: DemoFacilities,
    story: Stories,
    people: People,
    providers: list[SeededProvider],
    services: list[SeededService],
    demo_village_pk: int,
    summary: SeedSummary,
) -> None:
    """Dispensing lists, medicine-request orders and their requests (see the module
    docstring); adds the orders, events and ratings written to ``summary``."""
    rng = random.Random(seed * 7907 + 4)
    medicines = list(Medicine.objects.order_by("code"))
    Dispensing.objects.bulk_create(_dispensing(rng, facilities, story, medicines), batch_size=2000)
    svc = next(s for s in services if s.spec.code == SERVICE_CODE)
    Service.objects.filter(pk=svc.obj.pk).update(published=True)
    places = {p.region.pk: p for p in facilities.places}
    start = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0)

    def day() -> datetime:
        return start - timedelta(days=rng.randint(8, 360), hours=rng.uniform(0, 8))

    def weighted(pairs: list[tuple[str, int]]) -> str:
        return rng.choices([c for c, _w in pairs], weights=[w for _c, w in pairs])[0]

    sims: list[Sim] = []
    for clinic in story.short_of_medicines:
        place = places[clinic.region_id]
        provider = _provider(providers, place)
        for _i in range(STORY_ORDERS):
            sims.append(_order(rng, svc, place, people, weighted(STORY_ASKS), day(), provider))
    story_pks = {f.region_id for f in story.short_of_medicines} | {demo_village_pk}
    others: list[Facility] = [f for f in facilities.of(Kind.CLINIC) if f.region_id not in story_pks]
    # The walk-through dispatcher's township sees a few requests (two clinics, two each:
    # not short); the rest come from anywhere.
    home = [f for f in others if places[f.region_id].key == DEMO_TOWNSHIP][:2]
    rest = [f for f in others if f not in home]
    picked = home + home + rng.sample(rest, min(OTHER_ORDERS - 2 * len(home), len(rest)))
    for clinic in picked:
        place = places[clinic.region_id]
        sims.append(
            _order(
                rng, svc, place, people, weighted(OTHER_ASKS), day(), _provider(providers, place)
            )
        )
    orders, events, ratings = write(sims)
    summary.orders += orders
    summary.events += events
    summary.ratings += ratings
    medicine_requests_collect(now=now)
