"""Services of the maintenance part (issue 10): plans, work orders, budgets.

Every write is one transaction and refusals write nothing. Checks run in this order: the
row asked for (404), who may (403), the input (400, every field at once), then the row's
state (409), after its lock. A work order's status changes only in ``_transition``: lock,
check ``TRANSITIONS``, record a ``WorkOrderEvent``. See ``docs/maintenance.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core import locks
from minsheng.core.errors import Code, Conflict, DomainError, ErrorDetail, NotFound
from minsheng.core.ids import as_id
from minsheng.core.inputs import Invalid, is_blank, read_int, read_text
from minsheng.orders.models import Order
from minsheng.orders.models import Status as OrderStatus
from minsheng.regions.models import Region

from ..errors import MaintenanceCode
from ..lifecycle import add_months
from ..models import (
    Facility,
    MaintenanceBudget,
    MaintenancePlan,
    Status,
    WorkOrder,
    WorkOrderEvent,
    WorkStatus,
)
from ..policy import maintenance as policy

TEXT_MAX = 200
NOTE_MAX = 2000
MAX_MONEY = Decimal("999999999999.99")  # 14 digits, 2 after the point
MAX_INTERVAL = 240  # months: twenty years
YEARS = (2000, 2999)
# The generator looks this far ahead unless told otherwise.
HORIZON_DAYS = 30
MAX_HORIZON_DAYS = 366

TRANSITIONS: dict[str, frozenset[str]] = {
    WorkStatus.OPEN: frozenset({WorkStatus.IN_PROGRESS, WorkStatus.CANCELLED}),
    WorkStatus.IN_PROGRESS: frozenset({WorkStatus.DONE, WorkStatus.CANCELLED}),
    WorkStatus.DONE: frozenset(),
    WorkStatus.CANCELLED: frozenset(),
}
OPEN_WORK = frozenset({WorkStatus.OPEN, WorkStatus.IN_PROGRESS})
# A resident's order that went nowhere is not work on an asset.
DEAD_ORDERS = frozenset({OrderStatus.REJECTED, OrderStatus.CANCELLED, OrderStatus.MERGED})


def can_move(old: str, new: str) -> bool:
    return new in TRANSITIONS.get(old, frozenset())


# --- reading input --------------------------------------------------------------------------


def _text(
    value: Any, field: str, errors: list[ErrorDetail], *, required: bool, max_length: int
) -> str:
    try:
        return read_text(value, max_length=max_length, required=required, markup=False)
    except Invalid as exc:
        errors.append(exc.detail(field))
        return ""


def _date(value: Any, field: str, errors: list[ErrorDetail]) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    day = None
    if isinstance(value, str) and value.strip():
        try:
            day = parse_date(value.strip())
        except ValueError:
            day = None
    if day is None or not YEARS[0] <= day.year <= YEARS[1]:
        errors.append(
            ErrorDetail(MaintenanceCode.NOT_A_DATE, _("Give a date, like 2026-05-01."), field)
        )
        return None
    return day


def _money(value: Any, field: str, errors: list[ErrorDetail]) -> Decimal | None:
    """Yuan: a number from 0 with at most two decimals."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
    else:
        text = ""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount < 0
        or amount > MAX_MONEY
        or amount != amount.quantize(Decimal("0.01"))
    ):
        errors.append(
            ErrorDetail(
                MaintenanceCode.COST_REQUIRED if is_blank(value) else Code.INVALID,
                _("Give an amount in yuan from 0, with at most two decimals."),
                field,
            )
        )
        return None
    return amount.quantize(Decimal("0.01"))


def _interval(value: Any, errors: list[ErrorDetail]) -> int:
    try:
        return read_int(value, low=1, high=MAX_INTERVAL)
    except Invalid as exc:
        errors.append(exc.detail("interval_months"))
        return 0


def _raise(errors: list[ErrorDetail]) -> None:
    if errors:
        raise DomainError(errors)


