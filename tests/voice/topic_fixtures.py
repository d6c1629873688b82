"""A hand-made month for the monthly topic's tests, and a grouping stand-in.

The grouping engine (``voice.clustering``) is another part's and may change: tests of this
part's own logic (counts, scores, bookkeeping) group texts with ``fake_group_texts``, which
groups by the words before "：" (or, asked for ``n_clusters``, by the whole text), so their
expectations are exact. One test runs the real engine on clearly different problems.

The month, May 2026, computed on 10 June 2026:

- 路灯 (street lights): five orders in V1 (T1) and one in V2 (T2), one suggestion in V1.
  Unresolved: the rejected one, the one rated dissatisfied, the one open past its
  deadline, the unreplied suggestion: 4 of 7 → score 7 + 2×4 = 15; place T1 (6 of 7).
- 停水 (no water): two orders and one signed survey answer, all in V2 (T2). Unresolved:
  the open one a provider declined: 1 of 3 → score 5; place T2.
- 噪音 (noise): one order in V1, one in V2, both closed without a rating: 0 of 2 → score
  2; spread (no place).
- left out: a duplicate merged into another order, an order of April, a hidden
  suggestion, an empty survey answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.accounts.models import Role
from minsheng.catalog.models import Provider, ServiceArea, UrgencyClass
from minsheng.core.errors import DomainError
from minsheng.notify.models import Message
from minsheng.orders.models import Action, Audience, Channel, Order, OrderEvent, Rating, Status
from minsheng.regions.models import Region
from minsheng.voice.clustering import Cluster
from minsheng.voice.models import (
    Answer,
    MonthlyTopic,
    Question,
    QuestionKind,
    Response,
    Suggestion,
    SuggestionKind,
    Survey,
    TopicCandidate,
    TopicEvent,
    TopicMember,
    TopicTask,
)
from tests.factories import ProviderFactory, make_user

MONTH = date(2026, 5, 1)


def at(day: date | datetime, hour: int = 10) -> datetime:
    if isinstance(day, datetime):
        return timezone.make_aware(day)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


NOW = at(date(2026, 6, 10), 12)


def fake_group_texts(
    texts: Sequence[str], *, vocabulary: Any = None, n_clusters: int | None = None
) -> list[Cluster]:
    """Groups by the words before "："; with ``n_clusters``, by the whole text (the last
    groups folded into the k-th). Largest first, as the engine returns them."""
    keys: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        key = text if n_clusters else text.split("：")[0]
        keys.setdefault(key, []).append(i)
    groups = sorted(keys.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))
    if n_clusters and len(groups) > n_clusters:
        head, tail = groups[: n_clusters - 1], groups[n_clusters - 1 :]
        groups = [*head, (tail[0][0], sorted(i for _, m in tail for i in m))]
    return [
        Cluster(id=n, members=members, keywords=[key.split("：")[0]], examples=members[:3])
        for n, (key, members) in enumerate(groups)
    ]


@pytest.fixture
def fake_grouping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("minsheng.voice.services.topics.group_texts", fake_group_texts)
    monkeypatch.setattr("minsheng.voice.services.topics.catalog_vocabulary", lambda: None)


def area(code: str) -> ServiceArea:
    return ServiceArea.objects.get(code=code)


def make_order(
    world: Any,
    text: str,
    *,
    status: str = Status.CLOSED,
    village: Region | None = None,
    area_code: str = "housing",
    created: datetime | None = None,
    deadline: datetime | None = None,
    resident: Any = None,
    **fields: Any,
) -> Order:
    village = village or world.village_a
    created = created or at(date(2026, 5, 12))
    provider = (
        world.provider
        if status in (Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE)
        else None
    )
    return Order.objects.create(
        status=status,
        area=area(area_code),
        urgency=UrgencyClass.objects.get(code="general"),
        description=text,
        region=village,
        township=village.parent,
        resident=resident,
        contact_name="王大妈",
        contact_phone="13800001234",
        channel=Channel.WEB,
        provider=provider,
        created_at=created,
        updated_at=created,
        resolve_deadline=deadline or created + timedelta(days=10),
        **fields,
    )


def rate(order: Order, satisfaction: str, *, solved: bool = True) -> Rating:
    return Rating.objects.create(
        order=order,
        round=order.round,
        via=Rating.Via.RESIDENT,
        contacted=True,
        solved=solved,
        satisfaction=satisfaction,
        township=order.township,
        created_at=order.created_at + timedelta(days=3),
    )


def make_suggestion(
    author: Any, title: str, body: str, village: Region, **fields: Any
) -> Suggestion:
    created = fields.pop("created_at", at(date(2026, 5, 20)))
    return Suggestion.objects.create(
        author=author,
        kind=SuggestionKind.FACILITY,
        title=title,
        body=body,
        region=village,
        area=fields.pop("area", area("housing")),
        created_at=created,
        support_until=created + timedelta(days=90),
        **fields,
    )


def make_answer(
    respondent: Any, text: str, village: Region, *, anonymous: bool = False, key: str = "k1"
) -> Answer:
    survey = Survey.objects.create(
        title="生活用水调查",
        opens_on=date(2026, 5, 1),
        closes_on=date(2026, 5, 31),
        anonymous=anonymous,
        created_by=respondent,
        created_at=at(date(2026, 4, 28)),
        status="open",
    )
    question = Question.objects.create(
        survey=survey, kind=QuestionKind.LONG_TEXT, text="还有什么困难？"
    )
    response = Response.objects.create(
        survey=survey,
        respondent=None if anonymous else respondent,
        respondent_key=key,
        region=village,
        submitted_at=at(date(2026, 5, 25)),
    )
    return Answer.objects.create(response=response, question=question, text=text)


@dataclass
class Month:
    lights: list[Any]  # the street-light orders and suggestion
    water: list[Any]
    noise: list[Any]
    left_out: list[Any]
    department: Provider
    other_department: Provider


@pytest.fixture
def month_world(world: Any, fake_grouping: None) -> Month:
    w = world
    past = at(date(2026, 6, 1))
    lights = [
        make_order(w, "路灯：村口路灯坏了", status=Status.REJECTED, resident=w.resident),
        make_order(w, "路灯：晚上漆黑一片", resident=w.resident),
        make_order(w, "路灯：路灯不亮", resident=w.resident2),
        make_order(w, "路灯：电话13912345678联系我", status=Status.SUBMITTED, deadline=past),
        make_order(w, "路灯：灯杆歪了", status=Status.CANCELLED),
        make_order(w, "路灯：桥头没有灯", village=w.village_b),
    ]
    rate(lights[1], "dissatisfied")
    rate(lights[2], "satisfied")
    lights.append(make_suggestion(w.resident2, "路灯", "多装几盏路灯", w.village_a))
    water = [
        make_order(
            w,
            "停水：三天没水",
            status=Status.APPROVED,
            village=w.village_b,
            area_code="health",
            deadline=at(date(2026, 7, 1)),
        ),
        make_order(w, "停水：水压太低", village=w.village_b, area_code="health"),
        make_answer(w.resident, "停水：夏天经常停水", w.village_b),
    ]
    OrderEvent.objects.create(
        order=water[0],
        action=Action.DECLINE,
        old_status=Status.DISPATCHED,
        new_status=Status.APPROVED,
        audience=Audience.STAFF,
        created_at=at(date(2026, 5, 13)),
    )
    noise = [
        make_order(w, "噪音：广场舞太吵", village=w.village_a, area_code="culture-sports"),
        make_order(w, "噪音：工地夜里施工", village=w.village_b, area_code="culture-sports"),
    ]
    kept = lights[0]
    left_out = [
        make_order(w, "路灯：重复", status=Status.MERGED, merged_into=kept),
        make_order(w, "路灯：四月的", created=at(date(2026, 4, 30))),
        make_suggestion(w.resident, "路灯", "隐藏的", w.village_a, hidden_at=at(date(2026, 5, 21))),
        make_answer(w.resident2, "  ", w.village_a, key="k2"),
    ]
    department = ProviderFactory(
        name_zh="县住建局", kind=Provider.Kind.DEPARTMENT, regions=[w.county], staff=[]
    )
    other = ProviderFactory(name_zh="县水利局", kind=Provider.Kind.DEPARTMENT, regions=[w.county])
    return Month(lights, water, noise, left_out, department, other)


def department_staff(provider: Provider, username: str) -> Any:
    user = make_user(Role.PROVIDER_STAFF, username=username)
    provider.staff.add(user)
    return user


def snapshot() -> dict[str, Any]:
    """Everything a refused call must leave as it was."""
    return {
        "candidates": list(TopicCandidate.objects.order_by("pk").values()),
        "members": list(TopicMember.objects.order_by("pk").values_list("pk", "candidate_id")),
        "topics": list(MonthlyTopic.objects.order_by("pk").values()),
        "tasks": list(TopicTask.objects.order_by("pk").values()),
        "events": TopicEvent.objects.count(),
        "messages": Message.objects.count(),
    }


def refused(
    call: Callable[[], object], error: type[DomainError], errors: list[tuple[str, str | None]]
) -> None:
    """``call`` raises exactly ``error`` with these (code, field) pairs and writes nothing."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot() == before
