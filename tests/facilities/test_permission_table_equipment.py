"""The permission table of equipment: every actor of the orders' table × every page, step
and endpoint, asked the three ways (the rule, the web, the REST API).

A clinic in V1 (township T1) kept by ``provider_staff`` (its doctor), and a planned clinic
in V1 that only its managers see. Keeping the register: the keeper and T1's managers (T1's
dispatcher, the county administrator). The reports: every manager over their own scope. A
refused POST writes nothing: the login page for anonymous visitors, 404 when the facility
is hidden from the actor, 403 otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from minsheng.facilities.models import EquipmentType, Kind, Status
from minsheng.facilities.policy import equipment as policy
from tests.facilities.equipment_helpers import item, snapshot
from tests.facilities.factories import make_facility
from tests.orders.test_permission_table import ACTORS, api_client, user_of, web_client

pytestmark = pytest.mark.django_db

KEEPERS = {"provider_staff", "dispatcher_a", "county_admin"}
MANAGERS_OF_PLANNED = {"dispatcher_a", "county_admin"}
REPORTERS = {"dispatcher_a", "dispatcher_b", "county_admin"}


@pytest.fixture
def table_world(world: Any) -> Any:
    couch = EquipmentType.objects.get(code="exam-couch")
    world.clinic = make_facility(world.village_a, Kind.CLINIC, keepers=[world.provider_staff])
    world.planned = make_facility(world.village_a, Kind.CLINIC, status=Status.PLANNED)
    world.item = item(world.clinic, couch, date(2020, 1, 1))
    world.hidden_item = item(world.planned, couch, date(2020, 1, 1))
    return world


# (path, who gets 200, what the other signed-in actors get)
PAGES: list[tuple[str, set[str], int]] = [
    ("/staff/facilities/{clinic}/equipment/", KEEPERS, 403),
    ("/staff/facilities/equipment/{item}/", KEEPERS, 403),
    ("/staff/facilities/{planned}/equipment/", MANAGERS_OF_PLANNED, 404),
    ("/staff/facilities/equipment/{hidden_item}/", MANAGERS_OF_PLANNED, 404),
    ("/staff/facilities/equipment/", REPORTERS, 403),
]


def _path(template: str, w: Any) -> str:
    return template.format(
        clinic=w.clinic.pk, planned=w.planned.pk, item=w.item.pk, hidden_item=w.hidden_item.pk
    )


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "may", "refusal"), PAGES, ids=[p for p, _m, _r in PAGES])
def test_who_may_open_each_page(table_world, path, may, refusal, who):
    user = user_of(table_world, who)
    response = web_client(user).get(_path(path, table_world))
    if who in may:
        assert response.status_code == 200
    elif not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == refusal


# (path, form, who may, refusal for the other signed-in actors); each success redirects
STEPS: list[tuple[str, dict[str, str], set[str], int]] = [
    (
        "/staff/facilities/{clinic}/equipment/add/",
        {"equipment_type": "stethoscope", "purchased_on": "2024-01-01", "state": "working"},
        KEEPERS,
        403,
    ),
    ("/staff/facilities/equipment/{item}/state/", {"state": "broken"}, KEEPERS, 403),
    ("/staff/facilities/equipment/{item}/service/", {"serviced_on": "2024-01-01"}, KEEPERS, 403),
    ("/staff/facilities/equipment/{item}/usage/", {"uses_per_month": "9"}, KEEPERS, 403),
    ("/staff/facilities/equipment/{item}/retire/", {"retired_on": "2024-01-01"}, KEEPERS, 403),
    (
        "/staff/facilities/{planned}/equipment/add/",
        {"equipment_type": "stethoscope", "purchased_on": "2024-01-01", "state": "working"},
        MANAGERS_OF_PLANNED,
        404,
    ),
    (
        "/staff/facilities/equipment/{hidden_item}/state/",
        {"state": "broken"},
        MANAGERS_OF_PLANNED,
        404,
    ),
]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "form", "may", "refusal"), STEPS, ids=[s[0] for s in STEPS])
def test_who_may_take_each_step_rule_and_web_agree(table_world, path, form, may, refusal, who):
    user = user_of(table_world, who)
    facility = (
        table_world.planned
        if "{planned}" in path or "{hidden_item}" in path
        else table_world.clinic
    )
    assert policy.can_keep_equipment(user, facility) is (who in may)
    before = snapshot()
    response = web_client(user).post(_path(path, table_world), form)
    if who in may:
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/facilities/equipment/")
        assert snapshot() != before
        return
    if not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == refusal
    assert snapshot() == before


ENDPOINTS: list[tuple[str, set[str], int]] = [
    ("/api/v1/facilities/{clinic}/equipment/", KEEPERS, 403),
    ("/api/v1/facilities/{planned}/equipment/", MANAGERS_OF_PLANNED, 404),
    ("/api/v1/equipment/priority/", REPORTERS, 403),
]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "may", "refusal"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_who_may_call_each_endpoint(table_world, path, may, refusal, who):
    user = user_of(table_world, who)
    response = api_client(user).get(_path(path, table_world))
    if who in may:
        assert response.status_code == 200
    elif not user.is_authenticated:
        assert response.status_code == 401
    else:
        assert response.status_code == refusal


@pytest.mark.parametrize("who", ACTORS)
def test_the_report_rules_and_scopes(table_world, who):
    user = user_of(table_world, who)
    assert policy.can_see_reports(user) is (who in REPORTERS)
    scope = policy.report_scope(user)
    expected = {"dispatcher_a": "T1", "dispatcher_b": "T2", "county_admin": "C"}.get(who)
    assert (scope.code if scope else None) == expected
    assert policy.can_report_on(user, table_world.town_a) is (
        who in {"dispatcher_a", "county_admin"}
    )
    assert policy.can_report_on(AnonymousUser(), table_world.county) is False


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(
    ("target", "may", "refusal"), [("clinic", KEEPERS, 403), ("planned", MANAGERS_OF_PLANNED, 404)]
)
def test_who_may_import_items(table_world, target, may, refusal, who):
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = user_of(table_world, who)
    facility = getattr(table_world, target)
    before = snapshot()
    upload = SimpleUploadedFile("a.csv", b"type,purchased_on\necg,2020-01-01\n")
    response = web_client(user).post(
        f"/staff/facilities/{facility.pk}/equipment/import/", {"file": upload}
    )
    if who in may:
        assert response.status_code == 302
        assert snapshot() != before
        return
    if not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == refusal
    assert snapshot() == before
