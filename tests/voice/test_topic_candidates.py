"""A month's candidates: which texts, sizes, unresolved counts, area and place, score order;
a recomputation keeps what staff picked, merged or edited; the command's dry run writes
nothing; the real grouping engine on clearly different problems."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minsheng.voice import topic_rules as rules
from minsheng.voice.models import SourceKind, TopicCandidate, TopicMember
from minsheng.voice.services import topics as s
from tests.voice.topic_fixtures import (
    MONTH,
    NOW,
    Month,
    at,
    make_order,
)

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.voice.topic_fixtures"]


def ranked() -> list[TopicCandidate]:
    return list(
        TopicCandidate.objects.filter(month=MONTH, merged_into__isnull=True).order_by(
            "-score", "pk"
        )
    )


def sources(candidate: TopicCandidate) -> set[tuple[str, int]]:
    return set(candidate.members.values_list("source", "source_id"))


def test_candidates_of_a_hand_made_month(world: Any, month_world: Month) -> None:
    result = s.topic_candidates_compute(month=MONTH, now=NOW)
    assert (result.written, result.replaced, result.kept, result.texts) == (3, 0, 0, 12)
    lights, water, noise = ranked()
    m = month_world
    assert [(c.label, c.size, c.unresolved, c.score) for c in (lights, water, noise)] == [
        ("路灯", 7, 4, 15.0),
        ("停水", 3, 1, 5.0),
        ("噪音", 2, 0, 2.0),
    ]
    assert (lights.area.code, lights.region) == ("housing", world.town_a)
    assert (water.area.code, water.region) == ("health", world.town_b)
    assert (noise.area.code, noise.region) == ("culture-sports", None)  # spread
    assert sources(lights) == {(SourceKind.ORDER, o.pk) for o in m.lights[:6]} | {
        (SourceKind.SUGGESTION, m.lights[6].pk)
    }
    assert sources(water) == {
        (SourceKind.ORDER, m.water[0].pk),
        (SourceKind.ORDER, m.water[1].pk),
        (SourceKind.ANSWER, m.water[2].pk),
    }
    unmet = set(TopicMember.objects.filter(resolved=False).values_list("source", "source_id"))
    assert unmet == {
        (SourceKind.ORDER, m.lights[0].pk),  # rejected
        (SourceKind.ORDER, m.lights[1].pk),  # rated dissatisfied
        (SourceKind.ORDER, m.lights[3].pk),  # open past its deadline
        (SourceKind.SUGGESTION, m.lights[6].pk),  # not replied
        (SourceKind.ORDER, m.water[0].pk),  # declined by a provider
    }
    # a menu order's text would carry its service's name; these are free-form needs
    member = TopicMember.objects.get(source=SourceKind.ORDER, source_id=m.lights[0].pk)
    assert (member.text, member.region) == ("路灯：村口路灯坏了", world.village_a)
    assert lights.keywords == ["路灯"]
    assert lights.examples == ["路灯：村口路灯坏了", "路灯：晚上漆黑一片", "路灯：路灯不亮"]


def test_a_menu_order_is_its_service_name_and_words(world: Any, fake_grouping: None) -> None:
    order = make_order(world, "送餐太晚", service=world.service)
    empty = make_order(world, "", service=world.service)
    s.topic_candidates_compute(month=MONTH, now=NOW)
    texts = dict(TopicMember.objects.values_list("source_id", "text"))
    assert texts == {order.pk: "助餐送餐：送餐太晚", empty.pk: "助餐送餐"}


@pytest.mark.parametrize(
    ("fields", "unmet"),
    [
        ({"status": "submitted"}, False),
        ({"status": "submitted", "escalated_at": at(date(2026, 5, 13))}, True),
        ({"status": "approved", "county_escalated_at": at(date(2026, 5, 13))}, True),
        ({"status": "reopened", "round": 1}, True),
        ({"status": "delivered"}, False),
        ({"status": "cancelled"}, False),
        ({"status": "rejected"}, True),
    ],
)
def test_which_orders_are_unresolved(
    world: Any, fake_grouping: None, fields: dict[str, Any], unmet: bool
) -> None:
    make_order(world, "路灯：坏了", deadline=at(date(2026, 7, 1)), **fields)
    s.topic_candidates_compute(month=MONTH, now=NOW)
    assert TopicMember.objects.get().resolved is not unmet


def test_a_reopened_round_is_judged_by_its_own_rating(world: Any, fake_grouping: None) -> None:
    from tests.voice.topic_fixtures import rate

    order = make_order(world, "路灯：坏了")
    rate(order, "dissatisfied", solved=False)
    order.round = 1
    order.save()
    rate(order, "satisfied")
    s.topic_candidates_compute(month=MONTH, now=NOW)
    assert TopicMember.objects.get().resolved is True


def test_recomputing_keeps_picked_merged_and_edited_candidates(
    world: Any, month_world: Month
) -> None:
    s.topic_candidates_compute(month=MONTH, now=NOW)
    lights, water, noise = ranked()
    topic = s.topic_pick(
        candidate_ids=[lights.pk],
        title="修好路灯",
        description="",
        lead=month_world.department.pk,
        tasks=[s.TaskInput("排查", month_world.department.pk, "2026-07-01")],
        actor=world.county_admin,
        now=NOW,
    )
    merged = s.topic_candidates_merge(
        candidate_ids=[water.pk, noise.pk], actor=world.county_admin, now=NOW
    )
    new = make_order(world, "垃圾：没人收", village=world.village_b)
    result = s.topic_candidates_compute(month=MONTH, now=NOW)
    assert (result.written, result.replaced, result.kept, result.texts) == (1, 0, 3, 1)
    lights.refresh_from_db()
    assert lights.topic == topic and lights.size == 7 and lights.members.count() == 7
    merged.refresh_from_db()
    assert merged.size == 5 and merged.members.count() == 5
    fresh = TopicCandidate.objects.get(month=MONTH, label="垃圾")
    assert sources(fresh) == {(SourceKind.ORDER, new.pk)}
    # every text belongs to exactly one candidate
    assert TopicMember.objects.count() == 13
    # recomputing again replaces only the fresh one
    again = s.topic_candidates_compute(month=MONTH, now=NOW)
    assert (again.written, again.replaced, again.kept) == (1, 1, 3)
    assert not TopicCandidate.objects.filter(pk=fresh.pk).exists()


def test_other_months_are_left_alone(world: Any, month_world: Month) -> None:
    s.topic_candidates_compute(month=date(2026, 4, 1), now=NOW)
    april = set(TopicCandidate.objects.values_list("pk", flat=True))
    s.topic_candidates_compute(month=MONTH, now=NOW)
    assert april <= set(TopicCandidate.objects.values_list("pk", flat=True))
    assert TopicCandidate.objects.filter(month=date(2026, 4, 1)).get().size == 1


def test_dry_run_prints_the_groups_and_writes_nothing(world: Any, month_world: Month) -> None:
    out = StringIO()
    call_command("topic_candidates", "--month", "2026-05", stdout=out)
    text = out.getvalue()
    assert "2026-05: 3 groups (dry run, nothing written)" in text
    assert "score=15 size=7 unresolved=4 area=住有所居 township=甲镇  路灯" in text
    assert TopicCandidate.objects.count() == 0 and TopicMember.objects.count() == 0
    call_command("topic_candidates", "--month", "2026-05", "--commit", stdout=out)
    assert TopicCandidate.objects.count() == 3


def test_command_refuses_a_bad_month(db: Any) -> None:
    with pytest.raises(CommandError):
        call_command("topic_candidates", "--month", "2026-13", stdout=StringIO())


def test_the_periodic_task_computes_the_month_just_ended(
    world: Any, month_world: Month, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minsheng.voice import tasks

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: date(2026, 6, 1))
    result = tasks.topic_candidates()
    assert result == {"written": 3, "replaced": 0, "kept": 0}
    assert set(TopicCandidate.objects.values_list("month", flat=True)) == {MONTH}


def test_the_beat_schedule_runs_it_early_each_month(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["voice-topic-candidates"]
    assert entry["task"] == "minsheng.voice.tasks.topic_candidates"
    assert entry["schedule"].day_of_month == {1}


def test_the_real_engine_separates_clearly_different_problems(world: Any) -> None:
    lamps = [
        make_order(world, "村口的路灯坏了，晚上漆黑一片"),
        make_order(world, "路灯坏了好几天，晚上走路看不见"),
        make_order(world, "三组路灯不亮了"),
    ]
    water = [
        make_order(world, "自来水停水三天了，没有水做饭", village=world.village_b),
        make_order(world, "家里没水了，水管好像爆了", village=world.village_b),
        make_order(world, "停水了，什么时候来水", village=world.village_b),
    ]
    s.topic_candidates_compute(month=MONTH, now=NOW)
    groups = {frozenset(c.members.values_list("source_id", flat=True)) for c in ranked()}
    # the lamps are one group; no group mixes the two problems (the engine may keep a
    # wording of the water apart on so few texts)
    assert frozenset(o.pk for o in lamps) in groups
    water_ids = {o.pk for o in water}
    assert all(g <= water_ids for g in groups if g != frozenset(o.pk for o in lamps))
    assert set().union(*groups) == {o.pk for o in lamps} | water_ids


def test_score_and_place_rules() -> None:
    assert rules.score(7, 4) == 15.0
    assert rules.majority([1, 1, 2]) == 1
    assert rules.majority([1, 2]) is None
    assert rules.majority([1, None]) is None
    assert rules.most_common([None, 3, 2, 2, 3]) == 2
    assert rules.redact("电话 13912345678，门牌 12 号") == "电话 …，门牌 12 号"
    assert rules.label_of([], "  一句话  ") == "一句话"
    assert rules.label_of(["，", " 路灯 ", "路灯", "坏"], "x") == "路灯、坏"
