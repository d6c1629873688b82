"""The permission table of the allocation pages (``insights.policy``): who may open the
page, run an allocation (POST) and open a saved county run. County planners run; township
dispatchers see the page without the form (and no county run); the others are refused;
anonymous users go to the login page. A refused POST writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minsheng.insights import policy
from minsheng.insights.models import PlanningRun
from tests.insights.test_allocation_pages import URL, snapshot
from tests.orders.test_permission_table import ACTORS, table_world, user_of  # noqa: F401

pytestmark = pytest.mark.django_db

SEES = {"dispatcher_a", "dispatcher_b", "county_admin"}
RUNS = {"county_admin"}
FORM = {"budget": "4000", "objective": "maximin", "month": "2026-05"}


def web(world: Any, who: str) -> Client:
    c = Client()
    if who != "anonymous":
        c.force_login(user_of(world, who))
    return c


@pytest.mark.parametrize("who", ACTORS)
def test_the_rule_and_the_pages_agree(table_world: Any, who: str):  # noqa: F811
    snapshot(table_world)
    web(table_world, "county_admin").post(URL, FORM)
    run = PlanningRun.objects.get()
    user = user_of(table_world, who)
    assert policy.can_see_planning(user) is (who in SEES)
    assert policy.can_run_plans(user) is (who in RUNS)
    c = web(table_world, who)
    page, one, post = c.get(URL), c.get(f"{URL}{run.pk}/"), c.post(URL, FORM)
    if who == "anonymous":
        for got in (page, one, post):
            assert got.status_code == 302 and "/accounts/login/" in got["Location"]
    else:
        assert page.status_code == (200 if who in SEES else 403)
        assert one.status_code == (200 if who in RUNS else 404 if who in SEES else 403)
        assert post.status_code == (302 if who in RUNS else 403)
    assert PlanningRun.objects.count() == (2 if who in RUNS else 1)
