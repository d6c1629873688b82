"""A year of monthly topics (每月一题) in the demo county, from the demo's own orders.

For each of the last 12 full months the month's candidates are computed from the orders of
that month, by the same code the periodic task runs (``voice.services.topics``), then the
top candidate is picked (some months the second too) with a lead department of the demo's
and two to four tasks. Months older than the last two are done with an outcome; the last
two are still in progress. Times follow the county's rhythm: candidates early on the 1st,
the pick a few days later, tasks done over the following weeks, never after ``now``.

The demo's order texts are the service's name and a short practical note ("白天家里没人");
the notes say nothing about the problem, so the grouping here keys each order on its
service's name (``group_sources(key=...)``) while the members keep their full text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from minsheng.catalog.models import Category, Provider
from minsheng.demo.catalog import SeededProvider
from minsheng.orders.models import Audience
from minsheng.regions.models import Region
from minsheng.voice.models import (
    MonthlyTopic,
    TopicAction,
    TopicCandidate,
    TopicEvent,
    TopicStatus,
    TopicTask,
)
from minsheng.voice.selectors.topics import month_sources, next_month, previous_month
from minsheng.voice.services.topics import Group, group_sources, write_groups
from minsheng.voice.vocabulary import catalog_vocabulary

MONTHS = 12
IN_PROGRESS_MONTHS = 2
SECOND_PICK = 0.25
GROUPS = 15  # candidates a month (the demo's ~40 services fall into about this many)  # the share of months that pick a second topic

# The problem as the county would name it, for the services residents' texts gather around
# most; any other service gets the generic wording.
PROBLEMS = {
    "助餐送餐": "独居老人吃饭难：送餐不准时、饭菜不合口",
    "慢病随访": "慢病随访不到位，村卫生室缺常用药",
    "儿童疫苗接种预约": "疫苗接种预约难、疫苗到货不及时",
    "家庭医生签约": "家庭医生“签而不约”，电话打不通",
    "就业信息推送": "家门口就业信息少、零工难找",
    "用电故障报修": "路灯不亮、用电故障修复慢",
    "自来水抢修": "农村停水频繁、水质发黄",
    "日间照料": "日间照料中心常关门、老人白天无人陪",
    "农家书屋借阅": "农家书屋常锁门、图书陈旧单一",
    "养老金领取资格认证": "养老金认证难，老人不会用手机",
    "医疗费用报销咨询": "医疗费用报销慢、流程说不清",
    "危房改造申请": "危房改造进度慢，雨季住着不安心",
    "最低生活保障申请": "低保办理难、低保金到账不及时",
    "技能培训报名": "技能培训开班少、报名无门",
    "老年人健康体检": "老年人体检要跑远路、报告拿不到",
}

TASKS = [
    "全面摸排“{name}”相关诉求，建立问题台账",
    "制定“{name}”整改方案并向群众公示",
    "协调服务队伍，补足“{name}”服务力量",
    "压实办理时限，超时工单逐件督办",
    "逐一回访提出诉求的群众",
    "建立“{name}”长效机制，纳入月度考核",
]
PROGRESS = [
    "已完成问题摸排，正在逐件核实。",
    "整改方案已上会研究，近期公示。",
    "已新增服务人员，超时工单明显减少。",
]
STAFF_NOTES = ["预算需与财政局再沟通。", "个别乡镇进度偏慢，下周约谈。"]


@dataclass
class TopicSeed:
    candidates: int = 0
    topics: int = 0
    tasks: int = 0
    events: int = 0


def _service_part(source: object) -> str:
    text: str = getattr(source, "text", "")
    return text.split("：", 1)[0]


def _name(group: Group) -> str:
    """The service most of the group's texts name."""
    counts: dict[str, int] = {}
    for source in group.sources:
        counts[_service_part(source)] = counts.get(_service_part(source), 0) + 1
    return min(counts, key=lambda k: (-counts[k], k))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _lead(
    group: Group,
    departments: list[Provider],
    by_area: dict[int, set[str]],
    providers: list[SeededProvider],
    rng: random.Random,
) -> Provider:
    """A department serving the group's area, else any department."""
    codes = by_area.get(group.area_id or 0, set())
    fitting = [
        p.obj
        for p in providers
        if p.obj.kind == Provider.Kind.DEPARTMENT and codes & set(p.categories)
    ]
    return rng.choice(fitting or departments)