# --- rows -----------------------------------------------------------------------------------


def _facility(facility_id: Any, *, lock: bool = False) -> Facility:
    pk = as_id(facility_id)
    rows = Facility.objects.select_for_update() if lock else Facility.objects.all()
    facility = rows.filter(pk=pk).first() if pk is not None else None
    if facility is None:
        raise NotFound.single(MaintenanceCode.FACILITY_NOT_FOUND, _("No such asset."), "facility")
    return facility


def _plan(plan_id: Any, *, lock: bool = False) -> MaintenancePlan:
    pk = as_id(plan_id)
    rows = MaintenancePlan.objects.select_for_update() if lock else MaintenancePlan.objects
    plan = rows.select_related("facility").filter(pk=pk).first() if pk is not None else None
    if plan is None:
        raise NotFound.single(MaintenanceCode.PLAN_NOT_FOUND, _("No such plan."), "plan")
    return plan


def _work_order(work_order_id: Any, *, lock: bool = False) -> WorkOrder:
    pk = as_id(work_order_id)
    rows = WorkOrder.objects.select_for_update() if lock else WorkOrder.objects
    work = rows.select_related("facility").filter(pk=pk).first() if pk is not None else None
    if work is None:
        raise NotFound.single(
            MaintenanceCode.WORK_ORDER_NOT_FOUND, _("No such work order."), "work_order"
        )
    return work


def _event(
    work: WorkOrder, old: str, new: str, *, actor: Actor, note: str, at: datetime
) -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(
        work_order=work,
        old_status=old,
        new_status=new,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        created_at=at,
    )


# --- plans ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInput:
    task: Any = ""
    interval_months: Any = ""
    cost: Any = ""
    responsible: Any = ""
    next_due_on: Any = ""


@dataclass(frozen=True)
class CleanPlan:
    task: str
    interval_months: int
    cost: Decimal
    responsible: str
    next_due_on: date


def _read_plan(data: PlanInput) -> CleanPlan:
    errors: list[ErrorDetail] = []
    task = _text(data.task, "task", errors, required=True, max_length=TEXT_MAX)
    interval = _interval(data.interval_months, errors)
    cost = _money(data.cost, "cost", errors)
    responsible = _text(data.responsible, "responsible", errors, required=True, max_length=200)
    due = _date(data.next_due_on, "next_due_on", errors)
    _raise(errors)
    assert cost is not None and due is not None
    return CleanPlan(task, interval, cost, responsible, due)


def plan_create(*, actor: Actor, facility_id: Any, data: PlanInput) -> MaintenancePlan:
    """A recurring task on an asset; its first work order is made when it falls due."""
    facility = _facility(facility_id)
    policy.require(policy.can_maintain(actor, facility))
    clean = _read_plan(data)
    with transaction.atomic():
        facility = _facility(facility.pk, lock=True)
        return MaintenancePlan.objects.create(
            facility=facility,
            task=clean.task,
            interval_months=clean.interval_months,
            cost=clean.cost,
            responsible=clean.responsible,
            next_due_on=clean.next_due_on,
        )


def plan_update(*, actor: Actor, plan_id: Any, data: PlanInput) -> MaintenancePlan:
    """Change a plan; work orders already made from it keep what they were made with."""
    plan = _plan(plan_id)
    policy.require(policy.can_maintain(actor, plan.facility))
    clean = _read_plan(data)
    with transaction.atomic():
        plan = _plan(plan.pk, lock=True)
        if not plan.active:
            raise Conflict.single(
                MaintenanceCode.PLAN_INACTIVE, _("This plan is no longer in use."), None
            )
        plan.task = clean.task
        plan.interval_months = clean.interval_months
        plan.cost = clean.cost
        plan.responsible = clean.responsible
        plan.next_due_on = clean.next_due_on
        plan.save(update_fields=["task", "interval_months", "cost", "responsible", "next_due_on"])
    return plan


