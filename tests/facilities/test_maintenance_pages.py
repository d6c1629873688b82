"""The maintenance pages (English) and the REST endpoints: overdue work, the projection
with its export, budgets, an asset's page with its forms, a work order's steps."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from minsheng.facilities.models import (
    Condition,
    MaintenanceBudget,
    MaintenancePlan,
    WorkOrder,
    WorkStatus,
)
from minsheng.facilities.services import maintenance as svc
from tests.facilities.maintenance_helpers import plan_on, repair_order, road, snapshot
from tests.orders.test_permission_table import api_client
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(world):
    """T1's road with a plan overdue by 40 days (its work generated), built 2010 for
    2,000,000 with a 15-year life (so renewed next year), in poor condition."""
    today = timezone.localdate()
    world.road = road(world, condition=Condition.POOR)
    world.plan = plan_on(world.road, due=today - timedelta(days=40), interval=12, cost="5000")
    svc.work_orders_generate(as_of=today, horizon_days=0)
    world.work = WorkOrder.objects.get(plan=world.plan)
    world.today = today
    return world


def test_the_overview_lists_overdue_work_and_the_projection(site):
    next_year = site.today.year + 1
    MaintenanceBudget.objects.create(region=site.county, year=next_year, amount=Decimal("100000"))
    response = logged_in(site.county_admin).get("/staff/facilities/maintenance/?years=2")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Overdue work" in page
    assert site.road.name_en in page
    p = response.context["p"]
    assert p.years == [next_year, next_year + 1]
    # next year: renewal 1,000,000 + overdue 5,000 + the plan once (5,000)
    assert p.need[0] == Decimal("1010000.00")
    assert p.budget[0] == Decimal("100000")
    assert [(u.asset.id, u.year) for u in p.unfunded] == [(site.road.pk, next_year)]
    assert [w.pk for w in response.context["overdue"]] == [site.work.pk]


def test_a_bad_years_value_is_said_and_the_default_shown(site):
    response = logged_in(site.county_admin).get("/staff/facilities/maintenance/?years=11")
    assert response.status_code == 400
    assert "A whole number from 1 to 10." in response.content.decode()
    assert len(response.context["p"].years) == 5


def test_the_projection_exports_as_csv_and_xlsx(site):
    client = logged_in(site.county_admin)
    response = client.get("/staff/facilities/maintenance/?years=1&format=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Disrepair first" in text
    assert "Funding gap" in text
    assert "1010000.0" in text
    xlsx = client.get("/staff/facilities/maintenance/?years=1&format=xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_a_budget_is_entered_on_the_page_and_a_bad_one_shown_with_nothing_written(site):
    client = logged_in(site.dispatcher_a)
    response = client.post(
        "/staff/facilities/maintenance/budget/?years=3",
        {"region": "T1", "year": "2027", "amount": "250000"},
    )
    assert response.status_code == 302
    assert MaintenanceBudget.objects.get().amount == Decimal("250000.00")
    before = snapshot()
    bad = client.post(
        "/staff/facilities/maintenance/budget/", {"region": "T1", "year": "2027", "amount": "-1"}
    )
    assert bad.status_code == 400
    assert 'href="#budget-amount"' in bad.content.decode()
    assert snapshot() == before


def test_the_assets_page_adds_a_plan_and_work_and_links_a_repair_order(site):
    client = logged_in(site.dispatcher_a)
    order = repair_order(site)
    page = client.get(f"/staff/facilities/{site.road.pk}/maintenance/")
    assert page.status_code == 200
    assert [o.pk for o in page.context["candidates"]] == [order.pk]
    assert f"Link order #{order.pk}" in page.content.decode()
    assert (
        client.post(
            f"/staff/facilities/{site.road.pk}/maintenance/plans/",
            {
                "task": "Sweep drains",
                "interval_months": "3",
                "cost": "800",
                "responsible": "Roads office",
                "next_due_on": "2027-01-01",
            },
        ).status_code
        == 302
    )
    assert MaintenancePlan.objects.filter(task="Sweep drains").count() == 1
    assert (
        client.post(
            f"/staff/facilities/{site.road.pk}/maintenance/work/",
            {"title": "Storm damage", "due_on": "2027-01-05", "estimated_cost": "12000"},
        ).status_code
        == 302
    )
    linked = client.post(f"/staff/facilities/{site.road.pk}/maintenance/link/", {"order": order.pk})
    assert linked.status_code == 302
    assert WorkOrder.objects.get(order=order).facility_id == site.road.pk
    again = client.get(f"/staff/facilities/{site.road.pk}/maintenance/")
    assert list(again.context["candidates"]) == []
    before = snapshot()
    bad = client.post(f"/staff/facilities/{site.road.pk}/maintenance/work/", {"title": ""})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'href="#work-title"' in html and 'id="work-title"' in html
    assert snapshot() == before


def test_a_work_order_is_started_and_completed_on_its_page(site):
    client = logged_in(site.dispatcher_a)
    url = f"/staff/facilities/work-orders/{site.work.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Overdue" in page.content.decode()
    assert client.post(url + "start/", {"note": "crew on site"}).status_code == 302
    future = (site.today + timedelta(days=1)).isoformat()
    before = snapshot()
    bad = client.post(url + "complete/", {"actual_cost": "", "completed_on": future})
    assert bad.status_code == 400
    assert "The work cannot be finished in the future." in bad.content.decode()
    assert snapshot() == before
    done = client.post(
        url + "complete/", {"actual_cost": "5100", "completed_on": site.today.isoformat()}
    )
    assert done.status_code == 302
    site.work.refresh_from_db()
    assert (site.work.status, site.work.actual_cost) == (WorkStatus.DONE, Decimal("5100.00"))
    history = client.get(url).content.decode()
    assert "In progress → Done" in history
    conflict = client.post(url + "cancel/", {"reason": "x"})
    assert conflict.status_code == 409


# --- REST -----------------------------------------------------------------------------------


def test_the_work_orders_api_filters_by_status_and_overdue(site):
    client = api_client(site.dispatcher_a)
    later = WorkOrder.objects.create(
        facility=site.road,
        title="later",
        due_on=site.today + timedelta(days=10),
        estimated_cost=Decimal("1"),
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    body = client.get("/api/v1/work-orders/").json()
    assert [r["id"] for r in body["results"]] == [site.work.pk, later.pk]
    assert body["results"][0]["township"] == "T1"
    assert body["results"][0]["estimated_cost"] == "5000.00"
    overdue = client.get("/api/v1/work-orders/?overdue=true").json()
    assert [r["id"] for r in overdue["results"]] == [site.work.pk]
    on_time = client.get("/api/v1/work-orders/?overdue=false&status=open").json()
    assert [r["id"] for r in on_time["results"]] == [later.pk]
    assert client.get("/api/v1/work-orders/?overdue=maybe").status_code == 400
    assert api_client(site.dispatcher_b).get("/api/v1/work-orders/").json()["results"] == []


def test_the_projection_api_for_the_county_and_a_township(site):
    client = api_client(site.county_admin)
    body = client.get("/api/v1/maintenance/projection/?years=1").json()
    assert body["region"]["code"] == "C"
    assert body["years"] == [site.today.year + 1]
    assert body["need"] == ["1010000.00"]
    assert body["budget"] == ["0.00"]
    assert body["gap"] == ["1010000.00"]
    assert body["assets"][0]["renewal"] == ["1000000.00"]
    assert body["assets"][0]["backlog"] == ["5000.00"]
    assert body["unfunded"][0]["id"] == site.road.pk
    t2 = client.get("/api/v1/maintenance/projection/?years=1&region=T2").json()
    assert t2["need"] == ["0.00"]
    assert client.get("/api/v1/maintenance/projection/?years=0").status_code == 400
    own = api_client(site.dispatcher_a)
    assert own.get("/api/v1/maintenance/projection/").json()["region"]["code"] == "T1"
    assert own.get("/api/v1/maintenance/projection/?region=T2").status_code == 404
    assert own.get("/api/v1/maintenance/projection/?region=C").status_code == 404


def test_a_plan_is_changed_on_the_assets_page_and_a_bad_change_shown_at_its_fields(site):
    client = logged_in(site.dispatcher_a)
    url = f"/staff/facilities/{site.road.pk}/maintenance/plans/{site.plan.pk}/edit/"
    data = {
        "task": "Patch potholes",
        "interval_months": "6",
        "cost": "6500",
        "responsible": "Roads office",
        "next_due_on": "2027-03-01",
    }
    assert client.post(url, data).status_code == 302
    site.plan.refresh_from_db()
    assert (site.plan.task, site.plan.interval_months, site.plan.cost) == (
        "Patch potholes",
        6,
        Decimal("6500.00"),
    )
    assert site.plan.next_due_on == date(2027, 3, 1)
    before = snapshot()
    bad = client.post(url, {**data, "cost": "abc"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert f'href="#edit{site.plan.pk}-cost"' in html
    assert f'id="edit{site.plan.pk}-cost"' in html
    assert 'value="abc"' in html
    assert snapshot() == before


def test_the_pages_render_in_chinese(site):
    client = logged_in(site.county_admin, language="zh-hans")
    for url in (
        "/staff/facilities/maintenance/",
        f"/staff/facilities/{site.road.pk}/maintenance/",
        f"/staff/facilities/work-orders/{site.work.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in response.content.decode()
