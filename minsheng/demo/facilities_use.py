"""A year of use at the demo county's facilities (issue 10, part 3).

Every open facility that is not infrastructure gets a count of visits on each day it is open
(from its opening hours, since it opened), and its own kind: loans at bookshops,
consultations at clinics and health centres, bookings at sports grounds, cultural stations
and elderly-care points; entered by staff. The level follows the population served and the
kind, with a weekday pattern (weekends busier for reading, sport and culture, clinics quieter
on Sundays) and a season (holidays for reading, summer for sport, winter for clinics), and
stays under the facility's capacity. The idle facilities of ``facility_stories`` get a small
fraction of their peers' use, falling further in the last 90 days. Two urban library
corners have a counter device posting visits for the last 90 days (source DEVICE, a little
above what staff counted: the one rule takes the larger). Orders delivered at facilities
are then counted through ``order_use_collect``, as the nightly task does.

Written in bulk (a few hundred thousand rows: plain tuples, one ``bulk_create`` per batch).
"""

from __future__ import annotations

import hashlib
import math
import random
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from minsheng.demo.facilities import DemoFacilities
from minsheng.demo.facility_stories import Stories
from minsheng.facilities.models import (
    INFRASTRUCTURE,
    CounterDevice,
    Facility,
    Kind,
    Status,
    UseCount,
    UseKind,
    UseSource,
)
from minsheng.facilities.services.use import order_use_collect
from minsheng.regions.models import Region

DAYS = 365
# kind -> (visits a day per resident served, the second kind, its share of visits)
RATES: dict[str, tuple[float, str, float]] = {
    Kind.BOOKSHOP: (0.005, UseKind.LOANS, 0.6),
    Kind.CLINIC: (0.007, UseKind.CONSULTATIONS, 0.8),
    Kind.HEALTH_CENTRE: (0.004, UseKind.CONSULTATIONS, 0.75),
    Kind.CULTURAL: (0.002, UseKind.BOOKINGS, 0.1),
    Kind.SPORTS: (0.004, UseKind.BOOKINGS, 0.05),
    Kind.ELDERLY: (0.0012, UseKind.BOOKINGS, 0.3),
}
WEEKEND: dict[str, float] = {Kind.BOOKSHOP: 1.5, Kind.CULTURAL: 1.6, Kind.SPORTS: 1.5}
IDLE_SHARE = 0.2  # an idle facility's use against its peers', before the last 90 days
IDLE_LAST = 0.05  # ... falling to this by today


def _season(kind: str, month: int) -> float:
    if kind == Kind.BOOKSHOP and month in (1, 2, 7, 8):  # school holidays
        return 1.3
    if kind == Kind.SPORTS:
        return 1.3 if month in (5, 6, 7, 8, 9) else 0.7 if month in (12, 1, 2) else 1.0
    if kind in (Kind.CLINIC, Kind.HEALTH_CENTRE) and month in (12, 1, 2, 3):
        return 1.2
    return 1.0


def _weekday(kind: str, weekday: int) -> float:
    if weekday >= 5:
        if kind in (Kind.CLINIC, Kind.HEALTH_CENTRE):
            return 0.7 if weekday == 6 else 0.9
        return WEEKEND.get(kind, 1.0)
    return 1.0


def _open_days(facility: Facility) -> set[int]:
    days = {d for period in facility.opening_hours or [] for d in period.get("days", [])}
    return days or set(range(7))


def _idle_factor(days_ago: int) -> float:
    if days_ago >= 90:
        return IDLE_SHARE
    return IDLE_LAST + (IDLE_SHARE - IDLE_LAST) * days_ago / 90


