"""Helpers of the maintenance tests: an asset with a plan, a repair order, and the
``refused``/``snapshot`` pair (a refusal has exact codes and fields and writes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minsheng.core.errors import DomainError
from minsheng.facilities.models import (
    Facility,
    Kind,
    MaintenanceBudget,
    MaintenancePlan,
    WorkOrder,
    WorkOrderEvent,
)
from minsheng.orders.models import Order
from tests.facilities.factories import make_facility
from tests.factories import ServiceFactory
from tests.helpers import submit


def road(world: Any, **fields: Any) -> Facility:
    """A road section of township T1 (built 2010 for 2,000,000 yuan, 15 years' life)."""
    values: dict[str, Any] = {
        "opened_on": date(2010, 6, 1),
        "built_cost": Decimal("2000000"),
        "design_life_years": 15,
    }
    values.update(fields)
    return make_facility(world.town_a, Kind.ROAD, **values)


def plan_on(
    facility: Facility, *, due: date, interval: int = 6, cost: str = "5000"
) -> MaintenancePlan:
    return MaintenancePlan.objects.create(
        facility=facility,
        task="路面修补",
        interval_months=interval,
        cost=Decimal(cost),
        responsible="县交通局",
        next_due_on=due,
    )


def repair_order(world: Any, *, village: Any = None, code: str = "road-repair") -> Order:
    """A resident's repair order (the service made once per test database)."""
    from minsheng.catalog.models import Service

    if not Service.objects.filter(code=code).exists():
        ServiceFactory(code=code, name_zh="道路维修", name_en="Road repair", regions=[world.county])
    village = village or world.village_a
    return submit(world, region_code=village.code, service_code=code)


def snapshot(*rows: Any) -> dict[str, Any]:
    snap: dict[str, Any] = {
        "plans": list(MaintenancePlan.objects.order_by("pk").values()),
        "work": list(WorkOrder.objects.order_by("pk").values()),
        "events": WorkOrderEvent.objects.count(),
        "budgets": list(MaintenanceBudget.objects.order_by("pk").values()),
    }
    return snap


def refused(
    call: Callable[[], object],
    *,
    error: type[DomainError] = DomainError,
    errors: list[tuple[str, str | None]],
) -> DomainError:
    """``call`` raises exactly ``error`` with these (code, field) pairs and writes nothing."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot() == before
    return info.value