def plan_deactivate(*, actor: Actor, plan_id: Any) -> MaintenancePlan:
    """Stop a plan: no more work orders from it (open ones stay, to be done or cancelled)."""
    plan = _plan(plan_id)
    policy.require(policy.can_maintain(actor, plan.facility))
    with transaction.atomic():
        plan = _plan(plan.pk, lock=True)
        if not plan.active:
            raise Conflict.single(
                MaintenanceCode.PLAN_INACTIVE, _("This plan is no longer in use."), None
            )
        plan.active = False
        plan.save(update_fields=["active"])
    return plan


# --- work orders ----------------------------------------------------------------------------


def work_orders_generate(
    *, as_of: date, horizon_days: int = HORIZON_DAYS, now: datetime | None = None
) -> int:
    """A work order for every active plan falling due by ``as_of + horizon_days`` that has
    none for that due date yet (on an asset neither planned nor abandoned). Idempotent:
    the second run makes nothing (the unique plan + due date holds under a race too).
    Returns how many were made."""
    if not 0 <= horizon_days <= MAX_HORIZON_DAYS:
        raise DomainError.single(
            Code.OUT_OF_RANGE,
            _("Look ahead from 0 to %(n)d days.") % {"n": MAX_HORIZON_DAYS},
            "days",
        )
    now = now or timezone.now()
    until = as_of + timedelta(days=horizon_days)
    with transaction.atomic():
        locks.hold("facilities.work_orders_generate")
        plans = list(
            MaintenancePlan.objects.filter(
                active=True,
                next_due_on__lte=until,
                facility__status__in=[Status.OPEN, Status.CLOSED],
            ).order_by("pk")
        )
        made = set(
            WorkOrder.objects.filter(plan_id__in=[p.pk for p in plans]).values_list(
                "plan_id", "due_on"
            )
        )
        new = [
            WorkOrder(
                facility_id=p.facility_id,
                plan=p,
                title=p.task,
                status=WorkStatus.OPEN,
                due_on=p.next_due_on,
                estimated_cost=p.cost,
                responsible=p.responsible,
                created_at=now,
                updated_at=now,
            )
            for p in plans
            if (p.pk, p.next_due_on) not in made
        ]
        for work in new:
            work.save(force_insert=True)
        WorkOrderEvent.objects.bulk_create(
            WorkOrderEvent(
                work_order=w,
                old_status="",
                new_status=WorkStatus.OPEN,
                note=str(_("From the maintenance plan")),
                created_at=now,
            )
            for w in new
        )
    return len(new)


@dataclass(frozen=True)
class WorkInput:
    title: Any = ""
    due_on: Any = ""
    estimated_cost: Any = ""
    responsible: Any = ""


def work_order_create(
    *, actor: Actor, facility_id: Any, data: WorkInput, now: datetime | None = None
) -> WorkOrder:
    """Work on an asset that no plan foresaw (a storm's damage, an inspection's finding)."""
    facility = _facility(facility_id)
    policy.require(policy.can_maintain(actor, facility))
    errors: list[ErrorDetail] = []
    title = _text(data.title, "title", errors, required=True, max_length=TEXT_MAX)
    due = _date(data.due_on, "due_on", errors)
    cost = _money(data.estimated_cost, "estimated_cost", errors)
    responsible = _text(data.responsible, "responsible", errors, required=False, max_length=200)
    _raise(errors)
    assert due is not None and cost is not None
    now = now or timezone.now()
    with transaction.atomic():
        facility = _facility(facility.pk, lock=True)
        work = WorkOrder.objects.create(
            facility=facility,
            title=title,
            due_on=due,
            estimated_cost=cost,
            responsible=responsible,
            created_at=now,
            updated_at=now,
        )
        _event(work, "", WorkStatus.OPEN, actor=actor, note="", at=now)
    return work