def seed_facility_use(
    *,
    facilities: DemoFacilities,
    story: Stories,
    admin_id: int,
    now: datetime,
    seed: int,
) -> int:
    """Write the year of use (see the module docstring); the number of counts written."""
    rng = random.Random(seed * 7907 + 3)
    today = timezone.localdate(now)
    first = today - timedelta(days=DAYS - 1)
    idle = {f.pk for f in story.idle}
    regions = {
        r.pk: r
        for r in Region.objects.filter(pk__in={f.region_id for f in facilities.all}).only(
            "pk", "population", "kind"
        )
    }
    counted = [
        f
        for f in facilities.all
        if f.kind not in INFRASTRUCTURE and f.status == Status.OPEN and f.kind in RATES
    ]
    urban_shops = [
        f
        for f in facilities.of(Kind.BOOKSHOP)
        if regions[f.region_id].kind == Region.Kind.URBAN and f.pk not in idle
    ][:2]
    devices = CounterDevice.objects.bulk_create(
        [
            CounterDevice(
                facility=f,
                name=f"门口计数器 {i}",
                key_prefix=f"demo{i:04d}",
                # The key is not known to anyone: the demo's devices cannot post.
                key_hash=hashlib.sha256(f"demo-{seed}-{rng.random()}".encode()).hexdigest(),
                created_by_id=admin_id,
                created_at=now - timedelta(days=120),
                last_seen_at=now - timedelta(hours=rng.randint(1, 20)),
            )
            for i, f in enumerate(urban_shops, start=1)
        ]
    )
    device_of = {d.facility_id: d.pk for d in devices}
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    staff, device = UseSource.STAFF.value, UseSource.DEVICE.value
    visits_kind = UseKind.VISITS.value
    rows: list[tuple[Any, ...]] = []
    days = [
        (first + timedelta(days=i), ops.adapt_datefield_value(first + timedelta(days=i)))
        for i in range(DAYS)
    ]
    for f in counted:
        rate, second, share = RATES[f.kind]
        served = f.population_served or regions[f.region_id].population or 1000
        cap = f.capacity or 10_000
        # A busy facility runs at most at 60% of its capacity on an ordinary day.
        base = min(served * rate, 0.6 * cap)
        open_days = _open_days(f)
        since = f.opened_on or first
        is_idle = f.pk in idle
        for day, stored in days:
            weekday = day.weekday()
            if weekday not in open_days or day < since:
                continue
            level = base * _weekday(f.kind, weekday) * _season(f.kind, day.month)
            if is_idle:
                level *= _idle_factor((today - day).days)
            visits = min(cap, round(level * (0.7 + 0.6 * rng.random())))
            other = min(cap, round(visits * share * (0.6 + 0.6 * rng.random())))
            rows.append((f.pk, stored, visits_kind, visits, staff, None, at))
            rows.append((f.pk, stored, second, other, staff, None, at))
            if f.pk in device_of and (today - day).days < 90:
                counted_by_device = min(cap, math.ceil(visits * 1.1))
                rows.append(
                    (f.pk, stored, visits_kind, counted_by_device, device, device_of[f.pk], at)
                )
    _insert(rows)
    collected = order_use_collect(day_from=first, day_to=today)
    return len(rows) + collected.counts


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """Multi-row INSERTs of (facility, day, kind, count, source, device, recorded at): a
    few hundred thousand counts through ``bulk_create`` would take seconds spent preparing
    values that need no preparation (as ``demo.history`` writes its events)."""
    ops = connection.ops
    table = ops.quote_name(UseCount._meta.db_table)
    names = ["facility_id", "day", "kind", "count", "source", "device_id", "recorded_at"]
    columns = ", ".join(ops.quote_name(n) for n in names)
    if connection.vendor == "postgresql":
        # COPY: the rows stream in one statement (psycopg 3), some ten times faster than
        # multi-row INSERTs, whose parameters psycopg quotes one by one (~20 s a seed).
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    per = 1200  # 8,400 parameters a statement: under SQLite's and PostgreSQL's limits
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            batch = rows[start : start + per]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
            params: list[Any] = [v for r in batch for v in r]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)  # noqa: S608 (names from the model, values as parameters)
