"""The demo's year of monthly topics: computed from the demo's own orders, one (sometimes
two) a month for the last 12 full months, the old ones done, the last two in progress,
every time in order and in the past; the demo reset removes them."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from minsheng.catalog.models import Provider
from minsheng.demo.seed import demo_reset, seed_demo
from minsheng.orders.models import Order
from minsheng.voice.models import (
    MonthlyTopic,
    SourceKind,
    TopicAction,
    TopicCandidate,
    TopicEvent,
    TopicMember,
    TopicStatus,
    TopicTask,
)
from minsheng.voice.selectors.topics import previous_month

pytestmark = pytest.mark.django_db
SCALE = 0.02


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_year_of_topics_from_the_demo_orders() -> None:
    now = timezone.make_aware(datetime(2026, 12, 1, 15, 0))
    summary = seed_demo(scale=SCALE, now=now)
    latest = previous_month(timezone.localdate(now).replace(day=1))
    months = [latest]
    for _ in range(11):
        months.insert(0, previous_month(months[0]))
    topics = list(MonthlyTopic.objects.select_related("lead").order_by("month", "pk"))
    assert summary.topics == len(topics)
    per_month = {m: sum(1 for t in topics if t.month == m) for m in months}
    assert set(per_month) == set(months) and set(per_month.values()) <= {1, 2}
    assert {t.month for t in topics} == set(months)
    for topic in topics:
        tasks = list(topic.tasks.all())
        assert 2 <= len(tasks) <= 4
        assert topic.lead.kind == Provider.Kind.DEPARTMENT
        assert topic.picked_at <= now
        done = [t for t in tasks if t.done_at is not None]
        if topic.month in months[-2:]:
            assert topic.status in (TopicStatus.PICKED, TopicStatus.IN_PROGRESS)
            assert topic.done_at is None
        else:
            assert topic.status == TopicStatus.DONE and topic.outcome
            assert len(done) == len(tasks) and topic.done_at is not None
            assert max(t.done_at for t in done) <= topic.done_at <= now  # type: ignore[type-var]
        events = list(TopicEvent.objects.filter(topic=topic).order_by("created_at", "pk"))
        assert events[0].action == TopicAction.PICK
        assert all(topic.picked_at <= e.created_at <= now for e in events)
        assert sum(e.action == TopicAction.TASK_ADD for e in events) == len(tasks)
        assert sum(e.action == TopicAction.TASK_DONE for e in events) == len(done)
        # its candidate is of its month, computed from the demo's orders of that month
        problem = topic.problems.get()
        assert problem.month == topic.month and problem.size == problem.members.count() > 0
        order_months = {
            timezone.localtime(o.created_at).date().replace(day=1)
            for o in Order.objects.filter(
                pk__in=problem.members.filter(source=SourceKind.ORDER).values("source_id")
            )
        }
        # (a candidate may also hold, or be only, suggestions and survey answers)
        assert order_months <= {topic.month}
    # every month's candidates hold every order of the month (but merged duplicates)
    assert TopicCandidate.objects.filter(month__in=months).values("month").distinct().count() == 12
    reset = demo_reset()
    assert reset.orders > 0
    assert not MonthlyTopic.objects.exists() and not TopicCandidate.objects.exists()
    assert not TopicTask.objects.exists() and not TopicMember.objects.exists()
    assert not TopicEvent.objects.exists()
