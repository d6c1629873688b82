"""Real concurrency on maintenance (PostgreSQL; see tests/orders/test_concurrency.py): two
generator runs at once make each work order once; two managers completing, or linking the
same order to two assets, at once: exactly one wins, the other a clean Conflict."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.core.errors import Conflict
from minsheng.facilities.models import Kind, WorkOrder, WorkOrderEvent, WorkStatus
from minsheng.facilities.services import maintenance as svc
from tests.facilities.factories import make_facility
from tests.facilities.maintenance_helpers import plan_on, repair_order, road
from tests.orders.test_concurrency import _parallel_database, race, split  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 6, 10)


def test_two_generator_runs_at_once_make_each_work_order_once(world):
    asset = road(world)
    for day in (1, 2, 3):
        plan_on(asset, due=date(2026, 6, day))
    results = race(
        lambda: svc.work_orders_generate(as_of=TODAY, horizon_days=0),
        lambda: svc.work_orders_generate(as_of=TODAY, horizon_days=0),
        in_transaction=False,
    )
    wins, losses = split(results)
    assert losses == []
    assert sorted(wins) == [0, 3]
    assert WorkOrder.objects.count() == 3
    assert WorkOrderEvent.objects.count() == 3


def test_two_managers_completing_at_once_one_wins(world):
    plan = plan_on(road(world), due=date(2026, 6, 1))
    svc.work_orders_generate(as_of=TODAY, horizon_days=0)
    work = WorkOrder.objects.get()
    svc.work_order_start(actor=world.dispatcher_a, work_order_id=work.pk)

    def complete(actor):
        return lambda: svc.work_order_complete(
            actor=actor, work_order_id=work.pk, actual_cost="100", completed_on="2026-06-01"
        )

    wins, losses = split(race(complete(world.dispatcher_a), complete(world.county_admin)))
    assert len(wins) == 1
    assert [type(x) for x in losses] == [Conflict]
    assert WorkOrderEvent.objects.filter(work_order=work, new_status=WorkStatus.DONE).count() == 1
    plan.refresh_from_db()
    assert plan.next_due_on == date(2026, 12, 1)


def test_one_order_linked_to_two_assets_at_once_links_once(world):
    order = repair_order(world, code="water-repair")
    first = make_facility(world.town_a, Kind.WATER)
    second = make_facility(world.town_a, Kind.WATER)

    def link(asset):
        return lambda: svc.work_order_from_order(
            actor=world.dispatcher_a, order_id=order.pk, facility_id=asset.pk
        )

    wins, losses = split(race(link(first), link(second)))
    assert len(wins) == 1
    assert [(type(x), x.codes) for x in losses] == [(Conflict, ["order_linked"])]
    assert WorkOrder.objects.filter(order=order).count() == 1