def work_order_from_order(
    *,
    actor: Actor,
    order_id: Any,
    facility_id: Any,
    estimated_cost: Any = "0",
    now: datetime | None = None,
) -> WorkOrder:
    """Work on an asset from a resident's order about it (a pothole order and its road
    section): the order is in the asset's township, of a repair service that fits the asset
    (``policy.repair_services``), not rejected, cancelled or merged, and not linked yet."""
    facility = _facility(facility_id)
    policy.require(policy.can_maintain(actor, facility))
    errors: list[ErrorDetail] = []
    cost = _money(estimated_cost, "estimated_cost", errors)
    pk = as_id(order_id)
    if pk is None:
        errors.append(
            ErrorDetail(MaintenanceCode.ORDER_NOT_FOUND, _("Give an order's number."), "order")
        )
    _raise(errors)
    assert cost is not None and pk is not None
    now = now or timezone.now()
    with transaction.atomic():
        facility = _facility(facility.pk, lock=True)
        order = Order.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
        if order is None:
            raise NotFound.single(MaintenanceCode.ORDER_NOT_FOUND, _("No such order."), "order")
        service_code = order.service.code if order.service else ""
        if order.township_id != facility.township_id:
            raise DomainError.single(
                MaintenanceCode.ORDER_OUTSIDE_TOWNSHIP,
                _("This order is from another township than the asset."),
                "order",
            )
        if service_code not in policy.repair_services(facility.kind):
            raise DomainError.single(
                MaintenanceCode.ORDER_NOT_REPAIR,
                _("This order is not for a repair that fits this asset."),
                "order",
            )
        if order.status in DEAD_ORDERS:
            raise Conflict.single(
                MaintenanceCode.ORDER_CLOSED_OUT,
                _("This order was rejected, cancelled or merged."),
                "order",
            )
        if WorkOrder.objects.filter(order_id=order.pk).exists():
            raise Conflict.single(
                MaintenanceCode.ORDER_LINKED,
                _("This order already has its work order."),
                "order",
            )
        work = WorkOrder.objects.create(
            facility=facility,
            order=order,
            title=f"{order.service.name_zh if order.service else ''} #{order.pk}"[:TEXT_MAX],
            due_on=timezone.localdate(order.resolve_deadline),
            estimated_cost=cost,
            created_at=now,
            updated_at=now,
        )
        _event(
            work,
            "",
            WorkStatus.OPEN,
            actor=actor,
            note=str(_("From resident's order #%(n)d") % {"n": order.pk}),
            at=now,
        )
    return work


def _transition(
    *,
    actor: Actor,
    work_order_id: Any,
    new: str,
    read: Any,
    now: datetime | None,
) -> WorkOrder:
    """Lock, check the table, apply ``read``'s fields, record the event."""
    work = _work_order(work_order_id)
    policy.require(policy.can_work_on(actor, work))
    now = now or timezone.now()
    errors: list[ErrorDetail] = []
    fields, note = read(errors, timezone.localdate(now))
    _raise(errors)
    with transaction.atomic():
        work = _work_order(work.pk, lock=True)
        old = work.status
        if not can_move(old, new):
            raise Conflict.single(
                MaintenanceCode.ILLEGAL_TRANSITION,
                _("This work order cannot go from “%(old)s” to “%(new)s”.")
                % {"old": WorkStatus(old).label, "new": WorkStatus(new).label},
                None,
            )
        for name, value in fields.items():
            setattr(work, name, value)
        work.status = new
        work.updated_at = now
        work.save(update_fields=[*fields, "status", "updated_at"])
        _event(work, old, new, actor=actor, note=note, at=now)
        if work.plan_id is not None and new in (WorkStatus.DONE, WorkStatus.CANCELLED):
            _plan_moves_on(work)
    return work


