"""Merge and split bookkeeping, and a topic's life: picked, tasks done, progress, done; every
illegal step refused with its status and nothing written; residents told once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from minsheng.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from minsheng.notify.models import Message
from minsheng.orders.models import Audience
from minsheng.voice.models import (
    MonthlyTopic,
    TopicAction,
    TopicCandidate,
    TopicMember,
    TopicStatus,
)
from minsheng.voice.services import topics as s
from tests.voice.topic_fixtures import (
    MONTH,
    NOW,
    Month,
    at,
    department_staff,
    make_order,
    refused,
)

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.voice.topic_fixtures"]


@pytest.fixture
def computed(world: Any, month_world: Month) -> list[TopicCandidate]:
    s.topic_candidates_compute(month=MONTH, now=NOW)
    return list(TopicCandidate.objects.filter(month=MONTH).order_by("-score"))


def task(title: str = "排查路灯", owner: Any = None, due: str = "2026-07-01") -> s.TaskInput:
    return s.TaskInput(title, owner, due)


def pick(world: Any, m: Month, ids: list[int], **kw: Any) -> MonthlyTopic:
    args: dict[str, Any] = {
        "candidate_ids": ids,
        "title": "修好村里的路灯",
        "description": "路灯坏了没人修",
        "lead": m.department.pk,
        "tasks": [task(owner=m.department.pk), task("更换灯杆", m.other_department.pk)],
        "actor": world.county_admin,
        "now": NOW,
    } | kw
    return s.topic_pick(**args)


# --- merge and split ------------------------------------------------------------------------------


def test_merge_combines_sizes_and_members(world: Any, computed: list[TopicCandidate]) -> None:
    lights, water, noise = computed
    before = {c.pk: set(c.members.values_list("pk", flat=True)) for c in computed}
    target = s.topic_candidates_merge(
        candidate_ids=[str(noise.pk), water.pk], actor=world.county_admin, now=NOW
    )
    assert target.pk == water.pk  # the better ranked one takes the others in
    water.refresh_from_db()
    noise.refresh_from_db()
    assert (water.size, water.unresolved, water.score) == (5, 1, 7.0)
    assert set(water.members.values_list("pk", flat=True)) == before[water.pk] | before[noise.pk]
    assert noise.merged_into == water and noise.members.count() == 0
    assert water.keywords == ["停水", "噪音"]
    assert water.area.code == "health"  # 3 texts against 2
    assert water.region == world.town_b  # 4 of 5 from T2
    assert water.edited_at == NOW and noise.edited_at == NOW
    # the merged one is no longer a candidate of its own
    refused(
        lambda: s.topic_candidates_merge(
            candidate_ids=[noise.pk, lights.pk], actor=world.county_admin
        ),
        Conflict,
        [("candidate_merged", "candidates")],
    )


def test_merge_refusals_write_nothing(world: Any, computed: list[TopicCandidate]) -> None:
    lights, water, _noise = computed
    admin = world.county_admin
    refused(
        lambda: s.topic_candidates_merge(candidate_ids=[lights.pk], actor=admin),
        DomainError,
        [("merge_needs_two", "candidates")],
    )
    refused(
        lambda: s.topic_candidates_merge(candidate_ids=[lights.pk, "x\x00"], actor=admin),
        DomainError,
        [("invalid", "candidates")],
    )
    refused(
        lambda: s.topic_candidates_merge(candidate_ids=[lights.pk, 999999], actor=admin),
        NotFound,
        [("candidate_not_found", "candidates")],
    )
    refused(
        lambda: s.topic_candidates_merge(
            candidate_ids=[lights.pk, water.pk], actor=world.dispatcher_a
        ),
        PermissionDenied,
        [("not_permitted", None)],
    )
    april = make_order(world, "路灯：四月", created=at(date(2026, 4, 3)))
    s.topic_candidates_compute(month=date(2026, 4, 1), now=NOW)
    other = TopicCandidate.objects.get(members__source_id=april.pk, month=date(2026, 4, 1))
    refused(
        lambda: s.topic_candidates_merge(candidate_ids=[lights.pk, other.pk], actor=admin),
        DomainError,
        [("months_differ", "candidates")],
    )


def test_split_regroups_the_members(world: Any, computed: list[TopicCandidate]) -> None:
    lights = computed[0]
    parts = s.topic_candidate_split(
        candidate_id=lights.pk, parts="3", actor=world.county_admin, now=NOW
    )
    assert len(parts) == 3 and parts[0].pk == lights.pk
    sizes = [p.members.count() for p in parts]
    assert sizes == [p.size for p in parts] and sum(sizes) == 7
    assert sum(p.unresolved for p in parts) == 4
    assert TopicMember.objects.filter(candidate__in=parts).count() == 7
    assert all(p.edited_at == NOW and p.month == MONTH for p in parts)
    for p in parts:
        assert p.unresolved == p.members.filter(resolved=False).count()
        assert p.score == p.size + 2 * p.unresolved


def test_split_refusals_write_nothing(world: Any, computed: list[TopicCandidate]) -> None:
    lights, _water, noise = computed
    admin = world.county_admin
    for parts in ("1", "11", "two", None, "2.5"):
        refused(
            lambda parts=parts: s.topic_candidate_split(
                candidate_id=lights.pk, parts=parts, actor=admin
            ),
            DomainError,
            [("invalid", "parts")],
        )
    refused(
        lambda: s.topic_candidate_split(candidate_id=noise.pk, parts=3, actor=admin),
        DomainError,
        [("split_parts", "parts")],
    )
    refused(
        lambda: s.topic_candidate_split(candidate_id=999999, parts=2, actor=admin),
        NotFound,
        [("candidate_not_found", "candidate")],
    )
    refused(
        lambda: s.topic_candidate_split(candidate_id=lights.pk, parts=2, actor=world.resident),
        PermissionDenied,
        [("not_permitted", None)],
    )


def test_a_picked_candidate_cannot_be_merged_or_split(
    world: Any, month_world: Month, computed: list[TopicCandidate]
) -> None:
    lights, water, _ = computed
    pick(world, month_world, [lights.pk])
    refused(
        lambda: s.topic_candidate_split(candidate_id=lights.pk, parts=2, actor=world.county_admin),
        Conflict,
        [("candidate_picked", "candidate")],
    )
    refused(
        lambda: s.topic_candidates_merge(
            candidate_ids=[lights.pk, water.pk], actor=world.county_admin
        ),
        Conflict,
        [("candidate_picked", "candidates")],
    )


# --- the pick and the topic's life ----------------------------------------------------------------


def test_pick_tasks_done_lifecycle(
    world: Any, month_world: Month, computed: list[TopicCandidate]
) -> None:
    m = month_world
    lights = computed[0]
    topic = pick(world, m, [lights.pk])
    assert (topic.month, topic.status, topic.lead, topic.picked_by) == (
        MONTH,
        TopicStatus.PICKED,
        m.department,
        world.county_admin,
    )
    lights.refresh_from_db()
    assert lights.topic == topic
    tasks = list(topic.tasks.order_by("position"))
    assert [(t.title, t.owner, t.due_on, t.position) for t in tasks] == [
        ("排查路灯", m.department, date(2026, 7, 1), 0),
        ("更换灯杆", m.other_department, date(2026, 7, 1), 1),
    ]
    # the residents of its orders and the suggestion's author are told, once each
    picked = Message.objects.filter(template="topic_picked")
    assert sorted(picked.values_list("recipient__username", flat=True)) == [
        "resident",
        "resident2",
    ]
    assert set(picked.values_list("key", "link")) == {
        (f"topic-picked:{topic.pk}", f"/topics/{topic.pk}/")
    }
    assert picked.first().params == {  # type: ignore[union-attr]
        "title": "修好村里的路灯",
        "lead": "县住建局",
        "link": f"/topics/{topic.pk}/",
    }
    # a task done by the staff of its owner: the topic is in progress
    staff = department_staff(m.department, "zhujian")
    s.topic_task_done(task_id=tasks[0].pk, note="排查了 12 盏", actor=staff, now=NOW)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.IN_PROGRESS
    # not all done: the topic cannot be done
    refused(
        lambda: s.topic_done(topic_id=topic.pk, outcome="好了", actor=world.county_admin),
        Conflict,
        [("tasks_open", "outcome")],
    )
    # the owner of the first task may not mark the second
    refused(
        lambda: s.topic_task_done(task_id=tasks[1].pk, note="做了", actor=staff),
        PermissionDenied,
        [("not_permitted", None)],
    )
    refused(
        lambda: s.topic_task_done(task_id=tasks[0].pk, note="又做了", actor=staff),
        Conflict,
        [("task_done", None)],
    )
    s.topic_progress(
        topic_id=topic.pk, note="内部：预算待批", staff_only=True, actor=world.county_admin, now=NOW
    )
    s.topic_task_done(task_id=tasks[1].pk, note="换了 3 根", actor=world.county_admin, now=NOW)
    refused(
        lambda: s.topic_done(topic_id=topic.pk, outcome="  ", actor=world.county_admin),
        DomainError,
        [("required", "outcome")],
    )
    s.topic_done(topic_id=topic.pk, outcome="全村路灯已修好", actor=world.county_admin, now=NOW)
    topic.refresh_from_db()
    assert (topic.status, topic.done_at, topic.outcome) == (
        TopicStatus.DONE,
        NOW,
        "全村路灯已修好",
    )
    events = list(topic.events.order_by("pk").values_list("action", "audience", "note"))
    assert events == [
        (TopicAction.PICK, Audience.PUBLIC, "修好村里的路灯"),
        (TopicAction.TASK_ADD, Audience.PUBLIC, "排查路灯"),
        (TopicAction.TASK_ADD, Audience.PUBLIC, "更换灯杆"),
        (TopicAction.TASK_DONE, Audience.PUBLIC, "排查路灯：排查了 12 盏"),
        (TopicAction.PROGRESS, Audience.STAFF, "内部：预算待批"),
        (TopicAction.TASK_DONE, Audience.PUBLIC, "更换灯杆：换了 3 根"),
        (TopicAction.DONE, Audience.PUBLIC, "全村路灯已修好"),
    ]
    done = Message.objects.filter(template="topic_done")
    assert sorted(done.values_list("recipient__username", flat=True)) == ["resident", "resident2"]
    # a done topic takes no more steps
    refused(
        lambda: s.topic_done(topic_id=topic.pk, outcome="再来", actor=world.county_admin),
        Conflict,
        [("topic_done", None)],
    )
    refused(
        lambda: s.topic_progress(
            topic_id=topic.pk, note="x", staff_only=False, actor=world.county_admin
        ),
        Conflict,
        [("topic_done", None)],
    )
    refused(
        lambda: s.topic_task_add(
            topic_id=topic.pk, task=task(owner=m.department.pk), actor=world.county_admin, now=NOW
        ),
        Conflict,
        [("topic_done", None)],
    )


def test_signed_survey_answers_are_told_anonymous_ones_not(
    world: Any, month_world: Month, computed: list[TopicCandidate]
) -> None:
    water = computed[1]
    topic = pick(world, month_world, [water.pk], title="解决停水")
    # the water orders have no resident; the answer's respondent is told
    assert list(
        Message.objects.filter(template="topic_picked").values_list(
            "recipient__username", flat=True
        )
    ) == ["resident"]
    # telling again writes nothing (idempotent key)
    from minsheng.voice.services.topics import _tell

    _tell(topic, "topic_picked", f"topic-picked:{topic.pk}", {"title": "x", "lead": "y"})
    assert Message.objects.filter(template="topic_picked").count() == 1


def test_pick_input_refusals_name_every_field(
    world: Any, month_world: Month, computed: list[TopicCandidate]
) -> None:
    m = month_world
    lights = computed[0]
    refused(
        lambda: pick(
            world,
            m,
            [lights.pk],
            title="",
            description="x" * 2001,
            lead=world.provider.pk,  # a volunteer team, not a department
            tasks=[task("", None, "2026-02-30"), task("过去", m.department.pk, "2026-06-09")],
        ),
        DomainError,
        [
            ("required", "title"),
            ("too_long", "description"),
            ("lead_not_department", "lead"),
            ("required", "tasks.0.title"),
            ("owner_invalid", "tasks.0.owner"),
            ("invalid", "tasks.0.due_on"),
            ("due_in_past", "tasks.1.due_on"),
        ],
    )
    refused(
        lambda: pick(world, m, [lights.pk], tasks=[]), DomainError, [("tasks_required", "tasks")]
    )
    refused(lambda: pick(world, m, []), DomainError, [("pick_needs_candidate", "candidates")])
    refused(
        lambda: pick(world, m, [lights.pk], actor=world.dispatcher_a),
        PermissionDenied,
        [("not_permitted", None)],
    )
    refused(
        lambda: pick(world, m, [lights.pk], title="<script>x</script>"),
        DomainError,
        [("markup", "title")],
    )
    refused(
        lambda: pick(world, m, [lights.pk], title="\x00"),
        DomainError,
        [("not_text", "title")],
    )
    pick(world, m, [lights.pk])
    refused(lambda: pick(world, m, [lights.pk]), Conflict, [("candidate_picked", "candidates")])


def test_two_candidates_picked_together_make_one_topic(
    world: Any, month_world: Month, computed: list[TopicCandidate]
) -> None:
    lights, water, _ = computed
    topic = pick(world, month_world, [lights.pk, water.pk])
    assert set(topic.problems.values_list("pk", flat=True)) == {lights.pk, water.pk}


def test_task_added_later_and_progress_reported(
    world: Any, month_world: Month, computed: list[TopicCandidate]
) -> None:
    topic = pick(world, month_world, [computed[0].pk])
    added = s.topic_task_add(
        topic_id=topic.pk,
        task=task("公示维修电话", month_world.department.pk, "2026-06-30"),
        actor=world.county_admin,
        now=NOW,
    )
    assert (added.position, added.topic_id) == (2, topic.pk)
    refused(
        lambda: s.topic_task_add(
            topic_id=topic.pk, task=task(owner=month_world.department.pk), actor=world.dispatcher_a
        ),
        PermissionDenied,
        [("not_permitted", None)],
    )
    refused(
        lambda: s.topic_task_add(
            topic_id=999999,
            task=task(owner=month_world.department.pk),
            actor=world.county_admin,
            now=NOW,
        ),
        NotFound,
        [("topic_not_found", "topic")],
    )
    s.topic_progress(
        topic_id=topic.pk, note="已开工", staff_only=False, actor=world.county_admin, now=NOW
    )
    topic.refresh_from_db()
    assert topic.status == TopicStatus.IN_PROGRESS
    refused(
        lambda: s.topic_task_done(task_id=999999, note="x", actor=world.county_admin),
        NotFound,
        [("task_not_found", "task")],
    )
    refused(
        lambda: s.topic_task_done(task_id=added.pk, note="", actor=world.county_admin),
        DomainError,
        [("required", "note")],
    )
