"""The monthly topic's permission table: for every actor of the orders' table, which pages
open, which posts succeed, and that every refused post writes nothing.

The rules (``voice.policy.topics``): candidates and the pick are the county's (the county
administrator; a township's dispatchers are refused); a topic's staff page opens for
county-wide staff and for provider staff (who mark their own provider's tasks done); the
public pages and endpoints open for everyone, signed in or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from minsheng.catalog.models import Provider
from minsheng.voice.models import MonthlyTopic, TopicCandidate, TopicStatus, TopicTask
from minsheng.voice.policy import topics as rules
from minsheng.voice.services import topics as s
from tests.factories import ProviderFactory
from tests.orders import test_permission_table as orders_table
from tests.orders.test_permission_table import ACTORS, user_of
from tests.voice.topic_fixtures import MONTH, NOW, make_order, snapshot

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.voice.topic_fixtures"]

DUE = (timezone.localdate() + timedelta(days=30)).isoformat()
COUNTY = {"county_admin"}
TASK_WORKERS = {"county_admin", "provider_staff", "provider2_staff"}
# The orders' table world (its actors and their teams), as a fixture of this module too.
table_world = orders_table.table_world


@dataclass
class Setup:
    lights: TopicCandidate
    water: TopicCandidate
    noise: TopicCandidate
    topic: MonthlyTopic
    finished: MonthlyTopic  # every task done: ready to be declared done
    own_task: TopicTask  # owned by world.provider (provider_staff's team)
    department: Provider


@pytest.fixture
def setup(table_world: Any, fake_grouping: None) -> Setup:
    w = table_world
    for text, village in [
        ("路灯：坏了", w.village_a),
        ("路灯：不亮", w.village_a),
        ("停水：没水", w.village_b),
        ("停水：水小", w.village_b),
        ("噪音：太吵", w.village_a),
        ("噪音：夜里施工", w.village_b),
        ("垃圾：没人收", w.village_a),
    ]:
        make_order(w, text, village=village)
    s.topic_candidates_compute(month=MONTH, now=NOW)
    by_label = {c.label: c for c in TopicCandidate.objects.all()}
    department = ProviderFactory(
        name_zh="县住建局", kind=Provider.Kind.DEPARTMENT, regions=[w.county]
    )
    topic = s.topic_pick(
        candidate_ids=[by_label["垃圾"].pk],
        title="垃圾清运",
        description="",
        lead=department.pk,
        tasks=[
            s.TaskInput("清运", w.provider.pk, DUE),
            s.TaskInput("公示", department.pk, DUE),
        ],
        actor=w.county_admin,
    )
    finished = MonthlyTopic.objects.create(
        month=MONTH,
        title="已完成的",
        lead=department,
        status=TopicStatus.IN_PROGRESS,
        picked_by=w.county_admin,
        picked_at=NOW,
    )
    TopicTask.objects.create(
        topic=finished, title="做完", owner=department, due_on=MONTH, done_at=NOW, note="好"
    )
    return Setup(
        lights=by_label["路灯"],
        water=by_label["停水"],
        noise=by_label["噪音"],
        topic=topic,
        finished=finished,
        own_task=topic.tasks.get(position=0),
        department=department,
    )


def web(user: Any) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


# --- pages ----------------------------------------------------------------------------------------

PAGES: list[tuple[Callable[[Setup], str], set[str] | None]] = [
    (lambda x: "/topics/", None),
    (lambda x: f"/topics/{x.topic.pk}/", None),
    (lambda x: "/staff/topics/?month=2026-05", COUNTY),
    (lambda x: f"/staff/topics/candidates/{x.lights.pk}/", COUNTY),
    (lambda x: f"/staff/topics/pick/?candidates={x.lights.pk}", COUNTY),
    (lambda x: f"/staff/topics/{x.topic.pk}/", TASK_WORKERS),
]
PAGE_IDS = ["public_list", "public_topic", "candidates", "members", "pick_form", "staff_topic"]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "may"), PAGES, ids=PAGE_IDS)
def test_who_may_open_each_page(
    setup: Setup, table_world: Any, path: Callable[[Setup], str], may: set[str] | None, who: str
) -> None:
    user = user_of(table_world, who)
    response = web(user).get(path(setup))
    if may is None or who in may:
        assert response.status_code == 200
    elif not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
def test_everyone_reads_the_public_endpoints(setup: Setup, table_world: Any, who: str) -> None:
    user = user_of(table_world, who)
    client = APIClient()
    if user.is_authenticated:
        client.force_authenticate(user)
    assert client.get("/api/v1/topics/").status_code == 200
    assert client.get(f"/api/v1/topics/{setup.topic.pk}/").status_code == 200


# --- posts ----------------------------------------------------------------------------------------


def _pick_data(x: Setup) -> dict[str, Any]:
    return {
        "candidates": [x.lights.pk],
        "title": "修好路灯",
        "lead": x.department.pk,
        "task-0-title": "排查",
        "task-0-owner": x.department.pk,
        "task-0-due_on": DUE,
    }


POSTS: dict[str, tuple[Callable[[Setup], str], Callable[[Setup], dict[str, Any]], set[str]]] = {
    "recompute": (lambda x: "/staff/topics/recompute/", lambda x: {"month": "2026-05"}, COUNTY),
    "merge": (
        lambda x: "/staff/topics/merge/",
        lambda x: {"candidates": [x.water.pk, x.noise.pk]},
        COUNTY,
    ),
    "split": (
        lambda x: f"/staff/topics/candidates/{x.lights.pk}/split/",
        lambda x: {"parts": "2"},
        COUNTY,
    ),
    "pick": (lambda x: "/staff/topics/pick/", _pick_data, COUNTY),
    "task_add": (
        lambda x: f"/staff/topics/{x.topic.pk}/tasks/",
        lambda x: {"title": "回访", "owner": x.department.pk, "due_on": DUE},
        COUNTY,
    ),
    "task_done": (
        lambda x: f"/staff/topics/tasks/{x.own_task.pk}/done/",
        lambda x: {"note": "清运完"},
        {"county_admin", "provider_staff"},
    ),
    "progress": (
        lambda x: f"/staff/topics/{x.topic.pk}/progress/",
        lambda x: {"note": "进行中"},
        COUNTY,
    ),
    "done": (
        lambda x: f"/staff/topics/{x.finished.pk}/done/",
        lambda x: {"outcome": "完成了"},
        COUNTY,
    ),
}
RULES: dict[str, Callable[[Any, Setup], bool]] = {
    "recompute": lambda u, x: rules.can_compute(u),
    "merge": lambda u, x: rules.can_merge(u),
    "split": lambda u, x: rules.can_split(u),
    "pick": lambda u, x: rules.can_pick(u),
    "task_add": lambda u, x: rules.can_update(u),
    "task_done": lambda u, x: rules.can_mark_done(u, x.own_task),
    "progress": lambda u, x: rules.can_update(u),
    "done": lambda u, x: rules.can_update(u),
}


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("step", list(POSTS))
def test_who_may_post_each_step_and_refusals_write_nothing(
    setup: Setup, table_world: Any, step: str, who: str
) -> None:
    user = user_of(table_world, who)
    path, data, may = POSTS[step]
    assert RULES[step](user, setup) is (who in may)
    before = snapshot()
    response = web(user).post(path(setup), data(setup))
    if who in may:
        assert response.status_code == 302, response.content.decode()[:2000]
        if step != "recompute":  # it only queues the task
            assert snapshot() != before
        return
    if not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    assert snapshot() == before
