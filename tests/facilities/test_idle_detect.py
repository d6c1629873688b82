"""The nightly detection writes exact flags (and nothing for healthy facilities), refreshes an
open flag without a duplicate, keeps closed flags as history, gives each flag its owner;
a follow-up closes only with an action; reassigning; awareness from survey answers; the
command and the task."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from minsheng.core.errors import DomainError
from minsheng.facilities.models import (
    AwarenessQuestion,
    Equipment,
    EquipmentState,
    EquipmentType,
    FacilityAction,
    FacilityEvent,
    FlagStatus,
    IdleFlag,
    Kind,
    PortalViews,
    Title,
)
from minsheng.facilities.selectors import idle as sel
from minsheng.facilities.services.idle import (
    awareness_question_set,
    facility_idle_detect,
    idle_flag_assign,
    idle_flag_close,
)
from minsheng.facilities.tasks import facilities_idle_detect
from minsheng.notify.models import Message
from minsheng.voice.models import (
    Answer,
    AnswerChoice,
    Choice,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from tests.facilities.factories import make_facility
from tests.facilities.idle_helpers import AS_OF, count, shops, snapshot

pytestmark = pytest.mark.django_db


def test_detection_flags_the_idle_facility_only_with_exact_figures(world) -> None:  # type: ignore[no-untyped-def]
    s = shops(world)
    summary = facility_idle_detect(as_of=AS_OF)
    assert (summary.assessed, summary.idle, summary.flagged, summary.refreshed) == (4, 1, 1, 0)
    flag = IdleFlag.objects.get()
    assert flag.facility_id == s.a.pk
    assert (flag.computed_on, flag.use_per_resident, flag.peer_median, flag.peer_count) == (
        AS_OF,
        0.01,
        0.1,
        3,
    )
    assert (flag.trend, flag.causes, flag.status) == (None, [], FlagStatus.OPEN)
    assert (flag.owner_id, flag.due_on) == (world.grid_worker.pk, AS_OF + timedelta(days=14))
    events = list(FacilityEvent.objects.values_list("facility_id", "action"))
    assert events == [(s.a.pk, FacilityAction.FLAGGED)]
    message = Message.objects.get()
    assert (message.recipient_id, message.template, message.link) == (
        world.grid_worker.pk,
        "facility_idle",
        f"/staff/facilities/idle/{flag.pk}/",
    )


def test_causes_are_read_from_every_part(world) -> None:  # type: ignore[no-untyped-def]
    s = shops(world)
    for f, views in [(s.b, 10), (s.c, 20), (s.d, 30), (s.a, 1)]:
        PortalViews.objects.create(facility=f, day=AS_OF - timedelta(days=3), views=views)
    Title.objects.create(
        facility=s.a, title="旧书", subject="S", year=2006, copies=10, added_on=date(2010, 1, 1)
    )
    kind = EquipmentType.objects.create(name_zh="书架", code="shelf", expected_life_years=10)
    for state in [EquipmentState.BROKEN, EquipmentState.BROKEN, EquipmentState.WORKING]:
        Equipment.objects.create(
            facility=s.a, equipment_type=kind, purchased_on=date(2020, 1, 1), state=state
        )
    facility_idle_detect(as_of=AS_OF)
    flag = IdleFlag.objects.get()
    assert [(c["code"], c["figure"]) for c in flag.causes] == [
        ("publicity", 1.0),
        ("stale", 20.0),
        ("one_kind", 1.0),
        ("equipment", 2.0),
    ]


def test_hours_cause_counts_requests_outside_the_hours_in_local_time(world) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import submit

    s = shops(world)
    s.a.services.add(world.service)
    hours = [{"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"}]
    type(s.a).objects.filter(pk=s.a.pk).update(opening_hours=hours)
    tz = timezone.get_current_timezone()
    # Monday 2026-06-01: 10:00 open; 19:00 closed; Saturday 06-06 10:00 closed
    moments = [datetime(2026, 6, 1, 10, tzinfo=tz)] * 2 + [
        datetime(2026, 6, 1, 19, tzinfo=tz),
        datetime(2026, 6, 6, 10, tzinfo=tz),
        datetime(2026, 6, 7, 11, tzinfo=tz),
    ]
    for m in moments:
        submit(world, now=m)
    facility_idle_detect(as_of=AS_OF)
    assert IdleFlag.objects.get().causes == [
        {"code": "hours", "figure": 0.6, "detail": {"requests": 5, "outside": 3}}
    ]


def test_a_second_run_refreshes_the_open_flag_and_a_closed_flag_stays_history(world) -> None:  # type: ignore[no-untyped-def]
    s = shops(world)
    facility_idle_detect(as_of=AS_OF)
    first = IdleFlag.objects.get()
    count(s.a, AS_OF + timedelta(days=1), 20)  # a little more use: 30 per 1,000
    second = facility_idle_detect(as_of=AS_OF + timedelta(days=1))
    assert (second.flagged, second.refreshed) == (0, 1)
    first.refresh_from_db()
    assert (first.computed_on, first.use_per_resident) == (AS_OF + timedelta(days=1), 0.03)
    assert first.due_on == AS_OF + timedelta(days=14)  # the deadline is not moved
    assert FacilityEvent.objects.count() == 1 and Message.objects.count() == 1
    idle_flag_close(actor=world.dispatcher_a, flag_id=first.pk, action="开展读书宣传")
    third = facility_idle_detect(as_of=AS_OF + timedelta(days=2))
    assert (third.flagged, third.refreshed) == (1, 0)
    assert list(IdleFlag.objects.order_by("pk").values_list("status", flat=True)) == [
        "closed",
        "open",
    ]


def test_the_database_allows_one_open_flag_per_facility(world) -> None:  # type: ignore[no-untyped-def]
    s = shops(world)
    facility_idle_detect(as_of=AS_OF)
    flag = IdleFlag.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        IdleFlag.objects.create(
            facility=s.a,
            computed_on=AS_OF,
            use_per_resident=0,
            peer_median=0,
            peer_count=0,
            due_on=AS_OF,
            created_at=flag.created_at,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IdleFlag.objects.filter(pk=flag.pk).update(status=FlagStatus.CLOSED)  # no action


def test_owner_is_a_keeper_else_the_township_dispatcher_else_a_county_admin(world) -> None:  # type: ignore[no-untyped-def]
    kept = make_facility(world.village_a, keepers=[world.resident2, world.grid_worker])
    town_a = make_facility(world.village_a)
    town_b = make_facility(world.village_b)
    owners = sel.owners_for([kept, town_a, town_b])
    assert owners == {
        kept.pk: min(world.resident2.pk, world.grid_worker.pk),
        town_a.pk: world.dispatcher_a.pk,
        town_b.pk: world.dispatcher_b.pk,
    }
    type(world.dispatcher_b).objects.filter(pk=world.dispatcher_b.pk).update(is_active=False)
    assert sel.owners_for([town_b]) == {town_b.pk: world.county_admin.pk}


def test_healthy_infrastructure_and_new_facilities_are_never_flagged(world) -> None:  # type: ignore[no-untyped-def]
    s = shops(world)
    road = make_facility(world.village_a, Kind.ROAD, population_served=1000)
    new = make_facility(world.village_a, population_served=1000, opened_on=AS_OF)
    summary = facility_idle_detect(as_of=AS_OF)
    assert summary.assessed == 4
    assert list(IdleFlag.objects.values_list("facility_id", flat=True)) == [s.a.pk]
    assert road.pk and new.pk


def test_a_future_day_is_refused_and_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    shops(world)
    before = snapshot()
    with pytest.raises(DomainError) as e:
        facility_idle_detect(as_of=timezone.localdate() + timedelta(days=1))
    assert (e.value.codes, e.value.errors[0].field) == (["idle_as_of_future"], "as_of")
    assert snapshot() == before


# --- the follow-up ----------------------------------------------------------------------------


@pytest.fixture
def flag(world):  # type: ignore[no-untyped-def]
    shops(world)
    facility_idle_detect(as_of=AS_OF)
    return IdleFlag.objects.get()


@pytest.mark.parametrize("action", ["", "   ", None])
def test_closing_without_an_action_is_refused_and_writes_nothing(world, flag, action) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    with pytest.raises(DomainError) as e:
        idle_flag_close(actor=world.dispatcher_a, flag_id=flag.pk, action=action)
    assert (e.value.codes, e.value.errors[0].field) == (["idle_action_required"], "action")
    assert snapshot() == before


def test_closing_refusals(world, flag) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    with pytest.raises(DomainError) as e:
        idle_flag_close(actor=world.dispatcher_b, flag_id=flag.pk, action="x")
    assert (e.value.status_code, e.value.codes) == (404, ["idle_flag_not_found"])
    with pytest.raises(DomainError) as e:
        idle_flag_close(actor=world.dispatcher_a, flag_id=flag.pk, action="x" * 2001)
    assert e.value.codes == ["too_long"]
    with pytest.raises(DomainError) as e:
        idle_flag_close(actor=world.dispatcher_a, flag_id="abc", action="x")
    assert e.value.codes == ["idle_flag_not_found"]
    assert snapshot() == before
    idle_flag_close(actor=world.grid_worker, flag_id=flag.pk, action="调整开放时间")  # the owner
    after = snapshot()
    with pytest.raises(DomainError) as e:
        idle_flag_close(actor=world.county_admin, flag_id=flag.pk, action="again")
    assert (e.value.status_code, e.value.codes) == (409, ["idle_flag_closed"])
    assert snapshot() == after


def test_closing_records_the_action_and_an_event(world, flag) -> None:  # type: ignore[no-untyped-def]
    closed = idle_flag_close(actor=world.county_admin, flag_id=flag.pk, action=" 加强宣传 ")
    assert (closed.status, closed.action, closed.closed_by_id) == (
        "closed",
        "加强宣传",
        world.county_admin.pk,
    )
    assert closed.closed_at is not None
    last = FacilityEvent.objects.order_by("pk").last()
    assert (last.action, last.note, last.actor_id) == (
        "followed_up",
        "加强宣传",
        world.county_admin.pk,
    )


def test_reassigning(world, flag) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    today = timezone.localdate()
    cases = [
        (world.grid_worker, world.dispatcher_a.pk, today, 403, ["not_permitted"]),
        (world.dispatcher_a, world.resident.pk, today, 400, ["idle_owner_invalid"]),
        (world.dispatcher_a, "x", "tomorrow", 400, ["idle_owner_invalid", "idle_due_invalid"]),
        (
            world.dispatcher_a,
            world.dispatcher_a.pk,
            today - timedelta(days=1),
            400,
            ["idle_due_past"],
        ),
    ]
    for actor, owner, due, status, codes in cases:
        with pytest.raises(DomainError) as e:
            idle_flag_assign(actor=actor, flag_id=flag.pk, owner_id=owner, due_on=str(due))
        assert (e.value.status_code, e.value.codes) == (status, codes)
    assert snapshot() == before
    due = today + timedelta(days=3)
    done = idle_flag_assign(
        actor=world.dispatcher_a, flag_id=flag.pk, owner_id=world.county_admin.pk, due_on=str(due)
    )
    assert (done.owner_id, done.due_on) == (world.county_admin.pk, due)
    assert (
        Message.objects.filter(recipient=world.county_admin, template="facility_idle").count() == 1
    )


# --- awareness --------------------------------------------------------------------------------


def _survey(world):  # type: ignore[no-untyped-def]
    survey = Survey.objects.create(
        title="书屋",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
        created_by=world.county_admin,
        created_at=timezone.now(),
    )
    q = Question.objects.create(survey=survey, kind=QuestionKind.SINGLE, text="您知道本村书屋吗？")
    yes = Choice.objects.create(question=q, label="知道", position=1)
    no = Choice.objects.create(question=q, label="不知道", position=2)
    return survey, q, yes, no


def _answers(survey, q, region, picks, at):  # type: ignore[no-untyped-def]
    for i, choice in enumerate(picks):
        r = Response.objects.create(
            survey=survey, respondent_key=f"{region.pk}-{i}", region=region, submitted_at=at
        )
        a = Answer.objects.create(response=r, question=q)
        AnswerChoice.objects.create(answer=a, choice=choice)


def test_awareness_per_village_and_township_from_the_chosen_answer(world) -> None:  # type: ignore[no-untyped-def]
    survey, q, yes, no = _survey(world)
    at = timezone.make_aware(datetime(2026, 5, 1, 10))
    _answers(survey, q, world.village_a, [yes, no, no, no, no], at)  # 1 of 5
    _answers(survey, q, world.village_b, [yes, yes, no, yes], at)  # 4 answers: unknown
    awareness_question_set(actor=world.county_admin, choice_id=yes.pk, kind=Kind.BOOKSHOP)
    assert sel.awareness_by_region(AS_OF) == {
        (world.village_a.pk, "bookshop"): 0.2,
        (world.town_a.pk, "bookshop"): 0.2,
    }
    assert sel.awareness_by_region(AS_OF + timedelta(days=400)) == {}  # older than a year


def test_setting_an_awareness_question_refusals(world) -> None:  # type: ignore[no-untyped-def]
    _s, _q, yes, _no = _survey(world)
    for actor, choice, kind, codes in [
        (world.dispatcher_a, yes.pk, "bookshop", ["not_permitted"]),
        (world.county_admin, "x", "road", ["idle_choice_invalid", "idle_kind_invalid"]),
    ]:
        with pytest.raises(DomainError) as e:
            awareness_question_set(actor=actor, choice_id=choice, kind=kind)
        assert e.value.codes == codes
    assert AwarenessQuestion.objects.count() == 0
    awareness_question_set(actor=world.county_admin, choice_id=yes.pk, kind="bookshop")
    with pytest.raises(DomainError) as e:
        awareness_question_set(actor=world.county_admin, choice_id=yes.pk, kind="bookshop")
    assert e.value.codes == ["idle_awareness_taken"]
    assert AwarenessQuestion.objects.count() == 1


# --- the command and the task -----------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_the_command_prints_a_summary_and_refuses_a_bad_day(world) -> None:  # type: ignore[no-untyped-def]
    shops(world)
    out = StringIO()
    call_command("facilities_idle", "--as-of", AS_OF.isoformat(), stdout=out)
    assert out.getvalue() == (
        "2026-06-30: 4 facilities assessed, 1 idle: 1 flagged, 0 open flags refreshed.\n"
    )
    with pytest.raises(CommandError, match="not a date"):
        call_command("facilities_idle", "--as-of", "2026-13-01")
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="future"):
        call_command("facilities_idle", "--as-of", future)
    assert IdleFlag.objects.count() == 1


def test_the_task_runs_the_same_detection(world) -> None:  # type: ignore[no-untyped-def]
    shops(world)
    assert facilities_idle_detect(AS_OF.isoformat()) == {
        "assessed": 4,
        "idle": 1,
        "flagged": 1,
        "refreshed": 0,
    }
    assert facilities_idle_detect(AS_OF.isoformat())["refreshed"] == 1


def test_the_capacity_window_counts_the_days_it_is_open() -> None:
    from datetime import date

    from minsheng.facilities.models import Facility
    from minsheng.facilities.selectors.idle import capacity_window

    weekdays = [{"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"}]
    # 2026-06-01 is a Monday: two whole weeks hold 10 weekdays
    shop = Facility(capacity=30, opening_hours=weekdays)
    assert capacity_window(shop, date(2026, 6, 1), date(2026, 6, 14)) == 300
    assert capacity_window(Facility(capacity=30, opening_hours=[]), date(2026, 6, 1),
                           date(2026, 6, 14)) == 420  # fmt: skip
    assert capacity_window(Facility(capacity=None, opening_hours=weekdays), date(2026, 6, 1),
                           date(2026, 6, 14)) is None  # fmt: skip
