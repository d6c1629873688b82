"""The equipment register's writes: adding an item, its state, services, usage and
retirement, each with its history row; refusals name the code and the field and write
nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from minsheng.core.errors import Conflict, NotFound, PermissionDenied
from minsheng.facilities.models import EquipmentEvent, EquipmentType, Kind, Status
from minsheng.facilities.services import equipment as svc
from tests.facilities.equipment_helpers import item, refused
from tests.facilities.factories import make_facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(world):
    return make_facility(world.village_a, Kind.CLINIC, keepers=[world.provider_staff])


@pytest.fixture
def couch():
    return EquipmentType.objects.get(code="exam-couch")


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


def add_input(**fields):
    values = {
        "equipment_type": "sphygmomanometer",
        "label": "鱼跃 YE660",
        "purchased_on": "2021-03-15",
        "expected_life_years": "",
        "state": "working",
        "last_service_on": "2024-06-01",
        "uses_per_month": "120",
        "replacement_cost": "380.5",
    }
    values.update(fields)
    return svc.EquipmentInput(**values)


def test_a_keeper_adds_an_item_and_its_history_begins(world, clinic):
    added = svc.equipment_add(actor=world.provider_staff, facility_id=clinic.pk, data=add_input())
    added.refresh_from_db()
    assert (added.equipment_type.code, added.label, added.purchased_on) == (
        "sphygmomanometer",
        "鱼跃 YE660",
        date(2021, 3, 15),
    )
    assert added.expected_life_years is None
    assert (added.state, added.last_service_on, added.uses_per_month) == (
        "working",
        date(2024, 6, 1),
        120,
    )
    assert added.replacement_cost == Decimal("380.50")
    event = EquipmentEvent.objects.get()
    assert (event.equipment_id, event.action, event.new_state, event.on, event.uses) == (
        added.pk,
        "added",
        "working",
        date(2021, 3, 15),
        120,
    )
    assert event.actor == world.provider_staff


def test_a_manager_of_the_township_adds_too_with_blank_optional_fields(world, clinic):
    added = svc.equipment_add(
        actor=world.dispatcher_a,
        facility_id=clinic.pk,
        data=add_input(last_service_on="", uses_per_month="", replacement_cost="", label=""),
    )
    assert (added.last_service_on, added.uses_per_month, added.replacement_cost) == (None, 0, None)


def test_every_bad_field_of_a_new_item_is_named_and_nothing_is_written(world, clinic):
    refused(
        lambda: svc.equipment_add(
            actor=world.provider_staff,
            facility_id=clinic.pk,
            data=add_input(
                equipment_type="no-such",
                label="<b>x</b>",
                purchased_on=tomorrow(),
                expected_life_years="0",
                state="lost",
                last_service_on="2024-13-01",
                uses_per_month="-1",
                replacement_cost="abc",
            ),
        ),
        errors=[
            ("equipment_type_invalid", "equipment_type"),
            ("markup", "label"),
            ("equipment_date_in_future", "purchased_on"),
            ("invalid", "expected_life_years"),
            ("equipment_state_invalid", "state"),
            ("equipment_date_invalid", "last_service_on"),
            ("invalid", "uses_per_month"),
            ("not_number", "replacement_cost"),
        ],
    )


def test_a_purchase_date_is_required_and_a_service_not_before_it(world, clinic):
    refused(
        lambda: svc.equipment_add(
            actor=world.provider_staff, facility_id=clinic.pk, data=add_input(purchased_on="")
        ),
        errors=[("required", "purchased_on")],
    )
    refused(
        lambda: svc.equipment_add(
            actor=world.provider_staff,
            facility_id=clinic.pk,
            data=add_input(purchased_on="2024-01-01", last_service_on="2023-12-31"),
        ),
        errors=[("equipment_before_purchase", "last_service_on")],
    )


def test_who_may_not_add_is_refused_by_a_403_or_a_404(world, clinic):
    refused(
        lambda: svc.equipment_add(
            actor=world.dispatcher_b, facility_id=clinic.pk, data=add_input()
        ),
        error=PermissionDenied,
        errors=[("not_permitted", None)],
    )
    planned = make_facility(world.village_a, Kind.CLINIC, status=Status.PLANNED)
    refused(
        lambda: svc.equipment_add(actor=world.resident, facility_id=planned.pk, data=add_input()),
        error=NotFound,
        errors=[("facility_not_found", "facility")],
    )
    refused(
        lambda: svc.equipment_add(actor=world.county_admin, facility_id="x", data=add_input()),
        error=NotFound,
        errors=[("facility_not_found", "facility")],
    )


def test_a_state_change_is_recorded_with_its_old_and_new_state(world, clinic, couch):
    thing = item(clinic, couch, date(2020, 1, 1))
    svc.equipment_set_state(
        actor=world.provider_staff, equipment_id=thing.pk, state="broken", note="腿断了"
    )
    thing.refresh_from_db()
    assert thing.state == "broken"
    event = EquipmentEvent.objects.get()
    assert (event.action, event.old_state, event.new_state, event.note) == (
        "state",
        "working",
        "broken",
        "腿断了",
    )


def test_a_state_change_to_the_same_state_or_an_unknown_one_is_refused(world, clinic, couch):
    thing = item(clinic, couch, date(2020, 1, 1))
    refused(
        lambda: svc.equipment_set_state(
            actor=world.provider_staff, equipment_id=thing.pk, state="working"
        ),
        error=Conflict,
        errors=[("equipment_same_state", "state")],
    )
    refused(
        lambda: svc.equipment_set_state(
            actor=world.provider_staff, equipment_id=thing.pk, state="fine"
        ),
        errors=[("equipment_state_invalid", "state")],
    )
    refused(
        lambda: svc.equipment_set_state(
            actor=world.resident, equipment_id=thing.pk, state="broken"
        ),
        error=PermissionDenied,
        errors=[("not_permitted", None)],
    )
    refused(
        lambda: svc.equipment_set_state(
            actor=world.provider_staff, equipment_id=10**9, state="broken"
        ),
        error=NotFound,
        errors=[("equipment_not_found", "equipment")],
    )


def test_a_service_sets_the_day_and_may_mend_the_item(world, clinic, couch):
    thing = item(clinic, couch, date(2020, 1, 1), state="broken", last_service_on=date(2022, 5, 1))
    svc.equipment_record_service(
        actor=world.provider_staff, equipment_id=thing.pk, serviced_on="2024-02-03", state="working"
    )
    thing.refresh_from_db()
    assert (thing.last_service_on, thing.state) == (date(2024, 2, 3), "working")
    event = EquipmentEvent.objects.get()
    assert (event.action, event.old_state, event.new_state, event.on) == (
        "serviced",
        "broken",
        "working",
        date(2024, 2, 3),
    )
    # blank state: as it was
    svc.equipment_record_service(
        actor=world.provider_staff, equipment_id=thing.pk, serviced_on="2024-02-03"
    )
    thing.refresh_from_db()
    assert thing.state == "working"


def test_a_service_in_the_future_before_the_purchase_or_the_last_one_is_refused(
    world, clinic, couch
):
    thing = item(clinic, couch, date(2020, 1, 1), last_service_on=date(2023, 1, 1))
    for day, code in [
        (tomorrow(), "equipment_date_in_future"),
        ("2019-12-31", "equipment_before_purchase"),
        ("2022-12-31", "equipment_before_last_service"),
        ("01/02/2024", "equipment_date_invalid"),
        ("", "required"),
    ]:
        refused(
            lambda day=day: svc.equipment_record_service(
                actor=world.provider_staff, equipment_id=thing.pk, serviced_on=day
            ),
            errors=[(code, "serviced_on")],
        )


def test_usage_is_recorded_and_bounded(world, clinic, couch):
    thing = item(clinic, couch, date(2020, 1, 1), uses=3)
    svc.equipment_record_usage(actor=world.dispatcher_a, equipment_id=thing.pk, uses_per_month="45")
    thing.refresh_from_db()
    assert thing.uses_per_month == 45
    assert EquipmentEvent.objects.get().uses == 45
    for bad in ("-3", "100001", "1.5", ""):
        refused(
            lambda bad=bad: svc.equipment_record_usage(
                actor=world.dispatcher_a, equipment_id=thing.pk, uses_per_month=bad
            ),
            errors=[("invalid", "uses_per_month")],
        )


def test_a_retired_item_takes_no_more_changes(world, clinic, couch):
    thing = item(clinic, couch, date(2020, 1, 1))
    refused(
        lambda: svc.equipment_retire(
            actor=world.provider_staff, equipment_id=thing.pk, retired_on="2019-06-01"
        ),
        errors=[("equipment_before_purchase", "retired_on")],
    )
    svc.equipment_retire(actor=world.provider_staff, equipment_id=thing.pk, retired_on="2025-01-02")
    thing.refresh_from_db()
    assert thing.retired_on == date(2025, 1, 2)
    assert EquipmentEvent.objects.get().action == "retired"
    for call in (
        lambda: svc.equipment_set_state(
            actor=world.provider_staff, equipment_id=thing.pk, state="broken"
        ),
        lambda: svc.equipment_record_usage(
            actor=world.provider_staff, equipment_id=thing.pk, uses_per_month="1"
        ),
        lambda: svc.equipment_retire(
            actor=world.provider_staff, equipment_id=thing.pk, retired_on="2025-01-03"
        ),
    ):
        refused(call, error=Conflict, errors=[("equipment_retired", "equipment")])
