"""The permission table of the planning dashboard and report (``insights.policy``): for
each actor of the orders' table, the status of each page and download.

County administrators see everything and download the report; a township's dispatcher
sees their township's pages (and the county's figures) but not the county's report, nor
another township's page (404, as if it did not exist); grid workers, residents and
provider staff get 403; anonymous users go to the login page. Nothing is written.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minsheng.insights import policy
from minsheng.insights.models import AreaAttainment, IndicatorValue, PlanningRun
from tests.insights.test_plank import build
from tests.orders.test_permission_table import ACTORS, table_world, user_of  # noqa: F401

pytestmark = pytest.mark.django_db

SEES = {"dispatcher_a", "dispatcher_b", "county_admin"}
REPORT = {"county_admin"}
SEES_T1 = {"dispatcher_a", "county_admin"}  # T1's page: dispatcher_b is T2's


@pytest.fixture
def planning_world(table_world: Any) -> Any:  # noqa: F811
    build(table_world)
    return table_world


def pages(world: Any) -> dict[str, set[str]]:
    t1 = world.town_a.pk
    return {
        "/staff/planning/?month=2026-05": SEES,
        f"/staff/planning/township/{t1}/?month=2026-05": SEES_T1,
        "/staff/planning/map.geojson?month=2026-05": SEES,
        "/staff/planning/download/?month=2026-05&table=attainment": SEES,
        "/staff/planning/download/?month=2026-05&table=values&format=xlsx": SEES,
        "/staff/planning/report/?month=2026-05": REPORT,
    }


def tables() -> tuple[int, int, int]:
    return (
        AreaAttainment.objects.count(),
        IndicatorValue.objects.count(),
        PlanningRun.objects.count(),
    )


@pytest.mark.parametrize("who", ACTORS)
def test_the_rule_and_the_pages_agree(planning_world: Any, who: str):
    world = planning_world
    user = user_of(world, who)
    assert policy.can_see_planning(user) is (who in SEES)
    assert policy.can_download_report(user) is (who in REPORT)
    before = tables()
    c = Client()
    if who != "anonymous":
        c.force_login(user)
    for url, allowed in pages(world).items():
        got = c.get(url)
        if who == "anonymous":
            assert got.status_code == 302 and "/accounts/login/" in got["Location"], url
        elif who in allowed:
            assert got.status_code == 200, url
        elif who in SEES:
            # A planner outside the place: another township's page is not there for them;
            # the county's report is refused.
            assert got.status_code == (404 if "township" in url else 403), url
        else:
            assert got.status_code == 403, url
    assert tables() == before
