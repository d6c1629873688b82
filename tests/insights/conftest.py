"""A small county with hand-chosen demand in May 2026 (docs/demand.md's figures worked out
by hand in the tests): V1 (T1, 2,000 residents), V3 (T1, nobody) and V2 (T2, 500).

Area A is the world's service's area (meal delivery); area B another one. In May:

- V1, area A: o1 closed and fine; o2 declined once and reopened (unmet once); o3 rejected;
  o4 rated dissatisfied; o5 overdue (escalated); o6 rated dissatisfied but the rating is
  not valid (met); o7 merged (not counted); o8 is in June. One suggestion with 3 supports;
  one hidden with 2 (not counted). A survey response naming area A and the service (2
  stated needs) and a choice naming nothing (not one).
- V2: o9 a free-form need in area A (met); o10 in area B, declined (unmet). A suggestion
  in area B without support; a survey response naming area A.
- V3: a survey response naming the service (area A).
- T1 itself: a suggestion placed at the township (no village: not counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.accounts.models import Role
from minsheng.catalog.models import Service, ServiceArea, UrgencyClass
from minsheng.orders.models import (
    Action,
    Channel,
    Order,
    OrderEvent,
    Rating,
    Satisfaction,
    Status,
)
from minsheng.regions.models import Region
from minsheng.voice.models import (
    Answer,
    AnswerChoice,
    Choice,
    Question,
    Response,
    Suggestion,
    Support,
    Survey,
)
from tests.factories import RegionFactory, UserFactory, make_user

MAY = date(2026, 5, 1)
JUNE = date(2026, 6, 1)


def at(day: int, month: int = 5) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 10, 0))


def make_order(
    village: Region,
    area: ServiceArea,
    *,
    service: Service | None = None,
    status: str = Status.CLOSED,
    created: datetime | None = None,
    **fields: Any,
) -> Order:
    created = created or at(10)
    return Order.objects.create(
        status=status,
        service=service,
        area=area,
        urgency=UrgencyClass.objects.order_by("pk").first(),
        region=village,
        township=village.parent,
        channel=Channel.WEB,
        description="需要帮助",
        created_at=created,
        updated_at=created,
        resolve_deadline=created + timedelta(days=3),
        **fields,
    )


def event(order: Order, action: str, new: str, old: str = "") -> None:
    OrderEvent.objects.create(
        order=order, action=action, old_status=old, new_status=new, created_at=order.created_at
    )


def rate(order: Order, satisfaction: str, *, valid: bool = True) -> None:
    Rating.objects.create(
        order=order,
        round=order.round,
        via=Rating.Via.RESIDENT,
        contacted=True,
        solved=satisfaction != Satisfaction.DISSATISFIED,
        satisfaction=satisfaction,
        township=order.township,
        valid=valid,
        created_at=order.created_at + timedelta(days=1),
    )


def suggest(village: Region, area: ServiceArea | None, supports: int, **kw: Any) -> Suggestion:
    author = UserFactory()
    s = Suggestion.objects.create(
        author=author,
        kind="new_service",
        title="建议",
        body="希望增加服务",
        region=village,
        area=area,
        created_at=kw.pop("created_at", at(12)),
        support_until=at(28),
        **kw,
    )
    for _ in range(supports):
        Support.objects.create(suggestion=s, user=UserFactory(), created_at=at(13))
    return s


@dataclass
class DemandWorld:
    world: Any
    v3: Region
    area_a: ServiceArea
    area_b: ServiceArea
    orders: dict[str, Order]


@pytest.fixture
def demand_world(world: Any) -> DemandWorld:
    Region.objects.filter(pk=world.village_a.pk).update(population=2000)
    Region.objects.filter(pk=world.village_b.pk).update(population=500)
    v3 = RegionFactory(code="V3", name_zh="丙村", parent=world.town_a, population=0)
    a = world.service.category.area
    b = ServiceArea.objects.exclude(pk=a.pk).order_by("position", "code").first()
    v1, v2 = world.village_a, world.village_b
    s = world.service
    o: dict[str, Order] = {}
    o["o1"] = make_order(v1, a, service=s)
    rate(o["o1"], Satisfaction.SATISFIED)
    o["o2"] = make_order(v1, a, service=s, status=Status.REOPENED, round=1)
    event(o["o2"], Action.DECLINE, Status.APPROVED, Status.DISPATCHED)
    event(o["o2"], Action.REOPEN, Status.REOPENED, Status.DELIVERED)
    o["o3"] = make_order(v1, a, service=s, status=Status.REJECTED)
    event(o["o3"], Action.REJECT, Status.REJECTED, Status.SUBMITTED)
    o["o4"] = make_order(v1, a, service=s)
    rate(o["o4"], Satisfaction.DISSATISFIED)
    o["o5"] = make_order(v1, a, service=s, status=Status.APPROVED, escalated_at=at(12))
    o["o6"] = make_order(v1, a, service=s)
    rate(o["o6"], Satisfaction.DISSATISFIED, valid=False)
    o["o7"] = make_order(v1, a, service=s, status=Status.MERGED)
    o["o8"] = make_order(v1, a, service=s, created=at(2, 6))
    event(o["o8"], Action.DECLINE, Status.APPROVED, Status.DISPATCHED)
    o["o9"] = make_order(v2, a)
    o["o10"] = make_order(v2, b, status=Status.APPROVED)
    event(o["o10"], Action.DECLINE, Status.APPROVED, Status.DISPATCHED)

    suggest(v1, a, 3)
    suggest(v1, a, 2, hidden_at=at(20), hidden_reason="spam")
    suggest(v2, b, 0)
    suggest(world.town_a, a, 1)

    admin = make_user(Role.COUNTY_ADMIN, world.county, username="survey_admin")
    survey = Survey.objects.create(
        title="需求调查", opens_on=MAY, closes_on=JUNE, created_by=admin, created_at=at(1)
    )
    q = Question.objects.create(survey=survey, kind="multiple", text="您需要什么服务？")
    c_area = Choice.objects.create(question=q, label="养老", area=a)
    c_service = Choice.objects.create(question=q, label="助餐", service=s)
    c_none = Choice.objects.create(question=q, label="其他")
    for key, village, choices in (
        ("r1", v1, [c_area, c_service, c_none]),
        ("r2", v2, [c_area]),
        ("r3", v3, [c_service]),
    ):
        r = Response.objects.create(
            survey=survey, respondent_key=key, region=village, submitted_at=at(15)
        )
        answer = Answer.objects.create(response=r, question=q)
        for c in choices:
            AnswerChoice.objects.create(answer=answer, choice=c)
    world.village_a.refresh_from_db()
    world.village_b.refresh_from_db()
    return DemandWorld(world=world, v3=v3, area_a=a, area_b=b, orders=o)
