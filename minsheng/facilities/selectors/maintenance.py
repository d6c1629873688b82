"""Selectors of the maintenance part (issue 10): work orders in a manager's scope, an
asset's plans and work, the residents' repair orders that could be its work, and the
lifecycle projection's input (``facilities.lifecycle`` computes it)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from minsheng.accounts.types import Actor
from minsheng.orders.models import Order
from minsheng.regions.models import Region

from .. import lifecycle
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

OPEN_WORK = (WorkStatus.OPEN, WorkStatus.IN_PROGRESS)
DEAD_ORDERS = ("rejected", "cancelled", "merged")
# Assets the projection counts: those standing (open or closed for now).
STANDING = (Status.OPEN, Status.CLOSED)
CANDIDATES_SHOWN = 50


def work_orders(user: Actor) -> QuerySet[WorkOrder]:
    """Every work order on the assets ``user`` maintains, with its asset and township."""
    scope = policy.maintained_q(user, "facility__")
    if scope is None:
        return WorkOrder.objects.none()
    return WorkOrder.objects.filter(scope).select_related(
        "facility", "facility__township", "facility__region", "plan", "order"
    )


def overdue(user: Actor, as_of: date) -> QuerySet[WorkOrder]:
    """Open work past its due date, oldest first."""
    return work_orders(user).filter(status__in=OPEN_WORK, due_on__lt=as_of).order_by("due_on", "pk")


def work_order(user: Actor, pk: int) -> WorkOrder | None:
    return work_orders(user).filter(pk=pk).first()


def events_of(work: WorkOrder) -> QuerySet[WorkOrderEvent]:
    return WorkOrderEvent.objects.filter(work_order=work).select_related("actor")


def plans_of(facility: Facility) -> QuerySet[MaintenancePlan]:
    return MaintenancePlan.objects.filter(facility=facility).order_by(
        "-active", "next_due_on", "pk"
    )


def work_of(facility: Facility) -> QuerySet[WorkOrder]:
    return (
        WorkOrder.objects.filter(facility=facility)
        .select_related("order")
        .order_by("-due_on", "-pk")
    )


def maintained_facility(user: Actor, pk: int) -> Facility | None:
    scope = policy.maintained_q(user)
    if scope is None:
        return None
    return Facility.objects.filter(scope, pk=pk).select_related("township", "region").first()


def candidate_orders(facility: Facility) -> QuerySet[Order]:
    """Residents' orders that could be work on ``facility``: in its township, of a repair
    service that fits it, not rejected, cancelled or merged, not linked to work yet;
    newest first."""
    linked = WorkOrder.objects.filter(order__isnull=False).values("order_id")
    return (
        Order.objects.filter(
            township_id=facility.township_id,
            service__code__in=sorted(policy.repair_services(facility.kind)),
        )
        .exclude(status__in=DEAD_ORDERS)
        .exclude(pk__in=linked)
        .select_related("service", "region")
        .order_by("-created_at", "-pk")[:CANDIDATES_SHOWN]
    )


# --- the projection ---------------------------------------------------------------------------


def assets(as_of: date) -> list[lifecycle.Asset]:
    """Every standing asset of the county with its active plans and overdue work, for the
    projection (three queries)."""
    facilities = list(
        Facility.objects.filter(status__in=STANDING)
        .select_related("township")
        .annotate(
            overdue_cost=Sum(
                "work_orders__estimated_cost",
                filter=Q(work_orders__status__in=OPEN_WORK, work_orders__due_on__lt=as_of),
            )
        )
        .order_by("pk")
    )
    plans: dict[int, list[lifecycle.Plan]] = defaultdict(list)
    for p in MaintenancePlan.objects.filter(active=True, facility__status__in=STANDING).order_by(
        "pk"
    ):
        plans[p.facility_id].append(
            lifecycle.Plan(
                interval_months=p.interval_months, cost=p.cost, next_due_on=p.next_due_on
            )
        )
    return [
        lifecycle.Asset(
            id=f.pk,
            name=f.name,
            kind=f.kind,
            township=f.township.code if f.township else "",
            condition=f.condition,
            opened_on=f.opened_on,
            built_cost=f.built_cost,
            design_life_years=f.design_life_years,
            plans=tuple(plans.get(f.pk, ())),
            overdue=f.overdue_cost or Decimal(0),
        )
        for f in facilities
    ]


def budgets(first_year: int, last_year: int) -> lifecycle.Budgets:
    county: dict[int, Decimal] = {}
    townships: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for b in MaintenanceBudget.objects.filter(
        year__gte=first_year, year__lte=last_year
    ).select_related("region"):
        if b.region.level == Region.Level.COUNTY:
            county[b.year] = b.amount
        else:
            townships[b.region.code][b.year] = b.amount
    return lifecycle.Budgets(county=county, townships=dict(townships))


def budget_rows(region: Region, first_year: int, last_year: int) -> dict[int, Decimal]:
    """The amounts entered for ``region`` itself, by year."""
    return dict(
        MaintenanceBudget.objects.filter(
            region=region, year__gte=first_year, year__lte=last_year
        ).values_list("year", "amount")
    )


def projection(region: Region, as_of: date, years: int) -> lifecycle.Projection:
    """The projection of the county or a township for ``years`` years after ``as_of``'s."""
    first = as_of.year + 1
    return lifecycle.project(
        assets(as_of),
        budgets(first, first + years - 1),
        as_of_year=as_of.year,
        years=years,
        township=None if region.level == Region.Level.COUNTY else region.code,
    )


def township_names() -> dict[str, str]:
    return {
        r.code: r.name for r in Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code")
    }
