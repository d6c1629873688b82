"""The suggestions' services: posting, the support threshold and its period, the reply's
due date, the status lifecycle, reports and moderation, bans, notifications, overdue."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from minsheng.accounts.models import Role
from minsheng.core.errors import Code, Conflict, NotFound, PermissionDenied
from minsheng.notify.models import Message
from minsheng.voice import suggestion_rules as rules
from minsheng.voice.errors import SuggestionCode as C
from minsheng.voice.models import (
    Ban,
    Flag,
    Suggestion,
    SuggestionEvent,
    SuggestionStatus,
    Support,
)
from minsheng.voice.policy import suggestions as policy
from minsheng.voice.selectors import suggestions as sel
from minsheng.voice.services import suggestions as svc
from tests.factories import make_user
from tests.helpers import T0
from tests.voice.suggestions_helpers import DAY, post, refused, residents, support_by

pytestmark = pytest.mark.django_db

N = 3  # the threshold in these tests


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.MINSHENG_SUGGESTION_THRESHOLD = N
    settings.MINSHENG_SUGGESTION_SUPPORT_DAYS = 90
    settings.MINSHENG_SUGGESTION_REPLY_DAYS = 15
    settings.MINSHENG_SUGGESTION_FLAGS_TO_HIDE = 3


def actions(suggestion: Suggestion) -> list[tuple[str, str, str, str]]:
    return [
        (e.action, e.old_status, e.new_status, e.audience)
        for e in SuggestionEvent.objects.filter(suggestion=suggestion).order_by("created_at", "pk")
    ]


# --- posting ----------------------------------------------------------------------------------


def test_a_resident_posts_a_suggestion_with_its_township_and_support_period(world):
    s = post(world, area="elderly")
    s.refresh_from_db()
    assert (s.author_id, s.region_id, s.township_id) == (
        world.resident.pk,
        world.village_a.pk,
        world.town_a.pk,
    )
    assert s.area is not None and s.area.code == "elderly"
    assert s.status == SuggestionStatus.RECEIVED
    assert s.created_at == T0
    assert s.support_until == datetime(2026, 8, 2, 9, 0, tzinfo=T0.tzinfo)
    assert (s.support_count, s.support_counted, s.reply_due) == (0, 0, None)
    assert actions(s) == [("post", "", "received", "public")]


def test_a_change_names_a_menu_service_and_takes_its_area(world):
    s = post(world, kind="change", service="meal-delivery")
    assert s.service_id == world.service.pk
    assert s.area_id == world.service.category.area_id


def test_posting_refuses_each_bad_field_at_once_and_writes_nothing(world):
    refused(
        lambda: post(world, kind="x", title="", body="a" * 2001, place="C", area="nope"),
        errors=[
            (C.KIND_INVALID, "kind"),
            (Code.REQUIRED, "title"),
            (Code.TOO_LONG, "body"),
            (C.PLACE_INVALID, "place"),
            (C.AREA_INVALID, "area"),
        ],
    )
    refused(
        lambda: post(world, kind="change", title="\x00"),
        errors=[(Code.NOT_TEXT, "title"), (C.SERVICE_REQUIRED, "service")],
    )
    refused(
        lambda: post(world, title=["x"], place=5),
        errors=[(Code.NOT_TEXT, "title"), (C.PLACE_INVALID, "place")],
    )


def test_a_grid_worker_posts_for_a_resident_of_their_region_only(world):
    s = post(world, actor=world.grid_worker, resident=world.resident.pk)
    assert s.author_id == world.resident.pk
    event = SuggestionEvent.objects.get(suggestion=s)
    assert event.actor_id == world.grid_worker.pk
    refused(
        lambda: post(world, actor=world.grid_worker, resident=world.resident2.pk),
        errors=[(C.RESIDENT_INVALID, "resident")],
    )
    refused(
        lambda: post(world, actor=world.grid_worker, resident=world.resident.pk, place="V2"),
        errors=[(C.PLACE_INVALID, "place")],
    )
    refused(
        lambda: post(world, actor=world.grid_worker, resident="abc"),
        errors=[(C.RESIDENT_INVALID, "resident")],
    )


@pytest.mark.parametrize("who", ["dispatcher_a", "county_admin", "provider_staff"])
def test_staff_and_providers_do_not_post(world, who):
    refused(
        lambda: post(world, actor=getattr(world, who)),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
    )


# --- the threshold ----------------------------------------------------------------------------


def test_the_threshold_is_reached_exactly_at_n_counted_supports(world):
    s = post(world)
    people = residents(world, N)
    support_by(people[: N - 1], s, now=T0 + DAY)
    s.refresh_from_db()
    assert (s.support_count, s.support_counted, s.threshold_reached_at) == (N - 1, N - 1, None)
    assert not Message.objects.filter(template="suggestion_reply_owed").exists()
    at = T0 + 2 * DAY
    svc.suggestion_support(actor=people[-1], suggestion_id=s.pk, now=at)
    s.refresh_from_db()
    assert (s.support_count, s.support_counted) == (N, N)
    assert s.threshold_reached_at == at
    assert s.reply_due == datetime(2026, 5, 21, 9, 0, tzinfo=T0.tzinfo)
    assert actions(s)[-1] == ("threshold", "", "", "public")
    # the township's dispatcher and the county administrator owe the reply; not T2's
    owed = Message.objects.filter(template="suggestion_reply_owed")
    assert sorted(owed.values_list("recipient__username", flat=True)) == ["admin", "disp_a"]
    assert owed.first().params == {
        "title": s.title,
        "place": world.village_a.name,  # in the language of the moment
        "count": "3",
        "due": "2026-05-21 09:00",
    }
    # a later support adds to the count without a second threshold
    more = residents(world, 1, prefix="late")
    support_by(more, s, now=at + DAY)
    s.refresh_from_db()
    assert (s.support_count, s.threshold_reached_at) == (N + 1, at)
    assert [a for a, *_ in actions(s)].count("threshold") == 1


def test_supports_from_outside_the_township_do_not_count(world):
    s = post(world)
    outsiders = residents(world, N, village=world.village_b, prefix="out")
    support_by(outsiders, s, now=T0 + DAY)
    s.refresh_from_db()
    assert (s.support_count, s.support_counted, s.threshold_reached_at) == (N, 0, None)


def test_supports_after_the_period_are_shown_but_do_not_trigger(world):
    s = post(world)
    people = residents(world, N)
    support_by(people[: N - 1], s, now=T0 + DAY)
    # the last instant of the period still counts; a second after it does not
    last = residents(world, 1, prefix="edge")[0]
    svc.suggestion_support(actor=last, suggestion_id=s.pk, now=s.support_until)
    s.refresh_from_db()
    assert s.threshold_reached_at == s.support_until
    s2 = post(world, title="第二条")
    support_by(people[: N - 1], s2, now=T0 + DAY)
    late = s2.support_until + timezone.timedelta(seconds=1)
    svc.suggestion_support(actor=people[-1], suggestion_id=s2.pk, now=late)
    s2.refresh_from_db()
    assert (s2.support_count, s2.support_counted, s2.threshold_reached_at) == (N, N - 1, None)


def test_one_support_per_person_and_not_by_the_author(world):
    s = post(world)
    (person,) = residents(world, 1)
    svc.suggestion_support(actor=person, suggestion_id=s.pk, now=T0)
    refused(
        lambda: svc.suggestion_support(actor=person, suggestion_id=s.pk, now=T0),
        error=Conflict,
        errors=[(C.ALREADY_SUPPORTED, None)],
        suggestion=s,
    )
    refused(
        lambda: svc.suggestion_support(actor=world.resident, suggestion_id=s.pk, now=T0),
        error=PermissionDenied,
        errors=[(C.OWN_SUGGESTION, None)],
        suggestion=s,
    )
    refused(
        lambda: svc.suggestion_support(actor=world.dispatcher_a, suggestion_id=s.pk, now=T0),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
        suggestion=s,
    )
    refused(
        lambda: svc.suggestion_support(actor=person, suggestion_id="x", now=T0),
        error=NotFound,
        errors=[(C.SUGGESTION_NOT_FOUND, "suggestion")],
    )
    assert Support.objects.filter(suggestion=s).count() == 1


# --- replies and the lifecycle ----------------------------------------------------------------


def reached(world, *, at=T0 + DAY) -> Suggestion:
    s = post(world)
    support_by(residents(world, N), s, now=at)
    s.refresh_from_db()
    return s


def reply(world, s, status, *, actor=None, now=None, **fields) -> Suggestion:
    return svc.suggestion_reply(
        actor=actor or world.dispatcher_a,
        suggestion_id=s.pk,
        data=svc.ReplyInput(status=status, **fields),
        now=now or T0 + 3 * DAY,
    )


def test_a_reply_before_the_due_time_is_on_time_and_after_it_late(world):
    s = reached(world)
    due = s.reply_due
    assert sel.timeliness(s, due) == rules.Timeliness.OWED
    assert sel.timeliness(s, due + timezone.timedelta(seconds=1)) == rules.Timeliness.OVERDUE
    reply(world, s, "under_study", reply="正在研究", now=due)
    s.refresh_from_db()
    assert (s.replied_at, s.replied_by_id) == (due, world.dispatcher_a.pk)
    assert sel.timeliness(s) == rules.Timeliness.ON_TIME
    late = reached(world, at=T0)
    reply(world, late, "under_study", reply="晚了", now=late.reply_due + DAY)
    late.refresh_from_db()
    assert sel.timeliness(late) == rules.Timeliness.LATE


def test_the_lifecycle_to_done_notifies_the_author_and_every_supporter(world):
    s = reached(world)
    reply(world, s, "under_study", reply="我们正在研究。", note="问过民政办")
    reply(world, s, "adopted", reply="采纳。", now=T0 + 4 * DAY)
    reply(
        world,
        s,
        "done",
        result_service="meal-delivery",
        result_url="/services/meal-delivery/",
        now=T0 + 5 * DAY,
    )
    s.refresh_from_db()
    assert s.status == "done"
    assert (s.result_service_id, s.result_url, s.reply) == (
        world.service.pk,
        "/services/meal-delivery/",
        "采纳。",
    )
    assert actions(s)[-6:] == [
        ("status", "received", "under_study", "public"),
        ("reply", "", "", "public"),
        ("note", "", "", "staff"),
        ("status", "under_study", "adopted", "public"),
        ("reply", "", "", "public"),
        ("status", "adopted", "done", "public"),
    ]
    people = {world.resident.username, "r0", "r1", "r2"}
    for template, key in [
        ("suggestion_reply", f"suggestion-reply:{s.pk}"),
        ("suggestion_status", f"suggestion-status:{s.pk}:adopted"),
        ("suggestion_status", f"suggestion-status:{s.pk}:done"),
    ]:
        got = Message.objects.filter(template=template, key=key)
        assert set(got.values_list("recipient__username", flat=True)) == people
        assert got.count() == 4


TABLE = [
    (old, new)
    for old in SuggestionStatus.values
    for new in SuggestionStatus.values
    if not rules.may_move(old, new)
]


def bring_to(world, s, status) -> None:
    path = {
        "received": [],
        "under_study": [("under_study", {"reply": "研究"})],
        "adopted": [("under_study", {"reply": "研究"}), ("adopted", {})],
        "not_adopted": [("under_study", {"reply": "研究"}), ("not_adopted", {"reason": "没钱"})],
        "done": [
            ("under_study", {"reply": "研究"}),
            ("adopted", {}),
            ("done", {"result_url": "/x/"}),
        ],
    }[status]
    for step, fields in path:
        reply(world, s, step, **fields)
    s.refresh_from_db()
    assert s.status == status


@pytest.mark.parametrize(("old", "new"), TABLE, ids=[f"{o}->{n}" for o, n in TABLE])
def test_each_illegal_transition_is_a_409_and_writes_nothing(world, old, new):
    s = reached(world)
    bring_to(world, s, old)
    refused(
        lambda: reply(world, s, new, reply="x", reason="y", result_url="/x/"),
        error=Conflict,
        errors=[(C.ILLEGAL_TRANSITION, "status")],
        suggestion=s,
    )


def test_not_adopted_needs_a_reason_done_needs_a_result_the_first_reply_a_text(world):
    s = reached(world)
    refused(
        lambda: reply(world, s, "under_study"), errors=[(C.REPLY_REQUIRED, "reply")], suggestion=s
    )
    bring_to(world, s, "under_study")
    refused(
        lambda: reply(world, s, "not_adopted", reply="不行"),
        errors=[(C.REASON_REQUIRED, "reason")],
        suggestion=s,
    )
    reply(world, s, "not_adopted", reason="县里今年没有这笔预算")
    assert SuggestionEvent.objects.filter(suggestion=s, new_status="not_adopted").get().note == (
        "县里今年没有这笔预算"
    )
    other = reached(world, at=T0 + 2 * DAY)
    bring_to(world, other, "adopted")
    refused(
        lambda: reply(world, other, "done"),
        errors=[(C.RESULT_REQUIRED, "result_service")],
        suggestion=other,
    )
    refused(
        lambda: reply(world, other, "done", result_url="https://evil.example/"),
        errors=[(C.RESULT_URL_INVALID, "result_url")],
        suggestion=other,
    )
    refused(
        lambda: reply(world, other, "done", result_service="nope"),
        errors=[(C.SERVICE_INVALID, "result_service")],
        suggestion=other,
    )
    refused(
        lambda: reply(world, other, "finished"),
        errors=[(C.STATUS_INVALID, "status")],
        suggestion=other,
    )


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("dispatcher_a", True),
        ("county_admin", True),
        ("dispatcher_b", False),
        ("grid_worker", False),
        ("resident", False),
        ("provider_staff", False),
    ],
)
def test_who_replies(world, who, may):
    s = reached(world)
    call = lambda: reply(world, s, "under_study", actor=getattr(world, who), reply="好")  # noqa: E731
    assert policy.can_reply(getattr(world, who), s) is may
    if may:
        call()
    else:
        refused(call, error=PermissionDenied, errors=[(Code.NOT_PERMITTED, None)], suggestion=s)


# --- overdue ----------------------------------------------------------------------------------


def test_the_overdue_sweep_marks_once_and_only_unreplied_past_due(world):
    s = reached(world)
    on_time = reached(world, at=T0 + DAY)
    reply(world, on_time, "under_study", reply="好")
    assert svc.suggestions_mark_overdue(now=s.reply_due) == 0
    after = s.reply_due + timezone.timedelta(seconds=1)
    assert svc.suggestions_mark_overdue(now=after) == 1
    assert svc.suggestions_mark_overdue(now=after + DAY) == 0
    s.refresh_from_db()
    assert s.overdue_at == after
    assert [a for a in actions(s) if a[0] == "overdue"] == [("overdue", "", "", "staff")]
    owed = list(sel.replies_owed(world.dispatcher_a))
    assert owed == [s]
    assert list(sel.replies_owed(world.dispatcher_b)) == []


# --- moderation -------------------------------------------------------------------------------


def test_n_distinct_reports_hide_it_pending_review_the_public_loses_it(world):
    s = post(world)
    reporters = residents(world, 3, village=world.village_b, prefix="rep")
    for i, who in enumerate(reporters[:2]):
        svc.suggestion_flag(actor=who, suggestion_id=s.pk, reason="广告", now=T0 + i * DAY)
    s.refresh_from_db()
    assert s.hidden_at is None
    assert list(sel.public_suggestions()) == [s]
    refused(
        lambda: svc.suggestion_flag(actor=reporters[0], suggestion_id=s.pk, reason="again"),
        error=Conflict,
        errors=[(C.ALREADY_REPORTED, None)],
        suggestion=s,
    )
    refused(
        lambda: svc.suggestion_flag(actor=reporters[2], suggestion_id=s.pk, reason=" "),
        errors=[(C.REASON_REQUIRED, "reason")],
    )
    svc.suggestion_flag(actor=reporters[2], suggestion_id=s.pk, reason="骗人", now=T0 + 3 * DAY)
    s.refresh_from_db()
    assert s.hidden_at == T0 + 3 * DAY and s.hidden_by_id is None
    told = Message.objects.get(template="suggestion_hidden")
    assert (told.recipient_id, told.params["title"]) == (world.resident.pk, "村里需要老年食堂")
    assert list(sel.public_suggestions()) == []
    assert policy.can_read_text(None, s) is False
    assert policy.can_read_text(world.resident2, s) is False
    assert policy.can_read_text(world.dispatcher_a, s) is True
    assert list(sel.moderation_queue(world.dispatcher_a)) == [s]
    assert list(sel.moderation_queue(world.dispatcher_b)) == []
    # the public reads the hiding, not the reports
    public = [e.action for e in sel.history_for(None, s)]
    assert public == ["post", "hide"]
    staff = [e.action for e in sel.history_for(world.dispatcher_a, s)]
    assert staff == ["post", "flag", "flag", "flag", "hide"]
    # the moderator reviews: keeps it hidden with a reason of their own
    svc.suggestion_hide(
        actor=world.dispatcher_a, suggestion_id=s.pk, reason="广告", now=T0 + 4 * DAY
    )
    s.refresh_from_db()
    assert (s.hidden_by_id, s.hidden_reason) == (world.dispatcher_a.pk, "广告")
    assert Message.objects.filter(template="suggestion_hidden").count() == 2
    # a fourth report does not hide it again
    (late,) = residents(world, 1, village=world.village_b, prefix="late")
    svc.suggestion_flag(actor=late, suggestion_id=s.pk, reason="广告", now=T0 + 5 * DAY)
    assert [e.action for e in sel.history_for(None, s)] == ["post", "hide", "hide"]


def test_a_moderator_hides_with_a_reason_shows_again_and_the_text_is_kept(world):
    s = post(world)
    refused(
        lambda: svc.suggestion_hide(actor=world.dispatcher_b, suggestion_id=s.pk, reason="x"),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
        suggestion=s,
    )
    refused(
        lambda: svc.suggestion_hide(actor=world.dispatcher_a, suggestion_id=s.pk, reason=""),
        errors=[(C.REASON_REQUIRED, "reason")],
        suggestion=s,
    )
    svc.suggestion_hide(actor=world.dispatcher_a, suggestion_id=s.pk, reason="广告", now=T0 + DAY)
    s.refresh_from_db()
    assert (s.hidden_at, s.hidden_by_id, s.hidden_reason) == (
        T0 + DAY,
        world.dispatcher_a.pk,
        "广告",
    )
    assert (s.title, s.body) == ("村里需要老年食堂", "老人吃饭难，希望在村委会旁边办一个老年食堂。")
    told = Message.objects.get(template="suggestion_hidden")
    assert (told.recipient_id, told.params) == (
        world.resident.pk,
        {"title": "村里需要老年食堂", "reason": "广告"},
    )
    refused(
        lambda: svc.suggestion_hide(actor=world.county_admin, suggestion_id=s.pk, reason="y"),
        error=Conflict,
        errors=[(C.ALREADY_HIDDEN, None)],
        suggestion=s,
    )
    (supporter,) = residents(world, 1)
    refused(
        lambda: svc.suggestion_support(actor=supporter, suggestion_id=s.pk),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
        suggestion=s,
    )
    svc.suggestion_unhide(actor=world.county_admin, suggestion_id=s.pk, now=T0 + 2 * DAY)
    s.refresh_from_db()
    assert (s.hidden_at, s.hidden_reason) == (None, "")
    refused(
        lambda: svc.suggestion_unhide(actor=world.county_admin, suggestion_id=s.pk),
        error=Conflict,
        errors=[(C.NOT_HIDDEN, None)],
        suggestion=s,
    )
    assert [a for a, *_ in actions(s)] == ["post", "hide", "unhide"]
    hide = SuggestionEvent.objects.get(suggestion=s, action="hide")
    assert (hide.note, hide.actor_id, hide.audience) == ("广告", world.dispatcher_a.pk, "public")


def test_a_banned_person_cannot_post_support_or_report_until_lifted(world):
    s = post(world)
    spam = post(world, actor=world.resident2, place="V2", title="加微信赚钱")
    refused(
        lambda: svc.author_ban(actor=world.dispatcher_a, suggestion_id=spam.pk, reason="spam"),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
    )
    ban = svc.author_ban(
        actor=world.dispatcher_b, suggestion_id=spam.pk, reason="反复发广告", now=T0
    )
    assert (ban.user_id, ban.created_by_id, ban.reason) == (
        world.resident2.pk,
        world.dispatcher_b.pk,
        "反复发广告",
    )
    refused(
        lambda: svc.author_ban(actor=world.county_admin, suggestion_id=spam.pk, reason="again"),
        error=Conflict,
        errors=[(C.ALREADY_BANNED, None)],
    )
    banned = world.resident2
    policy.forget_ban(banned)
    for call in (
        lambda: post(world, actor=banned, place="V2"),
        lambda: svc.suggestion_support(actor=banned, suggestion_id=s.pk),
        lambda: svc.suggestion_flag(actor=banned, suggestion_id=s.pk, reason="x"),
    ):
        refused(call, error=PermissionDenied, errors=[(C.BANNED, None)])
    refused(
        lambda: svc.ban_lift(actor=world.dispatcher_a, ban_id=ban.pk),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
    )
    svc.ban_lift(actor=world.county_admin, ban_id=ban.pk, now=T0 + DAY)
    refused(
        lambda: svc.ban_lift(actor=world.county_admin, ban_id=ban.pk),
        error=Conflict,
        errors=[(C.BAN_LIFTED, None)],
    )
    refused(
        lambda: svc.ban_lift(actor=world.county_admin, ban_id="\x00"),
        error=NotFound,
        errors=[(C.BAN_NOT_FOUND, "ban")],
    )
    policy.forget_ban(banned)
    svc.suggestion_flag(actor=banned, suggestion_id=s.pk, reason="重复")
    assert Flag.objects.count() == 1
    assert Ban.objects.get().lifted_at == T0 + DAY
    assert SuggestionEvent.objects.filter(suggestion=spam, action="ban").get().audience == "staff"


def test_a_second_county_admin_is_told_once_per_suggestion(world):
    make_user(Role.COUNTY_ADMIN, world.county, username="admin2")
    s = reached(world)
    owed = Message.objects.filter(template="suggestion_reply_owed", key=f"suggestion-owed:{s.pk}")
    assert sorted(owed.values_list("recipient__username", flat=True)) == [
        "admin",
        "admin2",
        "disp_a",
    ]
