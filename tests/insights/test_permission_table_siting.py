"""The permission table of the siting pages (``insights.policy``): who may open the page,
run a siting (POST) and read a saved run. County administrators run and read county runs;
township dispatchers see the page but neither run nor read county runs (``can_see_run``); grid workers, residents and
provider staff get 403; anonymous users go to the login page. A refused POST saves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minsheng.facilities.models import Kind
from minsheng.insights.models import PlanningRun
from minsheng.insights.siting_inputs import siting_run_create
from tests.orders.test_permission_table import ACTORS, user_of

pytestmark = pytest.mark.django_db

SEES = {"dispatcher_a", "dispatcher_b", "county_admin"}
RUNS = {"county_admin"}
# A run is read by whoever may see planning in its scope: a county run, by the county.
READS_RUN = {"county_admin"}


def web(world: Any, who: str) -> Client:
    c = Client()
    if who != "anonymous":
        c.force_login(user_of(world, who))
    return c


def expected(who: str, allowed: set[str], ok: int) -> int:
    if who == "anonymous":
        return 302
    return ok if who in allowed else 403


@pytest.mark.parametrize("who", ACTORS)
def test_siting_pages(world: Any, who: str) -> None:
    run = siting_run_create(
        actor=world.county_admin,
        scope=world.county,
        kind=Kind.CLINIC,
        model="mclp",
        p=1,
        radius_km=5.0,
    )
    c = web(world, who)
    assert c.get("/staff/planning/siting/").status_code == expected(who, SEES, 200)
    assert c.get(f"/staff/planning/siting/{run.pk}/").status_code == expected(who, READS_RUN, 200)
    r = c.post(
        "/staff/planning/siting/",
        {"kind": Kind.CLINIC, "model": "mclp", "p": "1", "radius_km": "5"},
    )
    assert r.status_code == expected(who, RUNS, 302)
    assert PlanningRun.objects.count() == (2 if who in RUNS else 1)
