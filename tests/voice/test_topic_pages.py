"""The monthly topic on the web and in the REST API: the public pages and endpoints show no
personal data and no staff notes; staff merge, split, pick and track through the forms; a
refused form answers its status and writes nothing; "compute again" only queues the task."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from minsheng.voice.models import MonthlyTopic, TopicCandidate, TopicStatus
from minsheng.voice.services import topics as s
from tests.voice.topic_fixtures import MONTH, NOW, Month, department_staff, snapshot
from tests.web.conftest import english_client

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.voice.topic_fixtures"]

DUE = (timezone.localdate() + timedelta(days=30)).isoformat()


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def topic(world: Any, month_world: Month) -> MonthlyTopic:
    """The street lights picked, one task done, a public report and a staff note; its
    representative texts hold a phone number and markup."""
    s.topic_candidates_compute(month=MONTH, now=NOW)
    lights = TopicCandidate.objects.order_by("-score").first()
    assert lights is not None
    lights.examples = ["路灯：电话13912345678联系我", "<script>alert(1)</script>路灯坏了"]
    lights.save()
    topic = s.topic_pick(
        candidate_ids=[lights.pk],
        title="修好村里的路灯",
        description="路灯坏了没人修",
        lead=month_world.department.pk,
        tasks=[
            s.TaskInput("排查路灯", month_world.department.pk, "2026-07-01"),
            s.TaskInput("更换灯杆", month_world.other_department.pk, "2026-07-01"),
        ],
        actor=world.county_admin,
        now=NOW,
    )
    first = topic.tasks.order_by("position").first()
    assert first is not None
    s.topic_task_done(task_id=first.pk, note="排查了 12 盏", actor=world.county_admin, now=NOW)
    s.topic_progress(
        topic_id=topic.pk, note="灯杆已到货", staff_only=False, actor=world.county_admin, now=NOW
    )
    s.topic_progress(
        topic_id=topic.pk,
        note="内部备注：预算待批",
        staff_only=True,
        actor=world.county_admin,
        now=NOW,
    )
    return topic


PRIVATE = ["13912345678", "王大妈", "13800001234", "内部备注", "<script>", "resident2"]


def test_public_pages_without_login(topic: MonthlyTopic) -> None:
    listing = english_client().get("/topics/?year=2026")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "修好村里的路灯" in text and topic.lead.name_en in text  # in English: its English name
    assert "1 of 2 tasks done (50%)" in text  # the progress bar in words too
    assert '<progress max="2" value="1"' in text
    page = english_client().get(f"/topics/{topic.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for shown in (
        "路灯：电话…联系我",
        "&lt;script&gt;alert(1)&lt;/script&gt;路灯坏了",
        "灯杆已到货",
    ):
        assert shown in html
    assert "排查路灯：排查了 12 盏" in html
    for secret in PRIVATE:
        assert secret not in html
    assert Client().get("/topics/999999/").status_code == 404


def test_the_public_api_shows_the_same(topic: MonthlyTopic) -> None:
    listing = APIClient().get("/api/v1/topics/?year=2026")
    assert listing.status_code == 200
    [row] = listing.json()["results"]
    assert {k: row[k] for k in ("id", "month", "title", "lead", "status", "progress")} == {
        "id": topic.pk,
        "month": "2026-05",
        "title": "修好村里的路灯",
        "lead": "县住建局",
        "status": TopicStatus.IN_PROGRESS,
        "progress": 50,
    }
    detail = APIClient().get(f"/api/v1/topics/{topic.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["examples"] == ["路灯：电话…联系我", "<script>alert(1)</script>路灯坏了"]
    assert [t["done"] for t in body["tasks"]] == [True, False]
    assert [e["action"] for e in body["events"]] == [
        "pick",
        "task_add",
        "task_add",
        "task_done",
        "progress",
    ]
    raw = detail.content.decode()
    for secret in ("13912345678", "王大妈", "13800001234", "内部备注", "预算待批"):
        assert secret not in raw
    assert APIClient().get("/api/v1/topics/999999/").status_code == 404
    assert APIClient().get("/api/v1/topics/?year=x").status_code == 400


def test_staff_see_staff_notes_and_members(world: Any, topic: MonthlyTopic) -> None:
    admin = client_of(world.county_admin)
    page = admin.get(f"/staff/topics/{topic.pk}/")
    assert page.status_code == 200 and "内部备注：预算待批" in page.content.decode()
    lights = topic.problems.get()
    members = admin.get(f"/staff/topics/candidates/{lights.pk}/").content.decode()
    assert "路灯：村口路灯坏了" in members
    assert "/staff/orders/" in members  # orders link to their staff page
    suggestion = lights.members.get(source="suggestion")
    assert f'href="/suggestions/{suggestion.source_id}/"' in members  # and suggestions to theirs
    # provider staff open the page (for their tasks) but read no staff note
    staff = department_staff(topic.lead, "zhujian")
    assert "内部备注" not in client_of(staff).get(f"/staff/topics/{topic.pk}/").content.decode()


def test_candidates_page_ranks_and_filters(world: Any, month_world: Month) -> None:
    s.topic_candidates_compute(month=MONTH, now=NOW)
    admin = client_of(world.county_admin)
    html = admin.get("/staff/topics/?month=2026-05").content.decode()
    assert html.index("路灯") < html.index("停水") < html.index("噪音")
    only_t2 = admin.get(f"/staff/topics/?month=2026-05&township={world.town_b.pk}")
    text = only_t2.content.decode()
    assert "停水" in text and "噪音：广场舞太吵" not in text
    assert admin.get("/staff/topics/?month=2026-13").status_code == 400


def test_staff_merge_split_and_pick_through_the_forms(world: Any, month_world: Month) -> None:
    s.topic_candidates_compute(month=MONTH, now=NOW)
    lights, water, noise = TopicCandidate.objects.order_by("-score")
    admin = client_of(world.county_admin)
    merged = admin.post("/staff/topics/merge/", {"candidates": [water.pk, noise.pk]})
    assert merged.status_code == 302
    noise.refresh_from_db()
    assert noise.merged_into_id == water.pk
    split = admin.post(f"/staff/topics/candidates/{water.pk}/split/", {"parts": "2"})
    assert split.status_code == 302
    assert TopicCandidate.objects.filter(month=MONTH, merged_into__isnull=True).count() == 3
    form = admin.get(f"/staff/topics/pick/?candidates={lights.pk}")
    assert form.status_code == 200 and 'value="路灯"' in form.content.decode()
    data = {
        "candidates": [lights.pk],
        "title": "修好路灯",
        "lead": month_world.department.pk,
        "task-0-title": "排查",
        "task-0-owner": month_world.department.pk,
        "task-0-due_on": DUE,
        "task-2-title": "更换",
        "task-2-owner": world.provider.pk,
        "task-2-due_on": DUE,
    }
    picked = admin.post("/staff/topics/pick/", data)
    assert picked.status_code == 302
    topic = MonthlyTopic.objects.get()
    assert picked["Location"] == f"/staff/topics/{topic.pk}/"
    assert list(topic.tasks.values_list("title", flat=True)) == ["排查", "更换"]


def test_a_refused_pick_shows_its_errors_on_the_right_row_and_writes_nothing(
    world: Any, month_world: Month
) -> None:
    s.topic_candidates_compute(month=MONTH, now=NOW)
    lights = TopicCandidate.objects.order_by("-score").first()
    assert lights is not None
    before = snapshot()
    response = client_of(world.county_admin).post(
        "/staff/topics/pick/",
        {
            "candidates": [lights.pk],
            "title": "",
            "lead": world.provider.pk,
            "task-1-title": "排查",
            "task-1-owner": "x",
            "task-1-due_on": "2020-01-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="task-1-owner-error"' in html and 'id="task-1-due_on-error"' in html
    assert 'id="title-error"' in html and 'id="lead-error"' in html
    assert snapshot() == before


def test_tracking_through_the_forms(world: Any, topic: MonthlyTopic) -> None:
    admin = client_of(world.county_admin)
    second = topic.tasks.get(position=1)
    too_early = admin.post(f"/staff/topics/{topic.pk}/done/", {"outcome": "好了"})
    assert too_early.status_code == 409
    empty = admin.post(f"/staff/topics/tasks/{second.pk}/done/", {"note": ""})
    assert empty.status_code == 400 and f'id="done-{second.pk}-error"' in empty.content.decode()
    assert (
        admin.post(f"/staff/topics/tasks/{second.pk}/done/", {"note": "换好了"}).status_code == 302
    )
    added = admin.post(
        f"/staff/topics/{topic.pk}/tasks/",
        {"title": "回访", "owner": world.provider.pk, "due_on": DUE},
    )
    assert added.status_code == 302
    third = topic.tasks.get(position=2)
    # the provider's own staff mark their task done
    assert (
        client_of(world.provider_staff)
        .post(f"/staff/topics/tasks/{third.pk}/done/", {"note": "回访了 7 户"})
        .status_code
        == 302
    )
    report = admin.post(f"/staff/topics/{topic.pk}/progress/", {"note": "全部完成"})
    assert report.status_code == 302
    done = admin.post(f"/staff/topics/{topic.pk}/done/", {"outcome": "路灯全部修好"})
    assert done.status_code == 302
    topic.refresh_from_db()
    assert (topic.status, topic.outcome) == (TopicStatus.DONE, "路灯全部修好")


def test_compute_again_only_queues_the_task(
    world: Any,
    month_world: Month,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    queued: list[str] = []
    from minsheng.voice import tasks

    monkeypatch.setattr(tasks.topic_candidates, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(world.county_admin).post(
            "/staff/topics/recompute/", {"month": "2026-05"}
        )
    assert response.status_code == 302
    assert queued == ["2026-05-01"]
    assert TopicCandidate.objects.count() == 0
    bad = client_of(world.county_admin).post("/staff/topics/recompute/", {"month": "May"})
    assert bad.status_code == 400


def test_the_pick_button_opens_the_form_without_picking(world: Any, month_world: Month) -> None:
    s.topic_candidates_compute(month=MONTH, now=NOW)
    lights = TopicCandidate.objects.order_by("-score").first()
    assert lights is not None
    before = snapshot()
    form = client_of(world.county_admin).post(
        "/staff/topics/pick/", {"candidates": [lights.pk], "step": "choose"}
    )
    assert form.status_code == 200
    html = form.content.decode()
    assert f'name="candidates" value="{lights.pk}"' in html and 'value="路灯"' in html
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/topics/?year=99999999999",
        "/topics/?year=-1",
        "/staff/topics/?month=2026-05&area=x&township=99999999999999999999999",
        "/staff/topics/pick/?candidates=abc&candidates=99999999999999999999",
        "/staff/topics/candidates/99999999/",
        "/staff/topics/99999999/",
    ],
)
def test_odd_input_is_never_a_server_error(world: Any, path: str) -> None:
    assert client_of(world.county_admin).get(path).status_code in (200, 400, 404)


def test_odd_api_input_is_refused(db: Any) -> None:
    assert APIClient().get("/api/v1/topics/?year=99999").status_code == 400
    assert APIClient().get("/api/v1/topics/?status=nope").status_code == 400
