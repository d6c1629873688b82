"""The permission table of the demand analysis (``insights.policy``): for each actor of
the orders' table (``tests/orders/test_permission_table``), whether they may open each
page and call each endpoint, and which region they see.

County administrators see the county; dispatchers their township; the grid worker their
village (read only, no estimate); residents and provider staff nothing. Anonymous users go
to the login page (web) or get 401 (REST); other refusals are 403. Nothing writes: the
estimate, refused or not, leaves every table as it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from minsheng.insights import policy
from minsheng.insights.models import AreaDemand, ServiceDemand, VillageMonth
from minsheng.insights.services import demand_snapshot
from tests.insights.conftest import MAY
from tests.orders.test_permission_table import ACTORS, table_world, user_of  # noqa: F401

pytestmark = pytest.mark.django_db

SEES = {"grid_worker", "dispatcher_a", "dispatcher_b", "county_admin"}
ESTIMATES = {"dispatcher_a", "dispatcher_b", "county_admin"}
SCOPE = {"grid_worker": "V1", "dispatcher_a": "T1", "dispatcher_b": "T2", "county_admin": "C"}

PAGES = {"/staff/demand/": SEES, "/staff/demand/map/": SEES, "/staff/demand/estimate/": ESTIMATES}
READS = {"/api/v1/demand/": SEES, "/api/v1/demand/villages.geojson": SEES}


def tables() -> tuple[int, int, int]:
    return (
        VillageMonth.objects.count(),
        AreaDemand.objects.count(),
        ServiceDemand.objects.count(),
    )


def web(world: Any, who: str) -> Client:
    c = Client()
    if who != "anonymous":
        c.force_login(user_of(world, who))
    return c


def api(world: Any, who: str) -> APIClient:
    c = APIClient()
    if who != "anonymous":
        c.force_authenticate(user_of(world, who))
    return c


@pytest.fixture
def computed(table_world: Any) -> Any:  # noqa: F811
    demand_snapshot(month=MAY)
    return table_world


@pytest.mark.parametrize("who", ACTORS)
def test_the_rule_the_pages_and_the_api_agree(computed: Any, who: str):
    world = computed
    user = user_of(world, who)
    assert policy.can_see_demand(user) is (who in SEES)
    assert policy.can_estimate(user) is (who in ESTIMATES)
    scope = policy.demand_scope(user)
    assert (scope.code if scope else None) == SCOPE.get(who)
    for url, allowed in PAGES.items():
        got = web(world, who).get(url)
        if who == "anonymous":
            assert got.status_code == 302 and "/accounts/login/" in got["Location"], url
        else:
            assert got.status_code == (200 if who in allowed else 403), url
    for url, allowed in READS.items():
        got = api(world, who).get(url, {"month": "2026-05"})
        expected = 401 if who == "anonymous" else 200 if who in allowed else 403
        assert got.status_code == expected, url
    # The region each may read: their own, and nothing beside or above it.
    if who in SEES:
        body = api(world, who).get("/api/v1/demand/", {"month": "2026-05"}).json()
        assert body["region"]["code"] == SCOPE[who]
        for other in {"C", "T1", "T2", "V1", "V2"} - {SCOPE[who]}:
            inside = policy.can_see_region(user, _region(other))
            got = api(world, who).get("/api/v1/demand/", {"region": other})
            assert got.status_code == (200 if inside else 404), other


def _region(code: str) -> Any:
    from minsheng.regions.models import Region

    return Region.objects.get(code=code)


@pytest.mark.parametrize("who", ACTORS)
def test_estimate_posts_answer_by_the_rule_and_write_nothing(computed: Any, who: str):
    world = computed
    own = {"dispatcher_a": "T1", "dispatcher_b": "T2", "county_admin": "C"}.get(who, "T1")
    data = {"name": "助餐", "area": world.service.category.area.code, "targets": [own]}
    before = tables()
    got = web(world, who).post("/staff/demand/estimate/", data)
    if who == "anonymous":
        assert got.status_code == 302
    else:
        assert got.status_code == (200 if who in ESTIMATES else 403)
    got = api(world, who).post("/api/v1/demand/estimate/", data, format="json")
    assert got.status_code == (401 if who == "anonymous" else 200 if who in ESTIMATES else 403)
    # A township outside one's scope is refused by name.
    if who in {"dispatcher_a", "dispatcher_b"}:
        other = "T2" if who == "dispatcher_a" else "T1"
        got = api(world, who).post(
            "/api/v1/demand/estimate/", {**data, "targets": [other]}, format="json"
        )
        assert got.status_code == 400
        assert got.json()["errors"] == [
            {
                "code": "outside_scope",
                "field": "targets",
                "message": got.json()["errors"][0]["message"],
            }
        ]
    assert tables() == before
