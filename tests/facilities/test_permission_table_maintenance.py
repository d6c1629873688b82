"""The permission table of maintenance: every actor of the orders' table × every page,
endpoint and step. The asset is township T1's road section with an open work order.

Managers: T1's dispatcher and the county's administrator (T2's dispatcher manages the
maintenance of T2's assets only: T1's asset and its work do not exist for them, a 404).
Everyone else signed in: 403; anonymous visitors: the login page (web) or 401 (API).
A refused POST writes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minsheng.facilities.models import WorkOrder
from tests.facilities.maintenance_helpers import plan_on, repair_order, road, snapshot
from tests.orders.test_permission_table import ACTORS, api_client, user_of, web_client

pytestmark = pytest.mark.django_db

MANAGERS = {"dispatcher_a", "county_admin"}
OTHER_MANAGER = {"dispatcher_b"}

PAGES = [
    "/staff/facilities/maintenance/",
    "/staff/facilities/{asset}/maintenance/",
    "/staff/facilities/work-orders/{work}/",
]
ENDPOINTS = ["/api/v1/work-orders/", "/api/v1/maintenance/projection/"]


@pytest.fixture
def table_world(world: Any) -> Any:
    world.asset = road(world)
    world.work = WorkOrder.objects.create(
        facility=world.asset,
        title="修补",
        due_on=date(2026, 1, 1),
        estimated_cost=1,
        created_at="2026-01-01T00:00:00+08:00",
        updated_at="2026-01-01T00:00:00+08:00",
    )
    world.plan = plan_on(world.asset, due=date(2027, 1, 1))
    world.order = repair_order(world)
    return world


def _url(path: str, w: Any) -> str:
    return path.format(asset=w.asset.pk, work=w.work.pk, plan=w.plan.pk, order=w.order.pk)


def _refusal(who: str, response: Any, *, scoped_404: bool) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif who in OTHER_MANAGER and scoped_404:
        assert response.status_code == 404
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("path", PAGES)
def test_who_may_open_each_page(table_world, path, who):
    response = web_client(user_of(table_world, who)).get(_url(path, table_world))
    overview = path == PAGES[0]
    if who in MANAGERS or (overview and who in OTHER_MANAGER):
        assert response.status_code == 200
    else:
        _refusal(who, response, scoped_404=not overview)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("path", ENDPOINTS)
def test_who_may_call_each_endpoint(table_world, path, who):
    response = api_client(user_of(table_world, who)).get(path)
    if who in MANAGERS | OTHER_MANAGER:
        assert response.status_code == 200
    elif who == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == 403


STEPS = [
    ("/staff/facilities/maintenance/budget/", {"region": "T1", "year": "2027", "amount": "1"}),
    (
        "/staff/facilities/{asset}/maintenance/plans/",
        {"task": "t", "interval_months": "6", "cost": "1", "responsible": "r", "next_due_on": "2027-01-01"},
    ),
    ("/staff/facilities/{asset}/maintenance/work/", {"title": "t", "due_on": "2027-01-01", "estimated_cost": "1"}),
    (
        "/staff/facilities/{asset}/maintenance/plans/{plan}/edit/",
        {"task": "t", "interval_months": "6", "cost": "1", "responsible": "r", "next_due_on": "2027-01-01"},
    ),
    ("/staff/facilities/{asset}/maintenance/plans/{plan}/stop/", {}),
    ("/staff/facilities/{asset}/maintenance/link/", {"order": "{order}"}),
    ("/staff/facilities/work-orders/{work}/start/", {"note": ""}),
    ("/staff/facilities/work-orders/{work}/cancel/", {"reason": "r"}),
]  # fmt: skip


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "data"), STEPS, ids=[p for p, _d in STEPS])
def test_who_may_take_each_step(table_world, path, data, who):
    client = web_client(user_of(table_world, who))
    before = snapshot()
    response = client.post(
        _url(path, table_world), {k: _url(v, table_world) for k, v in data.items()}
    )
    if who in MANAGERS:
        assert response.status_code == 302
        assert snapshot() != before
        return
    budget = path == STEPS[0][0]
    if budget and who in OTHER_MANAGER:
        assert response.status_code == 403  # T2's dispatcher may not budget T1
    else:
        _refusal(who, response, scoped_404=True)
    assert snapshot() == before
