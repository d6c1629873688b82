"""The register's services: an entry created, updated, its status, keepers, photos and the
public page's view counter; exact rows and history, and refusals that write nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from minsheng.core.errors import Code, Conflict, NotFound, PermissionDenied
from minsheng.facilities.errors import RegisterCode
from minsheng.facilities.models import Facility, FacilityEvent, FacilityPhoto, PortalViews
from minsheng.facilities.services import register as svc
from tests.facilities.factories import make_facility
from tests.facilities.register_helpers import TODAY, entry, raw, refused
from tests.helpers import T0

pytestmark = pytest.mark.django_db


def test_a_dispatcher_registers_a_facility_in_a_village_of_the_township(world):
    facility = svc.facility_create(actor=world.dispatcher_a, entry=entry(), now=T0)
    row = Facility.objects.filter(pk=facility.pk).values().get()
    assert row["code"] == "v1-bookshop"
    assert row["kind"] == "bookshop"
    assert row["status"] == "open"
    assert row["region_id"] == world.village_a.pk
    assert row["township_id"] == world.town_a.pk
    assert row["opening_hours"] == [
        {"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"},
        {"days": [5, 6], "opens": "09:00", "closes": "12:00"},
    ]
    assert (row["latitude"], row["longitude"]) == (30.01, 110.01)
    assert (row["capacity"], row["population_served"]) == (30, 800)
    assert row["opened_on"] == date(2019, 5, 1)
    assert row["created_at"] == row["updated_at"] == T0
    assert [s.code for s in facility.services.all()] == ["meal-delivery"]
    events = list(
        FacilityEvent.objects.filter(facility=facility).values_list(
            "action", "actor_id", "audience", "created_at"
        )
    )
    assert events == [("created", world.dispatcher_a.pk, "staff", T0)]


def test_a_township_facility_is_its_own_township(world):
    facility = svc.facility_create(
        actor=world.county_admin, entry=entry(code="t2-sports", kind="sports", region="T2"), now=T0
    )
    assert (facility.region_id, facility.township_id) == (world.town_b.pk, world.town_b.pk)


def test_registering_outside_the_scope_is_refused(world):
    refused(
        lambda: svc.facility_create(actor=world.dispatcher_b, entry=entry(), now=T0),
        errors=[(Code.NOT_PERMITTED, None)],
        error=PermissionDenied,
    )
    refused(
        lambda: svc.facility_create(actor=world.resident, entry=entry(), now=T0),
        errors=[(Code.NOT_PERMITTED, None)],
        error=PermissionDenied,
    )


def test_a_code_taken_is_refused(world):
    make_facility(world.village_a, code="v1-bookshop")
    refused(
        lambda: svc.facility_create(actor=world.county_admin, entry=entry(), now=T0),
        errors=[(RegisterCode.CODE_TAKEN, "code")],
    )


def test_read_entry_names_every_bad_field_at_once(world):
    bad = raw(
        code="Bad Code!",
        name_zh="",
        kind="castle",
        status="ruined",
        region="NOPE",
        latitude="91",
        longitude="",
        hours="1-5 9-17",
        contact_phone="call me",
        services="meal-delivery; no-such",
        capacity="0",
        population_served="-3",
        opened_on=(TODAY + timedelta(days=1)).isoformat(),
    )
    read, problems = svc.read_entry(bad, lookups=svc.Lookups.load(), today=TODAY)
    assert read is None
    assert [(p.code, p.field) for p in problems] == [
        (RegisterCode.CODE_INVALID, "code"),
        (Code.REQUIRED, "name_zh"),
        (RegisterCode.KIND_INVALID, "kind"),
        (RegisterCode.STATUS_INVALID, "status"),
        (RegisterCode.REGION_UNKNOWN, "region"),
        (Code.LATITUDE_RANGE, "latitude"),
        (Code.LOCATION_INCOMPLETE, "longitude"),
        (RegisterCode.HOURS_INVALID, "hours"),
        (Code.NOT_PHONE, "contact_phone"),
        (RegisterCode.SERVICE_UNKNOWN, "services"),
        (RegisterCode.CAPACITY_INVALID, "capacity"),
        (RegisterCode.POPULATION_INVALID, "population_served"),
        (RegisterCode.DATE_IN_FUTURE, "opened_on"),
    ]
    assert str(problems[9].message) == "No menu service has the code no-such."


def test_the_county_itself_is_not_a_place_for_a_facility(world):
    read, problems = svc.read_entry(raw(region="C"), lookups=svc.Lookups.load(), today=TODAY)
    assert read is None
    assert [(p.code, p.field) for p in problems] == [(RegisterCode.REGION_NOT_PLACE, "region")]


def test_an_update_records_the_fields_changed(world):
    facility = svc.facility_create(actor=world.dispatcher_a, entry=entry(), now=T0)
    later = T0 + timedelta(hours=1)
    svc.facility_update(
        facility_id=facility.pk,
        actor=world.dispatcher_a,
        entry=entry(capacity="40", hours="1-7 08:00-20:00", services=""),
        now=later,
    )
    facility.refresh_from_db()
    assert facility.capacity == 40
    assert facility.opening_hours == [
        {"days": [0, 1, 2, 3, 4, 5, 6], "opens": "08:00", "closes": "20:00"}
    ]
    assert list(facility.services.all()) == []
    assert facility.updated_at == later
    last = FacilityEvent.objects.filter(facility=facility).last()
    assert (last.action, last.note, last.created_at) == (
        "updated",
        "opening_hours, capacity, services",
        later,
    )


def test_an_update_that_changes_nothing_records_nothing(world):
    facility = svc.facility_create(actor=world.dispatcher_a, entry=entry(), now=T0)
    svc.facility_update(facility_id=facility.pk, actor=world.dispatcher_a, entry=entry())
    assert FacilityEvent.objects.filter(facility=facility).count() == 1


def test_moving_a_facility_out_of_the_scope_is_refused(world):
    facility = svc.facility_create(actor=world.dispatcher_a, entry=entry(), now=T0)
    refused(
        lambda: svc.facility_update(
            facility_id=facility.pk, actor=world.dispatcher_a, entry=entry(region="V2")
        ),
        errors=[(Code.NOT_PERMITTED, None)],
        error=PermissionDenied,
    )
    refused(
        lambda: svc.facility_update(
            facility_id=facility.pk, actor=world.dispatcher_b, entry=entry(capacity="5")
        ),
        errors=[(Code.NOT_PERMITTED, None)],
        error=PermissionDenied,
    )


def test_a_planned_facility_of_another_township_is_not_found(world):
    facility = make_facility(world.village_b, status="planned")
    refused(
        lambda: svc.facility_update(
            facility_id=facility.pk, actor=world.dispatcher_a, entry=entry()
        ),
        errors=[(RegisterCode.FACILITY_NOT_FOUND, "facility")],
        error=NotFound,
    )


def test_a_status_change_is_recorded_with_its_reason_and_audience(world):
    facility = make_facility(world.village_a, updated_at=T0)
    at = T0 + timedelta(days=1)
    svc.facility_set_status(
        facility_id=facility.pk,
        actor=world.dispatcher_a,
        status="closed",
        reason="屋顶维修",
        now=at,
    )
    facility.refresh_from_db()
    assert (facility.status, facility.updated_at) == ("closed", at)
    event = FacilityEvent.objects.get(facility=facility)
    assert (event.action, event.note, event.audience, event.actor_id) == (
        "status",
        "open → closed: 屋顶维修",
        "public",
        world.dispatcher_a.pk,
    )


def test_an_illegal_status_change_is_a_conflict(world):
    facility = make_facility(world.village_a, status="planned")
    refused(
        lambda: svc.facility_set_status(
            facility_id=facility.pk, actor=world.county_admin, status="closed", reason="x"
        ),
        errors=[(RegisterCode.STATUS_TRANSITION, "status")],
        error=Conflict,
    )


def test_a_status_change_needs_a_reason_and_a_known_status(world):
    facility = make_facility(world.village_a)
    refused(
        lambda: svc.facility_set_status(
            facility_id=facility.pk,
            actor=world.county_admin,
            status="gone",
            reason="  ",
            audience="everyone",
        ),
        errors=[
            (RegisterCode.STATUS_INVALID, "status"),
            (Code.INVALID, "audience"),
            (RegisterCode.REASON_REQUIRED, "reason"),
        ],
    )


def test_a_keeper_may_not_change_the_status(world):
    facility = make_facility(world.village_a, keepers=[world.grid_worker])
    refused(
        lambda: svc.facility_set_status(
            facility_id=facility.pk, actor=world.grid_worker, status="closed", reason="x"
        ),
        errors=[(Code.NOT_PERMITTED, None)],
        error=PermissionDenied,
    )


def test_keepers_are_set_by_user_name(world):
    facility = make_facility(world.village_a, updated_at=T0)
    svc.facility_set_keepers(
        facility_id=facility.pk,
        actor=world.dispatcher_a,
        usernames=["grid", "p1staff"],
        now=T0,
    )
    assert sorted(facility.keepers.values_list("username", flat=True)) == ["grid", "p1staff"]
    event = FacilityEvent.objects.get(facility=facility)
    assert (event.action, event.note, event.audience) == (
        "updated",
        "keepers: grid, p1staff",
        "staff",
    )
    refused(
        lambda: svc.facility_set_keepers(
            facility_id=facility.pk, actor=world.dispatcher_a, usernames=["grid", "nobody"]
        ),
        errors=[(RegisterCode.KEEPER_UNKNOWN, "keepers")],
    )


def _jpeg() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="JPEG")
    out.seek(0)
    out.name = "front.jpg"
    return out


def test_a_photo_is_re_encoded_and_recorded(world, media):
    facility = make_facility(world.village_a, updated_at=T0)
    photo = svc.facility_add_photo(
        facility_id=facility.pk, actor=world.dispatcher_a, upload=_jpeg(), caption="大门", now=T0
    )
    assert (photo.width, photo.height, photo.content_type, photo.caption) == (
        40,
        30,
        "image/jpeg",
        "大门",
    )
    assert photo.image.name.startswith("facility-photos/2026/05/")
    assert (media / photo.image.name).exists()
    assert (media / photo.thumbnail.name).exists()
    event = FacilityEvent.objects.get(facility=facility)
    assert (event.action, event.note) == ("photo", "大门")


def test_a_file_that_is_not_a_photo_is_refused(world, media):
    facility = make_facility(world.village_a)
    junk = io.BytesIO(b"not an image at all")
    junk.name = "x.jpg"
    refused(
        lambda: svc.facility_add_photo(
            facility_id=facility.pk, actor=world.dispatcher_a, upload=junk
        ),
        errors=[("photo_not_image", "photo")],
    )
    assert not media.exists() or not any(media.rglob("*.jpg"))


def test_a_keeper_may_not_add_photos(world, media):
    facility = make_facility(world.village_a, keepers=[world.grid_worker])
    refused(
        lambda: svc.facility_add_photo(
            facility_id=facility.pk, actor=world.grid_worker, upload=_jpeg()
        ),
        errors=[(Code.NOT_PERMITTED, None)],
        error=PermissionDenied,
    )
    assert FacilityPhoto.objects.count() == 0


def test_views_are_counted_one_row_a_day(world):
    facility = make_facility(world.village_a)
    day = date(2026, 5, 4)
    for _i in range(3):
        svc.facility_view_record(facility_id=facility.pk, day=day)
    svc.facility_view_record(facility_id=facility.pk, day=day + timedelta(days=1))
    assert list(
        PortalViews.objects.filter(facility=facility).order_by("day").values_list("day", "views")
    ) == [(day, 3), (day + timedelta(days=1), 1)]
