"""The demo county's maintenance and money (issue 10, part 9), seeded onto the register.

- **plans** on every infrastructure asset (road, bridge, water works, street lights) and
  every township facility, and on every fourth village clinic and every sixth bookshop;
- **three years of history**: each plan's past occurrences done, with their actual costs
  (85–125 % of the plan's) and their steps (open, in progress, done);
- **current work**: a plan due within the generator's 30 days has its open work order; about
  four in ten roads and bridges, and the story's sports ground (``story.idle_maintenance``),
  have work past due, some of it started;
- **budgets** for the county and each township, from two years back to five ahead, below
  what the plans and the renewals need, so the funding gap shows;
- **residents' repair orders linked to assets**: water repairs to the township's water
  works, power repairs to its street lights, fitness-equipment repairs to its sports
  ground (up to two of each per township, from the order history; on the sports ground
  only finished ones, so the story's is the one facility with overdue work that is not
  infrastructure).

Written in bulk with its own random stream; ``reset_facilities`` removes all of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from minsheng.demo.facilities import DemoFacilities
from minsheng.demo.facility_stories import Stories
from minsheng.facilities.lifecycle import add_months
from minsheng.facilities.models import (
    INFRASTRUCTURE,
    Facility,
    Kind,
    MaintenanceBudget,
    MaintenancePlan,
    WorkOrder,
    WorkOrderEvent,
    WorkStatus,
)
from minsheng.orders.models import Order
from minsheng.orders.models import Status as OrderStatus
from minsheng.regions.models import Region

Step = tuple[str, str, datetime, str]  # from, to, at, note

HISTORY_YEARS = 3
HORIZON_DAYS = 30  # as the generator: a plan due this soon has its work order
BUDGET_YEARS_BACK = 2
BUDGET_YEARS_AHEAD = 5
OVERDUE_SHARE = 0.4  # of roads and bridges
LINKS_PER_SERVICE = 2  # per township

# kind -> (task, every months, cost in yuan, responsible unit)
PLANS: dict[str, list[tuple[str, int, int, str]]] = {
    Kind.ROAD: [
        ("路面坑槽修补", 6, 20_000, "县交通运输局"),
        ("路肩与边沟清理", 12, 15_000, "县交通运输局"),
    ],
    Kind.BRIDGE: [
        ("桥梁定期检测", 12, 30_000, "县交通运输局"),
        ("伸缩缝与栏杆维护", 24, 60_000, "县交通运输局"),
    ],
    Kind.WATER: [
        ("水质检测与消毒设备维护", 3, 8_000, "县水利局"),
        ("管网巡检与阀门更换", 12, 40_000, "县水利局"),
    ],
    Kind.LIGHTS: [("灯具更换与线路检修", 6, 6_000, "乡镇供电所")],
    Kind.HEALTH_CENTRE: [("房屋与医疗用房维护", 12, 60_000, "乡镇卫生院")],
    Kind.CULTURAL: [("房屋与舞台设备维护", 12, 30_000, "乡镇综合文化站")],
    Kind.SPORTS: [
        ("健身器材检修", 6, 8_000, "县文化和体育局"),
        ("场地地面修补", 24, 40_000, "县文化和体育局"),
    ],
    Kind.ELDERLY: [("房屋与消防设施维护", 12, 25_000, "乡镇养老服务中心")],
    Kind.CLINIC: [("房屋与水电维护", 24, 8_000, "村民委员会")],
    Kind.BOOKSHOP: [("书架与照明维护", 24, 3_000, "村民委员会")],
}
# A township's own money covers this share of what its plans cost in a year; the county's
# this share of all the plans'. Renewals of old roads and bridges come on top: the gap.
TOWNSHIP_SHARE = Decimal("0.35")
COUNTY_SHARE = Decimal("0.45")
# Residents' repair services and the asset of the township their orders link to.
LINKED: list[tuple[str, str]] = [
    ("water-repair", Kind.WATER),
    ("power-repair", Kind.LIGHTS),
    ("fitness-equipment-repair", Kind.SPORTS),
]


@dataclass
class MaintenanceSummary:
    plans: int = 0
    work_orders: int = 0
    overdue: int = 0
    budgets: int = 0
    linked_orders: int = 0


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _assets(facilities: DemoFacilities) -> list[Facility]:
    """The facilities with plans: infrastructure and township facilities, every fourth
    clinic and every sixth bookshop (in the register's order)."""
    chosen: list[Facility] = []
    for kind in PLANS:
        rows = facilities.of(kind)
        if kind == Kind.CLINIC:
            rows = rows[::4]
        elif kind == Kind.BOOKSHOP:
            rows = rows[::6]
        chosen.extend(rows)
    return chosen


def seed_maintenance(
    *, facilities: DemoFacilities, story: Stories, now: datetime, seed: int
) -> MaintenanceSummary:
    """Write the demo's plans, work orders, budgets and linked orders (module docstring)."""
    rng = random.Random(seed * 7877 + 7)
    today = timezone.localdate(now)
    summary = MaintenanceSummary()
    overdue_ids = {story.idle_maintenance.pk}
    for kind in (Kind.ROAD, Kind.BRIDGE):
        for f in facilities.of(kind):
            if rng.random() < OVERDUE_SHARE:
                overdue_ids.add(f.pk)

    plans: list[MaintenancePlan] = []
    work: list[WorkOrder] = []
    steps: list[list[Step]] = []  # per work order
    yearly: dict[int | None, Decimal] = {}

    for facility in _assets(facilities):
        for task, months, cost, unit in PLANS[facility.kind]:
            price = Decimal(cost)
            late = facility.pk in overdue_ids
            if late:
                current = today - timedelta(days=rng.randint(20, 240))
            else:
                current = today + timedelta(days=rng.randint(1, 30 * months))
            plan = MaintenancePlan(
                facility=facility,
                task=task,
                interval_months=months,
                cost=price,
                responsible=unit,
                next_due_on=current,
            )
            plans.append(plan)
            yearly[facility.township_id] = yearly.get(facility.township_id, Decimal(0)) + (
                price * 12 / months
            )
            # the past occurrences, done
            k = 1
            first = today.replace(year=today.year - HISTORY_YEARS)
            while (due := add_months(current, -months * k)) >= first:
                done_on = min(due + timedelta(days=rng.randint(0, 30)), today - timedelta(days=1))
                actual = (price * Decimal(rng.randint(85, 125)) / 100).quantize(Decimal("0.01"))
                created = _at(due - timedelta(days=HORIZON_DAYS))
                work.append(
                    WorkOrder(
                        facility=facility,
                        plan=plan,
                        title=task,
                        status=WorkStatus.DONE,
                        due_on=due,
                        estimated_cost=price,
                        actual_cost=actual,
                        responsible=unit,
                        completed_on=done_on,
                        created_at=created,
                        updated_at=_at(done_on, 17),
                    )
                )
                steps.append(
                    [
                        ("", WorkStatus.OPEN, created, "按养护计划生成"),
                        (WorkStatus.OPEN, WorkStatus.IN_PROGRESS, _at(done_on, 8), ""),
                        (WorkStatus.IN_PROGRESS, WorkStatus.DONE, _at(done_on, 17), "已完工"),
                    ]
                )
                k += 1
            # the current occurrence: open (started for some overdue work) if due soon
            if current <= today + timedelta(days=HORIZON_DAYS):
                created = _at(min(current - timedelta(days=HORIZON_DAYS), today))
                started = late and rng.random() < 0.3
                status = WorkStatus.IN_PROGRESS if started else WorkStatus.OPEN
                work.append(
                    WorkOrder(
                        facility=facility,
                        plan=plan,
                        title=task,
                        status=status,
                        due_on=current,
                        estimated_cost=price,
                        responsible=unit,
                        created_at=created,
                        updated_at=created,
                    )
                )
                row: list[Step] = [("", WorkStatus.OPEN, created, "按养护计划生成")]
                if started:
                    row.append((WorkStatus.OPEN, WorkStatus.IN_PROGRESS, created, "已进场，待材料"))
                steps.append(row)
                if current < today:
                    summary.overdue += 1

    MaintenancePlan.objects.bulk_create(plans, batch_size=1000)
    for w in work:
        w.plan_id = w.plan.pk if w.plan else None

    linked_work, linked_steps = _linked_orders(facilities, today, rng)
    summary.linked_orders = len(linked_work)
    work.extend(linked_work)
    steps.extend(linked_steps)
    WorkOrder.objects.bulk_create(work, batch_size=1000)
    WorkOrderEvent.objects.bulk_create(
        (
            WorkOrderEvent(
                work_order_id=w.pk, old_status=old, new_status=new, note=note, created_at=at
            )
            for w, row in zip(work, steps, strict=True)
            for old, new, at, note in row
        ),
        batch_size=2000,
    )
    summary.plans = len(plans)
    summary.work_orders = len(work)
    summary.budgets = _budgets(facilities, today, yearly)
    return summary


def _linked_orders(
    facilities: DemoFacilities, today: date, rng: random.Random
) -> tuple[list[WorkOrder], list[list[Step]]]:
    """Work orders from residents' repair orders in the history, on the asset of their
    township that fits: the delivered or closed ones done, the others open."""
    assets = {
        (f.township_id, f.kind): f for kind in (k for _c, k in LINKED) for f in facilities.of(kind)
    }
    work: list[WorkOrder] = []
    steps: list[list[Step]] = []
    dead = [OrderStatus.REJECTED, OrderStatus.CANCELLED, OrderStatus.MERGED]
    for code, kind in LINKED:
        taken: dict[int | None, int] = {}
        orders = (
            Order.objects.filter(service__code=code)
            .exclude(status__in=dead)
            .select_related("service")
            .order_by("-created_at", "pk")
        )
        for order in orders[:400]:
            asset = assets.get((order.township_id, kind))
            if asset is None or taken.get(order.township_id, 0) >= LINKS_PER_SERVICE:
                continue
            finished = order.status in (OrderStatus.DELIVERED, OrderStatus.CLOSED)
            if not finished and kind not in INFRASTRUCTURE:
                # open work past due on a sports ground would be another idle story: the
                # demo's only overdue facility that is not infrastructure is the story's
                continue
            taken[order.township_id] = taken.get(order.township_id, 0) + 1
            created = order.created_at + timedelta(hours=2)
            due = timezone.localdate(order.resolve_deadline)
            cost = Decimal(rng.choice([800, 1_500, 3_000, 6_000]))
            done_on = timezone.localdate(order.delivered_at or created)
            work.append(
                WorkOrder(
                    facility=asset,
                    order=order,
                    title=f"{order.service.name_zh if order.service else ''} #{order.pk}",
                    status=WorkStatus.DONE if finished else WorkStatus.OPEN,
                    due_on=due,
                    estimated_cost=cost,
                    actual_cost=cost if finished else None,
                    completed_on=min(done_on, today) if finished else None,
                    created_at=created,
                    updated_at=created,
                )
            )
            row: list[Step] = [("", WorkStatus.OPEN, created, f"由居民点单 #{order.pk} 生成")]
            if finished:
                at = order.delivered_at or created
                row += [
                    (WorkStatus.OPEN, WorkStatus.IN_PROGRESS, at, ""),
                    (WorkStatus.IN_PROGRESS, WorkStatus.DONE, at, "已修复"),
                ]
            steps.append(row)
    return work, steps


def _thousands(amount: Decimal) -> Decimal:
    return (amount / 1000).quantize(Decimal(1)) * 1000


def _budgets(facilities: DemoFacilities, today: date, yearly: dict[int | None, Decimal]) -> int:
    """The county's and each township's budget per year, below the need."""
    townships = {f.township_id for f in facilities.all if f.township_id is not None}
    county = Region.objects.filter(level=Region.Level.COUNTY).order_by("pk").first()
    total = sum(yearly.values(), Decimal(0))
    rows: list[MaintenanceBudget] = []
    for year in range(today.year - BUDGET_YEARS_BACK, today.year + BUDGET_YEARS_AHEAD + 1):
        # a little more each year (about 3 %), never enough
        growth = Decimal(100 + 3 * (year - today.year)) / 100
        if county is not None:
            rows.append(
                MaintenanceBudget(
                    region=county,
                    year=year,
                    amount=_thousands(total * COUNTY_SHARE * growth),
                )
            )
        for township_id in sorted(townships):
            rows.append(
                MaintenanceBudget(
                    region_id=township_id,
                    year=year,
                    amount=_thousands(
                        yearly.get(township_id, Decimal(0)) * TOWNSHIP_SHARE * growth
                    ),
                )
            )
    MaintenanceBudget.objects.bulk_create(rows)
    return len(rows)
