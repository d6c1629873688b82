"""The permission table of the register part: every actor of the orders' table × every page
and endpoint (GET, and POST for the forms). A bookshop open in V1 (township T1) kept by the
grid worker, and a planned one in V1.

Who: anyone reads the public pages and the API; the managers of T1 (its dispatcher, the
county's admin) change the entry; the keeper opens the console and the staff page; others
signed in get 403 (404 for what they may not even see); anonymous visitors go to login.
"""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.facilities.models import Facility, FacilityEvent
from tests.facilities.factories import make_facility
from tests.orders.test_permission_table import ACTORS, api_client, user_of, web_client

pytestmark = pytest.mark.django_db

MANAGERS = {"dispatcher_a", "county_admin"}
REGISTRARS = {"dispatcher_a", "dispatcher_b", "county_admin"}
KEEPERS = MANAGERS | {"grid_worker"}

# path, who gets 200 (None: everyone), what the others signed in get
PAGES: list[tuple[str, set[str] | None, int]] = [
    ("/facilities/", None, 200),
    ("/facilities/{open}/", None, 200),
    ("/facilities/{planned}/", MANAGERS, 404),
    ("/staff/facilities/", KEEPERS | REGISTRARS, 403),
    ("/staff/facilities/new/", REGISTRARS, 403),
    ("/staff/facilities/import/", REGISTRARS, 403),
    ("/staff/facilities/{open}/", KEEPERS, 403),
    ("/staff/facilities/{planned}/", MANAGERS, 404),
    ("/staff/facilities/{open}/edit/", MANAGERS, 403),
]
POSTS: list[tuple[str, dict[str, str]]] = [
    ("/staff/facilities/{open}/status/", {"status": "closed", "reason": "r"}),
    ("/staff/facilities/{open}/keepers/", {"keepers": "grid"}),
    ("/staff/facilities/{open}/photos/", {"caption": "x"}),
    ("/staff/facilities/{open}/edit/", {"code": "x"}),
]
API: list[str] = [
    "/api/v1/facilities/",
    "/api/v1/facilities/{open}/",
    "/api/v1/facilities.geojson",
]


@pytest.fixture
def table_world(world: Any) -> Any:
    world.open = make_facility(world.village_a, keepers=[world.grid_worker])
    world.planned = make_facility(world.village_a, status="planned")
    return world


def _path(world: Any, path: str) -> str:
    return path.format(open=world.open.pk, planned=world.planned.pk)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "may", "other"), PAGES, ids=[p for p, _m, _o in PAGES])
def test_who_may_open_each_page(table_world, path, may, other, who):
    user = user_of(table_world, who)
    response = web_client(user).get(_path(table_world, path))
    if may is None or who in may:
        assert response.status_code == 200
    elif not user.is_authenticated and path.startswith("/staff/"):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif not user.is_authenticated:
        assert response.status_code == 404
    else:
        assert response.status_code == other


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "data"), POSTS, ids=[p for p, _d in POSTS])
def test_who_may_post_each_form(table_world, path, data, who):
    user = user_of(table_world, who)
    before = (
        list(Facility.objects.order_by("pk").values()),
        FacilityEvent.objects.count(),
        list(Facility.keepers.through.objects.values_list("facility_id", "user_id")),
    )
    response = web_client(user).post(_path(table_world, path), data)
    if who in MANAGERS:
        # a manager's POST reaches the service (a change, or a refusal of the input)
        assert response.status_code in (302, 400)
        return
    if not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    after = (
        list(Facility.objects.order_by("pk").values()),
        FacilityEvent.objects.count(),
        list(Facility.keepers.through.objects.values_list("facility_id", "user_id")),
    )
    assert after == before


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("path", API)
def test_everyone_reads_the_api(table_world, path, who):
    response = api_client(user_of(table_world, who)).get(_path(table_world, path))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ACTORS)
def test_nobody_reads_a_planned_facility_through_the_api(table_world, who):
    response = api_client(user_of(table_world, who)).get(
        f"/api/v1/facilities/{table_world.planned.pk}/"
    )
    assert response.status_code == 404
