"""The permission table of the use part: every actor of the orders' table × every page and
endpoint, GET and POST.

A bookshop in V1 (township T1) kept by the grid worker, with one counter device. Who keeps
it (enters and reads its use): its keeper, T1's dispatcher and the county admin. Who
manages its devices: T1's dispatcher and the county admin. The import page: anyone the
facility console is for (every manager, T2's dispatcher too, and keepers). A GET of a
POST-only step is 405 for the signed-in. Anonymous visitors go to the login page
(the API: 401); a signed-in actor the rule refuses gets 403; a facility that does not exist
is 404 for everyone signed in. A refused POST writes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from minsheng.facilities.policy import use as policy
from minsheng.facilities.services.use import counter_device_create
from tests.facilities.factories import make_facility
from tests.facilities.use_helpers import snapshot
from tests.orders.test_permission_table import ACTORS, api_client, user_of, web_client

pytestmark = pytest.mark.django_db

KEEPERS = {"grid_worker", "dispatcher_a", "county_admin"}
MANAGERS = {"dispatcher_a", "county_admin"}
CONSOLE = KEEPERS | {"dispatcher_b"}  # every manager, and keepers; rows are checked each

# (path, who may GET, who may POST, the rule)
PAGES: list[tuple[str, set[str], set[str]]] = [
    ("/staff/facilities/{pk}/use/", KEEPERS, KEEPERS),
    ("/staff/facilities/use/import/", CONSOLE, CONSOLE),
    ("/staff/facilities/{pk}/devices/", MANAGERS, MANAGERS),
]


@pytest.fixture
def table(world: Any) -> Any:
    world.shop = make_facility(world.village_a, keepers=[world.grid_worker])
    world.device, world.key = counter_device_create(
        actor=world.county_admin, facility_id=world.shop.pk, name="door"
    )
    return world


def _expect(response: Any, user: Any, allowed: bool) -> None:
    if allowed:
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/login/")
    elif not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


def test_the_rules_say_the_same_as_the_table(table: Any) -> None:
    for who in ACTORS:
        user = user_of(table, who)
        assert policy.can_enter_use(user, table.shop) == (who in KEEPERS), who
        assert policy.can_see_use(user, table.shop) == (who in KEEPERS), who
        assert policy.can_manage_devices(user, table.shop) == (who in MANAGERS), who
        assert policy.may_import_use(user) == (who in CONSOLE), who


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "get", "post"), PAGES, ids=[p for p, _g, _p in PAGES])
def test_who_may_open_and_post_each_page(
    table: Any, path: str, get: set[str], post: set[str], who: str
) -> None:
    user = user_of(table, who)
    url = path.format(pk=table.shop.pk)
    _expect(web_client(user).get(url), user, who in get)
    before = snapshot()
    # an empty POST: refused by the rule before anything is read, or a 400 naming fields
    response = web_client(user).post(url, {})
    _expect(response, user, who in post)
    assert snapshot() == before


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_revoke_a_device(table: Any, who: str) -> None:
    user = user_of(table, who)
    url = f"/staff/facilities/{table.shop.pk}/devices/{table.device.pk}/revoke/"
    assert web_client(user).get(url).status_code == (302 if who == "anonymous" else 405)
    before = snapshot()
    response = web_client(user).post(url)
    _expect(response, user, who in MANAGERS)
    if who in MANAGERS:
        assert response["Location"] == f"/staff/facilities/{table.shop.pk}/devices/"
        table.device.refresh_from_db()
        assert table.device.active is False
    else:
        assert snapshot() == before


@pytest.mark.parametrize("who", sorted(set(ACTORS) - {"anonymous"}))
def test_a_missing_facility_is_404(table: Any, who: str) -> None:
    user = user_of(table, who)
    for path in ("/staff/facilities/999999/use/", "/staff/facilities/999999/devices/"):
        assert web_client(user).get(path).status_code == 404
    assert api_client(user).get("/api/v1/facilities/999999/use/").status_code == 404


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_read_the_daily_series(table: Any, who: str) -> None:
    user = user_of(table, who)
    response = api_client(user).get(f"/api/v1/facilities/{table.shop.pk}/use/")
    if who in KEEPERS:
        assert response.status_code == 200
    elif not user.is_authenticated:
        assert response.status_code == 401
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
def test_the_device_endpoint_takes_a_device_key_not_a_user(table: Any, who: str) -> None:
    """Every actor's own credentials (a token, or none) are refused: only a device key
    posts counts; with the key, whoever sends it, the count is written."""
    user = user_of(table, who)
    body = {
        "facility": table.shop.pk,
        "date": timezone.localdate().isoformat(),
        "counts": {"visits": 1},
    }
    before = snapshot()
    assert api_client(user).post("/api/v1/facility-counts/", body, format="json").status_code == 401
    assert snapshot() == before
    client = api_client(user)
    client.credentials(HTTP_AUTHORIZATION=f"Device {table.key}")
    assert client.post("/api/v1/facility-counts/", body, format="json").status_code == 201
    assert client.get("/api/v1/facility-counts/").status_code == 405
