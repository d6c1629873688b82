"""Counter devices: the key shown once and kept hashed, revoking, and the device API's
refusals (wrong key, revoked, another facility, negative, over ten times the capacity, a
future date, an unknown kind), each writing nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from minsheng.core.errors import Conflict, PermissionDenied
from minsheng.facilities.models import CounterDevice, FacilityEvent, Kind, Status
from minsheng.facilities.services.use import (
    Unauthorized,
    counter_device_create,
    counter_device_revoke,
    device_counts_post,
)
from tests.facilities.factories import make_facility
from tests.facilities.use_helpers import counts_of, refused, snapshot

pytestmark = pytest.mark.django_db

URL = "/api/v1/facility-counts/"


@pytest.fixture
def door(world: Any) -> Any:
    world.shop = make_facility(world.village_a, capacity=30)
    world.other = make_facility(world.village_b)
    world.device, world.key = counter_device_create(
        actor=world.dispatcher_a, facility_id=world.shop.pk, name="Door counter"
    )
    return world


def _post(key: str | None, body: Any) -> Any:
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Device {key}")
    return client.post(URL, body, format="json")


def test_the_key_is_returned_once_and_kept_only_as_its_hash(door: Any) -> None:
    device = CounterDevice.objects.get()
    prefix, _dot, secret = door.key.partition(".")
    assert (device.key_prefix, len(prefix), len(secret) >= 40) == (prefix, 8, True)
    assert device.key_hash == hashlib.sha256(door.key.encode()).hexdigest()
    assert door.key not in str(list(CounterDevice.objects.values()))
    assert (device.active, device.last_seen_at, device.created_by_id) == (
        True,
        None,
        door.dispatcher_a.pk,
    )
    assert list(FacilityEvent.objects.values_list("action", "note")) == [
        ("device", f"+ Door counter ({prefix})")
    ]


def test_a_device_posts_its_counts_and_a_later_post_replaces_them(door: Any) -> None:
    today = timezone.localdate()
    response = _post(
        door.key, {"facility": door.shop.pk, "date": today.isoformat(), "counts": {"visits": 12}}
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("facility", "date", "source", "counts")} == {
        "facility": door.shop.pk,
        "date": today.isoformat(),
        "source": "device",
        "counts": {"visits": 12},
    }
    response = _post(
        door.key,
        {"facility": door.shop.pk, "date": today.isoformat(), "counts": {"visits": 30, "loans": 4}},
    )
    assert response.status_code == 201
    assert counts_of(door.shop) == [
        (today.isoformat(), "loans", 4, "device"),
        (today.isoformat(), "visits", 30, "device"),
    ]
    device = CounterDevice.objects.get()
    assert device.last_seen_at is not None
    assert timezone.now() - device.last_seen_at < timedelta(minutes=1)


def _refused_api(key: str | None, body: Any, status: int, errors: list[tuple[str, Any]]) -> None:
    before = snapshot()
    response = _post(key, body)
    assert response.status_code == status, response.content
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == errors
    assert snapshot() == before


def test_wrong_missing_or_malformed_keys_are_401(door: Any) -> None:
    body = {
        "facility": door.shop.pk,
        "date": timezone.localdate().isoformat(),
        "counts": {"visits": 1},
    }
    prefix = door.key.split(".")[0]
    for key in (f"{prefix}.wrong", "nothing-like-a-key", door.key + "x", "x" * 500):
        _refused_api(key, body, 401, [("device_key_invalid", None)])
    _refused_api(None, body, 401, [("device_key_invalid", None)])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {door.key}")
    assert client.post(URL, body, format="json").status_code == 401


def test_a_revoked_key_is_401(door: Any) -> None:
    counter_device_revoke(actor=door.county_admin, device_id=door.device.pk)
    body = {
        "facility": door.shop.pk,
        "date": timezone.localdate().isoformat(),
        "counts": {"visits": 1},
    }
    _refused_api(door.key, body, 401, [("device_key_invalid", None)])
    assert FacilityEvent.objects.count() == 2


def test_a_key_for_another_facility_is_403(door: Any) -> None:
    body = {
        "facility": door.other.pk,
        "date": timezone.localdate().isoformat(),
        "counts": {"visits": 1},
    }
    _refused_api(door.key, body, 403, [("device_other_facility", "facility")])


@pytest.mark.parametrize(
    ("day", "counts", "errors"),
    [
        (0, {"visits": -1}, [("negative", "counts.visits")]),
        (0, {"visits": 301}, [("absurd", "counts.visits")]),
        (1, {"visits": 1}, [("future_date", "date")]),
        (0, {"footfall": 1}, [("kind_unknown", "counts.footfall")]),
        (0, {"bookings": 1}, [("kind_not_fitting", "counts.bookings")]),
        (0, {"visits": "many"}, [("not_number", "counts.visits")]),
        (0, "12", [("no_counts", "counts")]),
        (None, {"visits": 1}, [("not_date", "date")]),
    ],
)
def test_bad_counts_are_400_naming_the_field(door: Any, day: Any, counts: Any, errors: Any) -> None:
    when = None if day is None else (timezone.localdate() + timedelta(days=day)).isoformat()
    body = {"facility": door.shop.pk, "date": when, "counts": counts}
    _refused_api(door.key, body, 400, errors)


def test_exactly_ten_times_the_capacity_is_accepted(door: Any) -> None:
    body = {
        "facility": door.shop.pk,
        "date": timezone.localdate().isoformat(),
        "counts": {"visits": 300},
    }
    assert _post(door.key, body).status_code == 201


def test_a_body_that_is_not_an_object_is_400(door: Any) -> None:
    before = snapshot()
    response = _post(door.key, [1, 2])
    assert response.status_code == 400
    assert snapshot() == before


def test_the_service_refuses_the_same_way(door: Any) -> None:
    today = timezone.localdate()
    refused(
        lambda: device_counts_post(key="bad", facility_id=door.shop.pk, day=today, counts={}),
        error=Unauthorized,
        errors=[("device_key_invalid", None)],
    )
    refused(
        lambda: device_counts_post(key=door.key, facility_id="x", day=today, counts={}),
        errors=[("invalid", "facility")],
    )


def test_only_managers_create_and_revoke_devices(door: Any) -> None:
    keeper_shop = make_facility(door.village_a, keepers=[door.grid_worker])
    for who in (door.grid_worker, door.dispatcher_b, door.resident):
        refused(
            lambda who=who: counter_device_create(actor=who, facility_id=keeper_shop.pk, name="x"),
            error=PermissionDenied,
            errors=[("not_permitted", None)],
        )
        refused(
            lambda who=who: counter_device_revoke(actor=who, device_id=door.device.pk),
            error=PermissionDenied,
            errors=[("not_permitted", None)],
        )


def test_a_device_needs_a_name_and_a_counted_facility(door: Any) -> None:
    refused(
        lambda: counter_device_create(actor=door.county_admin, facility_id=door.shop.pk, name=" "),
        errors=[("required", "name")],
    )
    road = make_facility(door.town_a, Kind.ROAD)
    planned = make_facility(door.village_a, status=Status.PLANNED)
    for f in (road, planned):
        refused(
            lambda f=f: counter_device_create(actor=door.county_admin, facility_id=f.pk, name="x"),
            errors=[("facility_not_in_use", "facility")],
        )


def test_revoking_twice_is_a_conflict(door: Any) -> None:
    counter_device_revoke(actor=door.dispatcher_a, device_id=door.device.pk)
    assert CounterDevice.objects.get().active is False
    refused(
        lambda: counter_device_revoke(actor=door.dispatcher_a, device_id=door.device.pk),
        error=Conflict,
        errors=[("device_revoked", "device")],
    )
