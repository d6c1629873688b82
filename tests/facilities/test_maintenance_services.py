"""Plans, work orders and budgets through the services: generation (idempotent), the
transitions and their refusals (nothing written), the plan moving on, linking a resident's
repair order, budgets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from minsheng.core.errors import Conflict, NotFound, PermissionDenied
from minsheng.facilities.models import (
    Kind,
    MaintenanceBudget,
    MaintenancePlan,
    Status,
    WorkOrder,
    WorkOrderEvent,
    WorkStatus,
)
from minsheng.facilities.services import maintenance as svc
from minsheng.orders.models import Status as OrderStatus
from tests.facilities.factories import make_facility
from tests.facilities.maintenance_helpers import plan_on, refused, repair_order, road

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 10, 9, 0, tzinfo=TZ)
TODAY = date(2026, 6, 10)


# --- generation -----------------------------------------------------------------------------


def test_plans_falling_due_get_one_work_order_each_and_a_second_run_makes_none(world):
    asset = road(world)
    due = plan_on(asset, due=date(2026, 7, 1), cost="5000")
    later = plan_on(asset, due=date(2026, 9, 1))
    stopped = plan_on(asset, due=date(2026, 6, 1))
    stopped.active = False
    stopped.save()
    gone = plan_on(make_facility(world.town_a, Kind.BRIDGE, status=Status.ABANDONED), due=TODAY)
    assert svc.work_orders_generate(as_of=TODAY, horizon_days=30, now=NOW) == 1
    work = WorkOrder.objects.get()
    assert (work.plan_id, work.due_on, work.status, work.estimated_cost, work.title) == (
        due.pk,
        date(2026, 7, 1),
        WorkStatus.OPEN,
        Decimal("5000.00"),
        "路面修补",
    )
    assert work.responsible == "县交通局"
    assert list(WorkOrderEvent.objects.values_list("old_status", "new_status")) == [("", "open")]
    assert svc.work_orders_generate(as_of=TODAY, horizon_days=30, now=NOW) == 0
    assert WorkOrder.objects.count() == 1
    assert not WorkOrder.objects.filter(plan__in=[later, stopped, gone]).exists()


def test_the_command_generates_and_refuses_a_bad_horizon(world):
    plan_on(road(world), due=date(2000, 1, 1))
    out = StringIO()
    call_command("work_orders_generate", "--days", "0", stdout=out)
    assert out.getvalue().strip() == "work_orders=1"
    call_command("work_orders_generate", stdout=out)
    assert out.getvalue().split() == ["work_orders=1", "work_orders=0"]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("work_orders_generate", "--days", "400", stdout=out)


# --- transitions ----------------------------------------------------------------------------


def _work(world, *, due=date(2026, 6, 1), interval=6):
    plan = plan_on(road(world), due=due, interval=interval)
    svc.work_orders_generate(as_of=TODAY, horizon_days=0, now=NOW)
    return plan, WorkOrder.objects.get(plan=plan)


def test_start_then_complete_with_cost_moves_the_plan_on_from_the_due_date(world):
    plan, work = _work(world)
    svc.work_order_start(actor=world.dispatcher_a, work_order_id=work.pk, note="进场", now=NOW)
    done = svc.work_order_complete(
        actor=world.dispatcher_a,
        work_order_id=work.pk,
        actual_cost="4800.50",
        completed_on="2026-06-10",
        now=NOW,
    )
    assert (done.status, done.actual_cost, done.completed_on) == (
        WorkStatus.DONE,
        Decimal("4800.50"),
        TODAY,
    )
    plan.refresh_from_db()
    assert plan.next_due_on == date(2026, 12, 1)  # six months after the due date
    steps = list(
        WorkOrderEvent.objects.filter(work_order=work).values_list(
            "old_status", "new_status", "actor__username", "note"
        )
    )
    assert steps[1:] == [
        ("open", "in_progress", "disp_a", "进场"),
        ("in_progress", "done", "disp_a", ""),
    ]
    # the next occurrence is generated once it falls due
    assert svc.work_orders_generate(as_of=date(2026, 11, 20), horizon_days=30, now=NOW) == 1


def test_completing_refuses_a_missing_cost_and_a_day_in_the_future(world):
    _plan, work = _work(world)
    svc.work_order_start(actor=world.dispatcher_a, work_order_id=work.pk, now=NOW)
    refused(
        lambda: svc.work_order_complete(
            actor=world.dispatcher_a,
            work_order_id=work.pk,
            actual_cost="",
            completed_on="2026-06-11",
            now=NOW,
        ),
        errors=[("cost_required", "actual_cost"), ("date_in_future", "completed_on")],
    )
    refused(
        lambda: svc.work_order_complete(
            actor=world.dispatcher_a,
            work_order_id=work.pk,
            actual_cost="-1",
            completed_on="soon",
            now=NOW,
        ),
        errors=[("invalid", "actual_cost"), ("not_a_date", "completed_on")],
    )


def test_an_open_work_order_cannot_be_done_without_starting_and_a_done_one_is_final(world):
    _plan, work = _work(world)
    refused(
        lambda: svc.work_order_complete(
            actor=world.dispatcher_a,
            work_order_id=work.pk,
            actual_cost="10",
            completed_on="2026-06-10",
            now=NOW,
        ),
        error=Conflict,
        errors=[("illegal_transition", None)],
    )
    svc.work_order_cancel(actor=world.dispatcher_a, work_order_id=work.pk, reason="重复", now=NOW)
    refused(
        lambda: svc.work_order_start(actor=world.dispatcher_a, work_order_id=work.pk, now=NOW),
        error=Conflict,
        errors=[("illegal_transition", None)],
    )


def test_cancelling_needs_a_reason_and_skips_the_plans_occurrence(world):
    plan, work = _work(world, interval=3)
    refused(
        lambda: svc.work_order_cancel(
            actor=world.dispatcher_a, work_order_id=work.pk, reason="  ", now=NOW
        ),
        errors=[("reason_required", "reason")],
    )
    svc.work_order_cancel(
        actor=world.dispatcher_a, work_order_id=work.pk, reason="已由省里修", now=NOW
    )
    work.refresh_from_db()
    plan.refresh_from_db()
    assert work.status == WorkStatus.CANCELLED
    assert plan.next_due_on == date(2026, 9, 1)
    assert WorkOrderEvent.objects.filter(work_order=work).last().note == "已由省里修"


def test_only_the_assets_managers_move_its_work(world):
    _plan, work = _work(world)
    for who in (world.dispatcher_b, world.resident, world.provider_staff):
        refused(
            lambda who=who: svc.work_order_start(actor=who, work_order_id=work.pk, now=NOW),
            error=PermissionDenied,
            errors=[("not_permitted", None)],
        )
    svc.work_order_start(actor=world.county_admin, work_order_id=work.pk, now=NOW)
    refused(
        lambda: svc.work_order_start(actor=world.county_admin, work_order_id=999999, now=NOW),
        error=NotFound,
        errors=[("work_order_not_found", "work_order")],
    )


# --- plans ----------------------------------------------------------------------------------


def test_a_plan_is_created_updated_and_stopped_by_a_manager(world):
    asset = road(world)
    data = svc.PlanInput(
        task="桥梁检测", interval_months="12", cost="8000", responsible="县交通局",
        next_due_on="2026-10-01",
    )  # fmt: skip
    plan = svc.plan_create(actor=world.dispatcher_a, facility_id=asset.pk, data=data)
    assert (plan.task, plan.interval_months, plan.cost, plan.next_due_on, plan.active) == (
        "桥梁检测",
        12,
        Decimal("8000.00"),
        date(2026, 10, 1),
        True,
    )
    svc.plan_update(
        actor=world.county_admin,
        plan_id=plan.pk,
        data=svc.PlanInput("桥梁检测", "24", "9000", "县交通局", "2027-01-01"),
    )
    plan.refresh_from_db()
    assert (plan.interval_months, plan.cost, plan.next_due_on) == (
        24,
        Decimal("9000.00"),
        date(2027, 1, 1),
    )
    svc.plan_deactivate(actor=world.dispatcher_a, plan_id=plan.pk)
    refused(
        lambda: svc.plan_deactivate(actor=world.dispatcher_a, plan_id=plan.pk),
        error=Conflict,
        errors=[("plan_inactive", None)],
    )


def test_a_bad_plan_is_refused_on_every_field_at_once(world):
    asset = road(world)
    refused(
        lambda: svc.plan_create(
            actor=world.dispatcher_a,
            facility_id=asset.pk,
            data=svc.PlanInput("", "0", "1.234", "", "2026-02-30"),
        ),
        errors=[
            ("required", "task"),
            ("invalid", "interval_months"),
            ("invalid", "cost"),
            ("required", "responsible"),
            ("not_a_date", "next_due_on"),
        ],
    )
    refused(
        lambda: svc.plan_create(
            actor=world.dispatcher_b,
            facility_id=asset.pk,
            data=svc.PlanInput("x", "1", "1", "x", "2026-01-01"),
        ),
        error=PermissionDenied,
        errors=[("not_permitted", None)],
    )
    assert MaintenancePlan.objects.count() == 0


# --- residents' orders ----------------------------------------------------------------------


def test_a_pothole_order_becomes_its_road_sections_work_once(world):
    asset = road(world)
    order = repair_order(world)
    work = svc.work_order_from_order(
        actor=world.dispatcher_a,
        order_id=order.pk,
        facility_id=asset.pk,
        estimated_cost="3000",
        now=NOW,
    )
    assert (work.facility_id, work.order_id, work.status, work.estimated_cost) == (
        asset.pk,
        order.pk,
        WorkStatus.OPEN,
        Decimal("3000.00"),
    )
    assert work.title == f"道路维修 #{order.pk}"
    assert work.due_on == order.resolve_deadline.astimezone(TZ).date()
    refused(
        lambda: svc.work_order_from_order(
            actor=world.dispatcher_a, order_id=order.pk, facility_id=asset.pk, now=NOW
        ),
        error=Conflict,
        errors=[("order_linked", "order")],
    )


def test_an_order_from_another_township_or_of_a_service_that_does_not_fit_is_refused(world):
    asset = road(world)
    elsewhere = repair_order(world, village=world.village_b)
    refused(
        lambda: svc.work_order_from_order(
            actor=world.dispatcher_a, order_id=elsewhere.pk, facility_id=asset.pk, now=NOW
        ),
        errors=[("order_outside_township", "order")],
    )
    water = repair_order(world, code="water-repair")
    refused(
        lambda: svc.work_order_from_order(
            actor=world.dispatcher_a, order_id=water.pk, facility_id=asset.pk, now=NOW
        ),
        errors=[("order_not_repair", "order")],
    )
    works = make_facility(world.town_a, Kind.WATER)
    svc.work_order_from_order(
        actor=world.dispatcher_a, order_id=water.pk, facility_id=works.pk, now=NOW
    )
    refused(
        lambda: svc.work_order_from_order(
            actor=world.dispatcher_a, order_id=123456789, facility_id=asset.pk, now=NOW
        ),
        error=NotFound,
        errors=[("order_not_found", "order")],
    )


def test_a_cancelled_order_is_not_work(world):
    asset = road(world)
    order = repair_order(world)
    type(order).objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    refused(
        lambda: svc.work_order_from_order(
            actor=world.dispatcher_a, order_id=order.pk, facility_id=asset.pk, now=NOW
        ),
        error=Conflict,
        errors=[("order_closed_out", "order")],
    )


# --- budgets --------------------------------------------------------------------------------


def test_a_budget_is_entered_and_entered_again_replaces_it(world):
    svc.budget_set(actor=world.county_admin, region_code="C", year="2027", amount="500000")
    svc.budget_set(actor=world.county_admin, region_code="C", year="2027", amount="450000.5")
    svc.budget_set(actor=world.dispatcher_a, region_code="T1", year=2027, amount="0")
    assert list(
        MaintenanceBudget.objects.order_by("region__code").values_list(
            "region__code", "year", "amount"
        )
    ) == [
        ("C", 2027, Decimal("450000.50")),
        ("T1", 2027, Decimal("0.00")),
    ]


def test_a_budget_is_refused_outside_scope_negative_or_for_a_village(world):
    refused(
        lambda: svc.budget_set(actor=world.dispatcher_a, region_code="T2", year="2027", amount="1"),
        error=PermissionDenied,
        errors=[("not_permitted", None)],
    )
    refused(
        lambda: svc.budget_set(
            actor=world.county_admin, region_code="V1", year="1999", amount="-5"
        ),
        errors=[("region_invalid", "region"), ("invalid", "year"), ("invalid", "amount")],
    )