def seed_topics(
    rng: random.Random, *, now: datetime, providers: list[SeededProvider], admin_id: int
) -> TopicSeed:
    """Compute, pick and track the last 12 full months' topics (bulk writes)."""
    summary = TopicSeed()
    departments = [p.obj for p in providers if p.obj.kind == Provider.Kind.DEPARTMENT]
    if not departments:
        return summary
    by_area: dict[int, set[str]] = {}
    for code, area_id in Category.objects.values_list("code", "area_id"):
        by_area.setdefault(area_id, set()).add(code)
    vocabulary = catalog_vocabulary()
    latest = previous_month(timezone.localdate(now).replace(day=1))
    months = [latest]
    for _ in range(MONTHS - 1):
        months.insert(0, previous_month(months[0]))
    topics: list[MonthlyTopic] = []
    picks: list[tuple[MonthlyTopic, TopicCandidate, Group, int]] = []
    recent: list[str] = []  # the services of the last months' topics
    for index, month in enumerate(months):
        computed_at = min(_at(next_month(month), 2, 30), now - timedelta(hours=2))
        # a fixed number of groups: the engine's own choice of it costs a second a month
        groups = group_sources(
            month_sources(month, now), vocabulary=vocabulary, key=_service_part, n_clusters=GROUPS
        )
        candidates = write_groups(month, groups, computed_at)
        summary.candidates += len(candidates)
        # The best ranked, leaving out a problem the county took up in the last three months
        # (it is being worked on: the month's topic moves on to the next one).
        ranked = [
            (g, c) for g, c in zip(groups, candidates, strict=True) if _name(g) not in recent[-3:]
        ] or list(zip(groups, candidates, strict=True))
        n = 2 if len(ranked) > 1 and rng.random() < SECOND_PICK else min(1, len(ranked))
        for group, candidate in ranked[:n]:
            recent.append(_name(group))
            picked_at = min(
                computed_at + timedelta(days=rng.randint(2, 6), hours=rng.randint(6, 9)),
                now - timedelta(hours=1),
            )
            name = _name(group)
            lead = _lead(group, departments, by_area, providers, rng)
            unresolved = group.unresolved
            topic = MonthlyTopic(
                month=month,
                title=PROBLEMS.get(name, f"解决“{name}”等群众反映集中的问题"),
                description=(
                    f"{month.year}年{month.month}月，群众围绕“{name}”等提出诉求{group.size}件，"
                    f"其中{unresolved}件尚未解决（被退回、超时、重新办理或不满意）。"
                ),
                lead=lead,
                status=TopicStatus.PICKED,
                picked_by_id=admin_id,
                picked_at=picked_at,
            )
            topics.append(topic)
            picks.append((topic, candidate, group, len(months) - 1 - index))
    MonthlyTopic.objects.bulk_create(topics)
    tasks: list[TopicTask] = []
    events: list[TopicEvent] = []
    for topic, candidate, group, age in picks:
        candidate.topic = topic
        name = _name(group)
        owners = [topic.lead] + [
            p.obj for p in providers if set(p.categories) & by_area.get(group.area_id or 0, set())
        ]
        titles = rng.sample(TASKS, rng.randint(2, 4))
        start = topic.picked_at
        events.append(_event(topic, TopicAction.PICK, start, topic.title, admin_id))
        done_times: list[datetime] = []
        for position, title in enumerate(titles):
            due = start.date() + timedelta(days=rng.randint(20, 50))
            task = TopicTask(
                topic=topic,
                title=title.format(name=name),
                owner=owners[0] if position == 0 else rng.choice(owners),
                due_on=due,
                position=position,
            )
            events.append(
                _event(
                    topic,
                    TopicAction.TASK_ADD,
                    start + timedelta(minutes=position + 1),
                    task.title,
                    admin_id,
                )
            )
            # old months: every task done; the older month in progress: the first ones
            finish = start + timedelta(days=rng.randint(6, 40), hours=rng.randint(0, 8))
            if (age >= IN_PROGRESS_MONTHS or (age == 1 and position < 2)) and finish < now:
                task.done_at = finish
                task.note = f"已按期完成：{task.title[:20]}。"
                done_times.append(finish)
                events.append(
                    _event(
                        topic, TopicAction.TASK_DONE, finish, f"{task.title}：{task.note}", admin_id
                    )
                )
            tasks.append(task)
        if done_times:
            topic.status = TopicStatus.IN_PROGRESS
            report = min(done_times) + timedelta(hours=3)
            if report < now:
                events.append(
                    _event(topic, TopicAction.PROGRESS, report, rng.choice(PROGRESS), admin_id)
                )
            if rng.random() < 0.4 and report + timedelta(hours=1) < now:
                events.append(
                    _event(
                        topic,
                        TopicAction.PROGRESS,
                        report + timedelta(hours=1),
                        rng.choice(STAFF_NOTES),
                        admin_id,
                        Audience.STAFF,
                    )
                )
        if age >= IN_PROGRESS_MONTHS and len(done_times) == len(titles):
            done_at = min(max(done_times) + timedelta(days=rng.randint(1, 4)), now)
            topic.status = TopicStatus.DONE
            topic.done_at = done_at
            topic.outcome = (
                f"{topic.lead.name_zh}牵头完成{len(titles)}项任务，“{name}”相关诉求已逐一回访，"
                f"群众满意度明显提升。"
            )
            events.append(_event(topic, TopicAction.DONE, done_at, topic.outcome, admin_id))
    MonthlyTopic.objects.bulk_update(topics, ["status", "done_at", "outcome"])
    TopicCandidate.objects.bulk_update([c for _, c, _, _ in picks], ["topic"])
    TopicTask.objects.bulk_create(tasks)
    TopicEvent.objects.bulk_create(events)
    summary.topics, summary.tasks, summary.events = len(topics), len(tasks), len(events)
    return summary


