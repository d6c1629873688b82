"""The permission table of the medicines part: every actor of the orders' table × every page
and endpoint. V1's clinic (township T1) is kept by the grid worker; a planned clinic in V1
is seen only by its keepers and managers. A refused POST writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.facilities.models import Dispensing, Kind
from minsheng.facilities.policy import medicines as policy
from tests.orders.test_permission_table import ACTORS, api_client, user_of, web_client

from .factories import make_facility
from .medicines_helpers import small_list, snapshot

pytestmark = pytest.mark.django_db

MANAGERS_T1 = {"dispatcher_a", "county_admin"}
KEEPS = MANAGERS_T1 | {"grid_worker"}
REPORT = {"dispatcher_a", "dispatcher_b", "county_admin"}


@pytest.fixture
def table_world(world: Any) -> Any:
    small_list()
    world.clinic = make_facility(world.village_a, Kind.CLINIC, keepers=[world.grid_worker])
    world.planned = make_facility(
        world.village_a, Kind.CLINIC, status="planned", keepers=[world.grid_worker]
    )
    return world


def _expect(response: Any, user: Any, *, may: bool, hidden: bool = False) -> None:
    if may:
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/login/")
    elif not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == (404 if hidden else 403)


@pytest.mark.parametrize("who", ACTORS)
def test_the_report(table_world, who):
    user = user_of(table_world, who)
    response = web_client(user).get("/staff/facilities/medicines/")
    _expect(response, user, may=who in REPORT)
    assert policy.can_see_medicines_report(user) is (who in REPORT)


@pytest.mark.parametrize("who", ACTORS)
def test_the_facility_page(table_world, who):
    user = user_of(table_world, who)
    path = f"/staff/facilities/{table_world.clinic.pk}/medicines/"
    _expect(web_client(user).get(path), user, may=who in KEEPS)
    assert policy.can_keep_medicines(user, table_world.clinic) is (who in KEEPS)


@pytest.mark.parametrize("who", ACTORS)
def test_the_planned_clinic_page_is_hidden_from_others(table_world, who):
    user = user_of(table_world, who)
    path = f"/staff/facilities/{table_world.planned.pk}/medicines/"
    _expect(web_client(user).get(path), user, may=who in KEEPS, hidden=True)


@pytest.mark.parametrize("who", ACTORS)
def test_posting_to_the_list(table_world, who):
    user = user_of(table_world, who)
    path = f"/staff/facilities/{table_world.clinic.pk}/medicines/"
    before = snapshot()
    response = web_client(user).post(path, {"action": "add", "medicine": "insulin"})
    _expect(response, user, may=who in KEEPS)
    written = Dispensing.objects.filter(facility=table_world.clinic).count()
    if who in KEEPS:
        assert response.status_code == 302 and written == 1
    else:
        assert written == 0 and snapshot() == before


@pytest.mark.parametrize("who", ACTORS)
def test_everyone_reads_the_api(table_world, who):
    client = api_client(user_of(table_world, who))
    assert client.get("/api/v1/medicines/").status_code == 200
    assert client.get(f"/api/v1/facilities/{table_world.clinic.pk}/medicines/").status_code == 200
    assert client.get(f"/api/v1/facilities/{table_world.planned.pk}/medicines/").status_code == 404
