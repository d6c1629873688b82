"""The register part's demo data (issue 10, items 1 and 2): a year of daily portal views of
the public facilities, contacts on every facility residents visit, and the demo village's
keepers.

Township facilities (health centre, cultural station, sports ground, elderly-care point) are
looked up more than village ones; weekends a little more than weekdays. The two facilities
whose idleness is a publicity story (``story.idle_publicity`` and ``story.idle_two_causes``)
are almost never looked up: a few views a year. Infrastructure is not a place people visit
and gets none. The demo village's bookshop is kept by the demo grid worker (the walk-through
logs in as them to enter its use and books). Written in bulk, from its own random stream.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from minsheng.accounts.selectors import profile_of
from minsheng.demo.facilities import DemoFacilities
from minsheng.demo.facility_stories import Stories
from minsheng.demo.users import People, person
from minsheng.facilities.models import INFRASTRUCTURE, Facility, Kind, PortalViews, Status

DAYS = 365
# Mean views a day of a facility's public page, by where it is.
TOWNSHIP_MEAN = 3.0
VILLAGE_MEAN = 0.6
HIDDEN_MEAN = 0.02  # nobody knows of it
WEEKEND = 1.4
TOWNSHIP_KINDS = frozenset({Kind.HEALTH_CENTRE, Kind.CULTURAL, Kind.SPORTS, Kind.ELDERLY})


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method: the means here are small)."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def seed_portal_views(
    *,
    facilities: DemoFacilities,
    story: Stories,
    people: People,
    demo_village_pk: int | None,
    now: datetime,
    seed: int,
) -> int:
    """Write the portal views, contacts and demo keepers; return the number of view rows."""
    rng = random.Random(seed * 7907 + 1)
    today = timezone.localdate(now)
    hidden = {story.idle_publicity.pk, story.idle_two_causes.pk}
    visited = [
        f
        for f in facilities.all
        if f.kind not in INFRASTRUCTURE and f.status in (Status.OPEN, Status.CLOSED)
    ]
    rows: list[tuple[int, date, int]] = []
    for facility in visited:
        if facility.pk in hidden:
            mean = HIDDEN_MEAN
        elif facility.kind in TOWNSHIP_KINDS:
            mean = TOWNSHIP_MEAN
        else:
            mean = VILLAGE_MEAN
        start = _first_day(facility, today)
        for back in range((today - start).days, -1, -1):
            day = today - timedelta(days=back)
            views = _poisson(rng, mean * (WEEKEND if day.weekday() >= 5 else 1.0))
            if views:
                rows.append((facility.pk, day, views))
    _insert(rows)
    _contacts(rng, visited)
    _demo_keepers(facilities, people, demo_village_pk)
    return len(rows)


def _insert(rows: list[tuple[int, date, int]]) -> None:
    """Demo data, written fast: one prepared INSERT for ~100,000 rows (the ORM's bulk_create
    builds an object per row and takes several times as long)."""
    meta = PortalViews._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(str(getattr(meta.get_field(name), "column", name)))
        for name in ("facility", "day", "views")
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s)",  # noqa: S608
                rows[start : start + 10_000],
            )


def _first_day(facility: Facility, today: date) -> date:
    first = today - timedelta(days=DAYS - 1)
    if facility.opened_on is not None and facility.opened_on > first:
        return facility.opened_on
    return first


def _contacts(rng: random.Random, visited: list[Facility]) -> None:
    changed = []
    for facility in visited:
        if facility.contact_name:
            continue
        facility.contact_name, facility.contact_phone = person(rng)
        changed.append(facility)
    Facility.objects.bulk_update(changed, ["contact_name", "contact_phone"], batch_size=500)


def _demo_keepers(facilities: DemoFacilities, people: People, demo_village_pk: int | None) -> None:
    """The demo grid worker keeps the demo village's bookshop. (The demo provider is a
    volunteer team, not a clinic's doctor: it keeps no clinic.)"""
    if demo_village_pk is None:
        return
    for facility in facilities.by_village.get(demo_village_pk, []):
        if facility.kind == Kind.BOOKSHOP:
            grid = User.objects.get(pk=people.demo_grid)
            facility.keepers.add(grid)
            profile = profile_of(grid)
            if profile is not None and profile.display_name:
                Facility.objects.filter(pk=facility.pk).update(
                    contact_name=profile.display_name, contact_phone=profile.phone
                )