def _event(
    topic: MonthlyTopic,
    action: str,
    at: datetime,
    note: str,
    actor_id: int,
    audience: str = Audience.PUBLIC,
) -> TopicEvent:
    return TopicEvent(
        topic=topic, action=action, actor_id=actor_id, note=note, audience=audience, created_at=at
    )


def reset_topics(
    regions: QuerySet[Region], providers: QuerySet[Provider], users: QuerySet[Any]
) -> int:
    """Delete the demo's topics and candidates (before its providers, people and places,
    which they protect). Returns the number of topics removed."""
    topics = MonthlyTopic.objects.filter(
        Q(lead__in=providers) | Q(picked_by__in=users) | Q(tasks__owner__in=providers)
    ).distinct()
    topic_ids = list(topics.values_list("pk", flat=True))
    candidates = TopicCandidate.objects.filter(
        Q(topic_id__in=topic_ids) | Q(region__in=regions) | Q(members__region__in=regions)
    ).distinct()
    candidate_ids = list(candidates.values_list("pk", flat=True))
    TopicCandidate.objects.filter(merged_into_id__in=candidate_ids).exclude(
        pk__in=candidate_ids
    ).update(merged_into=None)
    TopicCandidate.objects.filter(pk__in=candidate_ids).update(merged_into=None)
    TopicCandidate.objects.filter(pk__in=candidate_ids).delete()
    # Topic history is append-only; removing the demo county is the one exception.
    events = TopicEvent.objects.filter(topic_id__in=topic_ids)
    events._raw_delete(events.db)
    TopicTask.objects.filter(topic_id__in=topic_ids).delete()
    return MonthlyTopic.objects.filter(pk__in=topic_ids).delete()[0]