def _plan_moves_on(work: WorkOrder) -> None:
    """A plan's work done (or the occurrence cancelled): the plan falls due next one
    interval after this work's due date (never earlier than it already is)."""
    assert work.plan_id is not None
    plan = MaintenancePlan.objects.select_for_update().get(pk=work.plan_id)
    following = add_months(work.due_on, plan.interval_months)
    if plan.next_due_on < following:
        plan.next_due_on = following
        plan.save(update_fields=["next_due_on"])


def work_order_start(
    *, actor: Actor, work_order_id: Any, note: Any = "", now: datetime | None = None
) -> WorkOrder:
    def read(errors: list[ErrorDetail], today: date) -> tuple[dict[str, Any], str]:
        return {}, _text(note, "note", errors, required=False, max_length=NOTE_MAX)

    return _transition(
        actor=actor, work_order_id=work_order_id, new=WorkStatus.IN_PROGRESS, read=read, now=now
    )


def work_order_complete(
    *,
    actor: Actor,
    work_order_id: Any,
    actual_cost: Any,
    completed_on: Any,
    note: Any = "",
    now: datetime | None = None,
) -> WorkOrder:
    """Done, with what it cost and the day it was finished (not in the future)."""

    def read(errors: list[ErrorDetail], today: date) -> tuple[dict[str, Any], str]:
        cost = _money(actual_cost, "actual_cost", errors)
        day = _date(completed_on, "completed_on", errors)
        if day is not None and day > today:
            errors.append(
                ErrorDetail(
                    MaintenanceCode.DATE_IN_FUTURE,
                    _("The work cannot be finished in the future."),
                    "completed_on",
                )
            )
        text = _text(note, "note", errors, required=False, max_length=NOTE_MAX)
        return {"actual_cost": cost, "completed_on": day}, text

    return _transition(
        actor=actor, work_order_id=work_order_id, new=WorkStatus.DONE, read=read, now=now
    )


def work_order_cancel(
    *, actor: Actor, work_order_id: Any, reason: Any, now: datetime | None = None
) -> WorkOrder:
    """Cancelled, with the reason (a plan's occurrence is then skipped)."""

    def read(errors: list[ErrorDetail], today: date) -> tuple[dict[str, Any], str]:
        text = _text(reason, "reason", errors, required=False, max_length=NOTE_MAX)
        if not text and not any(e.field == "reason" for e in errors):
            errors.append(
                ErrorDetail(
                    MaintenanceCode.REASON_REQUIRED, _("Say why the work is cancelled."), "reason"
                )
            )
        return {}, text

    return _transition(
        actor=actor, work_order_id=work_order_id, new=WorkStatus.CANCELLED, read=read, now=now
    )


# --- budgets --------------------------------------------------------------------------------


def budget_set(*, actor: Actor, region_code: Any, year: Any, amount: Any) -> MaintenanceBudget:
    """The maintenance budget of the county or a township for a year (entered again, it
    replaces the amount)."""
    errors: list[ErrorDetail] = []
    code = _text(region_code, "region", errors, required=True, max_length=60)
    region = (
        Region.objects.filter(
            code=code, level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP]
        ).first()
        if code
        else None
    )
    if code and region is None:
        errors.append(
            ErrorDetail(
                MaintenanceCode.REGION_INVALID, _("Choose the county or a township."), "region"
            )
        )
    if region is not None:
        policy.require(policy.can_budget(actor, region))
    elif not policy.can_see_maintenance(actor):
        policy.require(False)
    try:
        the_year = read_int(year, low=YEARS[0], high=YEARS[1])
    except Invalid as exc:
        errors.append(exc.detail("year"))
        the_year = 0
    money = _money(amount, "amount", errors)
    _raise(errors)
    assert region is not None and money is not None
    with transaction.atomic():
        locks.hold(f"facilities.budget:{region.pk}:{the_year}")
        budget, _created = MaintenanceBudget.objects.select_for_update().update_or_create(
            region=region, year=the_year, defaults={"amount": money}
        )
    return budget
