"""Staff entry of a day's counts (``use_count_record``): what fits each kind of facility,
the refusals (each writing nothing) and replacing a day's figure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.core.errors import NotFound, PermissionDenied
from minsheng.facilities.models import Kind, Status, Title, UseSource
from minsheng.facilities.selectors.use import fitting_kinds, kinds_for
from minsheng.facilities.services.use import CEILING, use_count_record
from tests.facilities.factories import make_facility
from tests.facilities.use_helpers import counts_of, refused

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate()


def test_each_kind_of_facility_counts_visits_and_its_own_kind() -> None:
    assert fitting_kinds(Kind.BOOKSHOP) == ["visits", "loans"]
    assert fitting_kinds(Kind.CLINIC) == ["visits", "consultations"]
    assert fitting_kinds(Kind.HEALTH_CENTRE) == ["visits", "consultations"]
    assert fitting_kinds(Kind.CULTURAL) == ["visits", "bookings"]
    assert fitting_kinds(Kind.CULTURAL, has_collection=True) == ["visits", "loans", "bookings"]
    assert fitting_kinds(Kind.SPORTS) == ["visits", "bookings"]
    assert fitting_kinds(Kind.ELDERLY) == ["visits", "bookings"]
    for kind in (Kind.ROAD, Kind.BRIDGE, Kind.WATER, Kind.LIGHTS):
        assert fitting_kinds(kind) == []


def test_a_cultural_station_with_titles_counts_loans(world: Any) -> None:
    station = make_facility(world.town_a, Kind.CULTURAL)
    assert kinds_for(station) == ["visits", "bookings"]
    Title.objects.create(
        facility=station, title="农业技术", subject="S", year=2024, copies=2, added_on=_today()
    )
    assert kinds_for(station) == ["visits", "loans", "bookings"]


def test_a_keeper_records_a_day_and_a_second_entry_replaces_it(world: Any) -> None:
    shop = make_facility(world.village_a, keepers=[world.grid_worker])
    day = _today() - timedelta(days=1)
    rows = use_count_record(
        actor=world.grid_worker,
        facility_id=shop.pk,
        day=day.isoformat(),
        counts={"visits": "12", "loans": 0},
    )
    assert [(r.kind, r.count, r.source, r.recorded_by_id) for r in rows] == [
        ("visits", 12, "staff", world.grid_worker.pk),
        ("loans", 0, "staff", world.grid_worker.pk),
    ]
    use_count_record(
        actor=world.dispatcher_a, facility_id=shop.pk, day=day, counts={"visits": 15, "loans": ""}
    )
    assert counts_of(shop) == [
        (day.isoformat(), "loans", 0, "staff"),
        (day.isoformat(), "visits", 15, "staff"),
    ]


def test_staff_entry_is_kept_apart_from_a_device(world: Any) -> None:
    shop = make_facility(world.village_a)
    day = _today()
    from minsheng.facilities.models import UseCount

    UseCount.objects.create(
        facility=shop, day=day, kind="visits", count=20, source=UseSource.DEVICE,
        recorded_at=timezone.now(),
    )  # fmt: skip
    use_count_record(actor=world.county_admin, facility_id=shop.pk, day=day, counts={"visits": 9})
    assert counts_of(shop) == [
        (day.isoformat(), "visits", 20, "device"),
        (day.isoformat(), "visits", 9, "staff"),
    ]


def test_capacity_ten_times_is_the_limit(world: Any) -> None:
    shop = make_facility(world.village_a, capacity=30)
    use_count_record(
        actor=world.county_admin, facility_id=shop.pk, day=_today(), counts={"visits": 300}
    )
    refused(
        lambda: use_count_record(
            actor=world.county_admin, facility_id=shop.pk, day=_today(), counts={"visits": 301}
        ),
        errors=[("absurd", "counts.visits")],
    )


def test_without_a_capacity_the_ceiling_holds(world: Any) -> None:
    shop = make_facility(world.village_a, capacity=None)
    use_count_record(
        actor=world.county_admin, facility_id=shop.pk, day=_today(), counts={"visits": CEILING}
    )
    refused(
        lambda: use_count_record(
            actor=world.county_admin,
            facility_id=shop.pk,
            day=_today(),
            counts={"loans": CEILING + 1},
        ),
        errors=[("absurd", "counts.loans")],
    )


@pytest.mark.parametrize(
    ("day", "counts", "errors"),
    [
        ("tomorrow", {"visits": 3}, [("future_date", "date")]),
        ("2026-02-30", {"visits": 3}, [("not_date", "date")]),
        ("", {"visits": 3}, [("not_date", "date")]),
        ("today", {"visits": -1}, [("negative", "counts.visits")]),
        ("today", {"visits": "3.5"}, [("not_number", "counts.visits")]),
        ("today", {"visits": True}, [("not_number", "counts.visits")]),
        ("today", {"visitors": 3}, [("kind_unknown", "counts.visitors")]),
        ("today", {"consultations": 3}, [("kind_not_fitting", "counts.consultations")]),
        ("today", {"orders": 3}, [("kind_not_fitting", "counts.orders")]),
        ("today", {"visits": ""}, [("no_counts", "counts")]),
        ("today", {}, [("no_counts", "counts")]),
        ("today", [3], [("no_counts", "counts")]),
        (
            "tomorrow",
            {"visits": -2, "loans": 999},
            [("future_date", "date"), ("negative", "counts.visits"), ("absurd", "counts.loans")],
        ),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    world: Any, day: str, counts: Any, errors: Any
) -> None:
    shop = make_facility(world.village_a, keepers=[world.grid_worker])
    when = {"today": _today().isoformat(), "tomorrow": (_today() + timedelta(days=1)).isoformat()}
    refused(
        lambda: use_count_record(
            actor=world.grid_worker, facility_id=shop.pk, day=when.get(day, day), counts=counts
        ),
        errors=errors,
    )


@pytest.mark.parametrize("status", [Status.PLANNED, Status.ABANDONED])
def test_a_planned_or_abandoned_facility_has_no_use(world: Any, status: str) -> None:
    shop = make_facility(world.village_a, status=status)
    refused(
        lambda: use_count_record(
            actor=world.county_admin, facility_id=shop.pk, day=_today(), counts={"visits": 1}
        ),
        errors=[("facility_not_in_use", "facility")],
    )


def test_a_closed_facility_records_its_past_days(world: Any) -> None:
    shop = make_facility(world.village_a, status=Status.CLOSED)
    use_count_record(
        actor=world.county_admin, facility_id=shop.pk, day=_today(), counts={"visits": 0}
    )
    assert counts_of(shop) == [(_today().isoformat(), "visits", 0, "staff")]


def test_infrastructure_has_no_use(world: Any) -> None:
    road = make_facility(world.town_a, Kind.ROAD)
    refused(
        lambda: use_count_record(
            actor=world.county_admin, facility_id=road.pk, day=_today(), counts={"visits": 1}
        ),
        errors=[("facility_not_in_use", "facility")],
    )


def test_only_keepers_and_managers_record(world: Any) -> None:
    shop = make_facility(world.village_a, keepers=[world.grid_worker])
    for who in (world.resident, world.dispatcher_b, world.provider_staff):
        refused(
            lambda who=who: use_count_record(
                actor=who, facility_id=shop.pk, day=_today(), counts={"visits": 1}
            ),
            error=PermissionDenied,
            errors=[("not_permitted", "facility")],
        )
    refused(
        lambda: use_count_record(
            actor=world.county_admin, facility_id=10**9, day=_today(), counts={"visits": 1}
        ),
        error=NotFound,
        errors=[("facility_not_found", "facility")],
    )
