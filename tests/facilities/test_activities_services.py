"""The activity lifecycle (draft → announced → held, or cancelled), sign-up, attendance and
ratings through the services: each refusal exact, with nothing written; the notifications
go to exactly the village's residents (announced) or those signed up (cancelled)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation

from minsheng.accounts.models import Role
from minsheng.core.errors import Code, Conflict, NotFound, PermissionDenied
from minsheng.facilities.errors import ActivityCode as AC
from minsheng.facilities.models import Activity, ActivityRating, ActivityStatus, Kind, Signup
from minsheng.facilities.services import activities as svc
from minsheng.notify.models import Message
from minsheng.notify.wording import body, title
from tests.facilities.activities_helpers import (
    HOUR,
    data,
    held_activity,
    make_activity,
    refused,
)
from tests.facilities.factories import make_facility
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=TZ)
START = datetime(2026, 6, 6, 19, 0, tzinfo=TZ)


def announced(world, **fields):
    return make_activity(world, status="announced", now=NOW, starts=START, **fields)


# --- create -----------------------------------------------------------------------------------


def test_dispatcher_creates_a_draft_in_a_village_of_their_township(world):
    station = make_facility(world.town_a, Kind.CULTURAL)
    a = svc.activity_create(
        actor=world.dispatcher_a,
        data=data(
            starts=START,
            facility=str(station.pk),
            capacity="40",
            custom="赶集日放映",
            description="露天放映，自带板凳。",
        ),
        now=NOW,
    )
    a.refresh_from_db()
    assert (a.status, a.village_id, a.township_id, a.facility_id) == (
        ActivityStatus.DRAFT,
        world.village_a.pk,
        world.town_a.pk,
        station.pk,
    )
    assert (a.kind.code, a.capacity, a.custom, a.created_by_id) == (
        "film-night",
        40,
        "赶集日放映",
        world.dispatcher_a.pk,
    )
    assert (a.starts_at, a.ends_at, a.created_at, a.announced_at) == (
        START,
        START + 2 * HOUR,
        NOW,
        None,
    )


def test_a_keeper_creates_at_their_facility(world):
    librarian = make_user(Role.RESIDENT, world.village_a, username="librarian")
    shop = make_facility(world.village_a, Kind.BOOKSHOP, keepers=[librarian])
    a = svc.activity_create(
        actor=librarian,
        data=data(starts=START, kind="reading-club", facility=str(shop.pk)),
        now=NOW,
    )
    assert (a.facility_id, a.kind.code) == (shop.pk, "reading-club")


def test_a_keeper_without_their_facility_is_refused(world):
    librarian = make_user(Role.RESIDENT, world.village_a, username="librarian")
    make_facility(world.village_a, Kind.BOOKSHOP, keepers=[librarian])
    refused(
        lambda: svc.activity_create(actor=librarian, data=data(starts=START), now=NOW),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
    )


def test_another_townships_dispatcher_is_refused(world):
    refused(
        lambda: svc.activity_create(actor=world.dispatcher_b, data=data(starts=START), now=NOW),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
    )


@pytest.mark.parametrize("who", ["resident", "grid_worker", "provider_staff"])
def test_people_without_a_console_are_refused(world, who):
    refused(
        lambda: svc.activity_create(actor=getattr(world, who), data=data(starts=START), now=NOW),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
    )


def test_every_bad_field_is_named_at_once(world):
    elsewhere = make_facility(world.village_b, Kind.CULTURAL)
    refused(
        lambda: svc.activity_create(
            actor=world.dispatcher_a,
            data=svc.ActivityInput(
                title="",
                kind="ballet",
                village="T1",
                facility=str(elsewhere.pk),
                starts_at="2026-06-06T19:00:00+08:00",
                ends_at="2026-06-06T18:00:00+08:00",
                capacity="0",
            ),
            now=NOW,
        ),
        errors=[
            (Code.REQUIRED, "title"),
            (AC.KIND_INVALID, "kind"),
            (AC.VILLAGE_INVALID, "village"),
            (AC.ENDS_BEFORE_START, "ends_at"),
            (Code.INVALID, "capacity"),
        ],
    )


def test_a_facility_outside_the_village_and_its_township_is_refused(world):
    elsewhere = make_facility(world.village_b, Kind.CULTURAL)
    refused(
        lambda: svc.activity_create(
            actor=world.county_admin,
            data=data(starts=START, facility=str(elsewhere.pk)),
            now=NOW,
        ),
        errors=[(AC.FACILITY_INVALID, "facility")],
    )


def test_a_start_in_the_past_and_a_bad_date_are_refused(world):
    refused(
        lambda: svc.activity_create(
            actor=world.dispatcher_a,
            data=data(starts=NOW - HOUR, ends_at="tomorrow"),
            now=NOW,
        ),
        errors=[(Code.NOT_DATETIME, "ends_at"), (AC.STARTS_IN_PAST, "starts_at")],
    )


# --- announce ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_announce_notifies_every_resident_of_the_village_once_after_commit(
    world, django_capture_on_commit_callbacks
):
    neighbour = make_user(Role.RESIDENT, world.village_a, username="neighbour")
    make_user(Role.RESIDENT, world.village_a, username="gone", is_active=False)
    a = make_activity(world, now=NOW, starts=START)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        svc.activity_announce(actor=world.dispatcher_a, activity_id=a.pk, now=NOW)
        assert Message.objects.count() == 0  # nothing sent inside the transaction
    assert len(callbacks) == 1  # one task for all recipients
    a.refresh_from_db()
    assert (a.status, a.announced_at) == (ActivityStatus.ANNOUNCED, NOW)
    sent = Message.objects.filter(key=f"activity_announced:{a.pk}").order_by("recipient_id")
    assert [m.recipient_id for m in sent] == [world.resident.pk, neighbour.pk]
    m = sent[0]
    assert (m.template, m.link, m.about) == (
        "activity_announced",
        f"/activities/{a.pk}/",
        f"activity:{a.pk}",
    )
    assert m.params == {
        "title": "露天电影《我和我的家乡》",
        "village": "甲村",
        "when": "2026-06-06 19:00",
        "link": f"{settings.MINSHENG_SITE_URL}/activities/{a.pk}/",
        "reason": "",
    }
    with translation.override("en"):
        assert title(m.template, m.params) == "A new activity in your village"
    with translation.override("zh-hans"):  # the site is Chinese first
        assert title(m.template, m.params) == "本村有新活动"
    assert body(m.template, m.params) == (
        '"露天电影《我和我的家乡》" in 甲村, 2026-06-06 19:00: sign up on Minsheng: '
        f"{settings.MINSHENG_SITE_URL}/activities/{a.pk}/"
    )
    # run again (a redelivered task): nobody is told twice
    assert (
        svc.activity_notify(
            activity_id=a.pk,
            template="activity_announced",
            recipients=[world.resident.pk, neighbour.pk],
        )
        == 0
    )
    assert Message.objects.count() == 2


def test_announcing_twice_or_after_the_start_is_refused(world):
    a = announced(world)
    refused(
        lambda: svc.activity_announce(actor=world.dispatcher_a, activity_id=a.pk, now=NOW),
        error=Conflict,
        errors=[(AC.BAD_TRANSITION, "status")],
        activity=a,
    )
    draft = make_activity(world, now=NOW, starts=START)
    refused(
        lambda: svc.activity_announce(
            actor=world.dispatcher_a, activity_id=draft.pk, now=START + HOUR
        ),
        error=Conflict,
        errors=[(AC.ALREADY_STARTED, "starts_at")],
        activity=draft,
    )


def test_others_may_not_announce_and_a_draft_is_hidden_from_residents(world):
    a = make_activity(world, now=NOW, starts=START)
    refused(
        lambda: svc.activity_announce(actor=world.dispatcher_b, activity_id=a.pk, now=NOW),
        error=NotFound,
        errors=[(AC.ACTIVITY_NOT_FOUND, "activity")],
        activity=a,
    )
    refused(
        lambda: svc.signup_create(actor=world.resident, activity_id=a.pk, now=NOW),
        error=NotFound,
        errors=[(AC.ACTIVITY_NOT_FOUND, "activity")],
        activity=a,
    )
    b = announced(world)
    refused(
        lambda: svc.activity_cancel(
            actor=world.dispatcher_b, activity_id=b.pk, reason="雨", now=NOW
        ),
        error=PermissionDenied,
        errors=[(Code.NOT_PERMITTED, None)],
        activity=b,
    )


def test_an_unknown_activity_is_not_found(world):
    for pk in ("999999", "abc", None):
        refused(
            lambda pk=pk: svc.activity_announce(actor=world.dispatcher_a, activity_id=pk),
            error=NotFound,
            errors=[(AC.ACTIVITY_NOT_FOUND, "activity")],
        )


# --- update -----------------------------------------------------------------------------------


def test_update_changes_an_announced_activity_but_not_below_its_signups(world):
    a = announced(world, capacity="5")
    svc.signup_create(actor=world.resident, activity_id=a.pk, now=NOW)
    svc.signup_create(actor=world.resident2, activity_id=a.pk, now=NOW)
    refused(
        lambda: svc.activity_update(
            actor=world.dispatcher_a,
            activity_id=a.pk,
            data=data(starts=START, capacity="1"),
            now=NOW,
        ),
        errors=[(AC.CAPACITY_BELOW_SIGNUPS, "capacity")],
        activity=a,
    )
    svc.activity_update(
        actor=world.dispatcher_a,
        activity_id=a.pk,
        data=data(starts=START + HOUR, capacity="2", title="露天电影（改时间）"),
        now=NOW,
    )
    a.refresh_from_db()
    assert (a.title, a.capacity, a.starts_at, a.status) == (
        "露天电影（改时间）",
        2,
        START + HOUR,
        ActivityStatus.ANNOUNCED,
    )


def test_a_held_activity_cannot_be_changed(world):
    a = held_activity(world, starts=START)
    refused(
        lambda: svc.activity_update(
            actor=world.dispatcher_a, activity_id=a.pk, data=data(starts=START), now=NOW
        ),
        error=Conflict,
        errors=[(AC.NOT_EDITABLE, None)],
        activity=a,
    )


# --- sign-up ----------------------------------------------------------------------------------


def test_residents_sign_up_once_within_the_places(world):
    a = announced(world, capacity="2")
    third = make_user(Role.RESIDENT, world.village_a, username="third")
    s = svc.signup_create(actor=world.resident, activity_id=a.pk, now=NOW)
    assert (s.activity_id, s.user_id, s.attended, s.created_at) == (
        a.pk,
        world.resident.pk,
        None,
        NOW,
    )
    refused(
        lambda: svc.signup_create(actor=world.resident, activity_id=a.pk, now=NOW),
        error=Conflict,
        errors=[(AC.ALREADY_SIGNED_UP, None)],
        activity=a,
    )
    svc.signup_create(actor=world.resident2, activity_id=a.pk, now=NOW)  # from another village
    refused(
        lambda: svc.signup_create(actor=third, activity_id=a.pk, now=NOW),
        error=Conflict,
        errors=[(AC.FULL, None)],
        activity=a,
    )
    assert Signup.objects.filter(activity=a).count() == 2


@pytest.mark.parametrize("who", ["dispatcher_a", "grid_worker", "provider_staff"])
def test_only_residents_sign_up(world, who):
    a = announced(world)
    refused(
        lambda: svc.signup_create(actor=getattr(world, who), activity_id=a.pk, now=NOW),
        error=PermissionDenied,
        errors=[(AC.NOT_RESIDENT, None)],
        activity=a,
    )


def test_no_sign_up_after_the_start_or_when_cancelled(world):
    a = announced(world)
    refused(
        lambda: svc.signup_create(actor=world.resident, activity_id=a.pk, now=START),
        error=Conflict,
        errors=[(AC.ALREADY_STARTED, None)],
        activity=a,
    )
    svc.activity_cancel(actor=world.dispatcher_a, activity_id=a.pk, reason="暴雨", now=NOW)
    refused(
        lambda: svc.signup_create(actor=world.resident, activity_id=a.pk, now=NOW),
        error=Conflict,
        errors=[(AC.BAD_TRANSITION, None)],
        activity=a,
    )


def test_withdraw_before_the_start_only(world):
    a = announced(world)
    svc.signup_create(actor=world.resident, activity_id=a.pk, now=NOW)
    refused(
        lambda: svc.signup_withdraw(actor=world.resident, activity_id=a.pk, now=START),
        error=Conflict,
        errors=[(AC.ALREADY_STARTED, None)],
        activity=a,
    )
    svc.signup_withdraw(actor=world.resident, activity_id=a.pk, now=NOW)
    assert not Signup.objects.filter(activity=a).exists()
    refused(
        lambda: svc.signup_withdraw(actor=world.resident, activity_id=a.pk, now=NOW),
        error=Conflict,
        errors=[(AC.NOT_SIGNED_UP, None)],
        activity=a,
    )


def test_anonymous_is_asked_to_log_in(world):
    from django.contrib.auth.models import AnonymousUser

    a = announced(world)
    refused(
        lambda: svc.signup_create(actor=AnonymousUser(), activity_id=a.pk, now=NOW),
        error=PermissionDenied,
        errors=[(Code.LOGIN_REQUIRED, None)],
        activity=a,
    )


# --- cancel -----------------------------------------------------------------------------------


def test_cancel_tells_exactly_those_signed_up(world, django_capture_on_commit_callbacks):
    neighbour = make_user(Role.RESIDENT, world.village_a, username="neighbour")
    a = announced(world)
    svc.signup_create(actor=world.resident2, activity_id=a.pk, now=NOW)
    refused(
        lambda: svc.activity_cancel(actor=world.dispatcher_a, activity_id=a.pk, reason=" "),
        errors=[(Code.REQUIRED, "reason")],
        activity=a,
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        svc.activity_cancel(actor=world.dispatcher_a, activity_id=a.pk, reason="暴雨", now=NOW)
    assert len(callbacks) == 1
    a.refresh_from_db()
    assert (a.status, a.cancelled_at, a.cancel_reason) == (ActivityStatus.CANCELLED, NOW, "暴雨")
    sent = Message.objects.filter(template="activity_cancelled")
    assert [m.recipient_id for m in sent] == [world.resident2.pk]
    assert sent[0].params["reason"] == "暴雨"
    assert not Message.objects.filter(recipient=neighbour).exists()
    refused(
        lambda: svc.activity_cancel(actor=world.dispatcher_a, activity_id=a.pk, reason="再次"),
        error=Conflict,
        errors=[(AC.BAD_TRANSITION, "status")],
        activity=a,
    )


def test_cancelling_a_draft_sends_nothing(world, django_capture_on_commit_callbacks):
    a = make_activity(world, now=NOW, starts=START)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        svc.activity_cancel(actor=world.dispatcher_a, activity_id=a.pk, reason="改期", now=NOW)
    assert callbacks == []
    assert Message.objects.count() == 0


# --- attendance and held ----------------------------------------------------------------------


def test_attendance_then_held(world):
    a = announced(world)
    s1 = svc.signup_create(actor=world.resident, activity_id=a.pk, now=NOW)
    s2 = svc.signup_create(actor=world.resident2, activity_id=a.pk, now=NOW)
    after = START + HOUR
    refused(
        lambda: svc.activity_mark_held(actor=world.dispatcher_a, activity_id=a.pk, now=after),
        error=Conflict,
        errors=[(AC.ATTENDANCE_MISSING, "attendance")],
        activity=a,
    )
    refused(
        lambda: svc.activity_record_attendance(
            actor=world.dispatcher_a, activity_id=a.pk, total=30, attended=[s1.pk], now=NOW
        ),
        error=Conflict,
        errors=[(AC.NOT_STARTED, None)],
        activity=a,
    )
    refused(
        lambda: svc.activity_record_attendance(
            actor=world.dispatcher_a,
            activity_id=a.pk,
            total=1,
            attended=[s1.pk, s2.pk],
            now=after,
        ),
        errors=[(AC.ATTENDANCE_BELOW_SIGNUPS, "attendance")],
        activity=a,
    )
    refused(
        lambda: svc.activity_record_attendance(
            actor=world.dispatcher_a, activity_id=a.pk, total="-3", attended=[], now=after
        ),
        errors=[(Code.INVALID, "attendance")],
        activity=a,
    )
    refused(
        lambda: svc.activity_record_attendance(
            actor=world.dispatcher_a, activity_id=a.pk, total=30, attended=["999999"], now=after
        ),
        errors=[(AC.SIGNUP_INVALID, "attended")],
        activity=a,
    )
    svc.activity_record_attendance(
        actor=world.dispatcher_a, activity_id=a.pk, total="30", attended=[str(s1.pk)], now=after
    )
    svc.activity_mark_held(actor=world.dispatcher_a, activity_id=a.pk, now=after)
    a.refresh_from_db()
    assert (a.status, a.attendance) == (ActivityStatus.HELD, 30)
    assert dict(Signup.objects.filter(activity=a).values_list("user_id", "attended")) == {
        world.resident.pk: True,
        world.resident2.pk: False,
    }
    refused(
        lambda: svc.activity_mark_held(actor=world.dispatcher_a, activity_id=a.pk, now=after),
        error=Conflict,
        errors=[(AC.BAD_TRANSITION, "status")],
        activity=a,
    )


def test_held_before_the_start_is_refused(world):
    a = announced(world)
    refused(
        lambda: svc.activity_mark_held(actor=world.dispatcher_a, activity_id=a.pk, now=NOW),
        error=Conflict,
        errors=[(AC.NOT_STARTED, None)],
        activity=a,
    )


# --- ratings ----------------------------------------------------------------------------------


def test_rate_once_by_those_signed_up_after_it_is_held(world):
    a = announced(world)
    svc.signup_create(actor=world.resident, activity_id=a.pk, now=NOW)
    refused(
        lambda: svc.activity_rate(actor=world.resident, activity_id=a.pk, score=5, now=NOW),
        error=Conflict,
        errors=[(AC.NOT_HELD, None)],
        activity=a,
    )
    after = START + HOUR
    svc.activity_record_attendance(
        actor=world.dispatcher_a, activity_id=a.pk, total=12, attended=[], now=after
    )
    svc.activity_mark_held(actor=world.dispatcher_a, activity_id=a.pk, now=after)
    refused(
        lambda: svc.activity_rate(actor=world.resident2, activity_id=a.pk, score=4, now=after),
        error=PermissionDenied,
        errors=[(AC.MAY_NOT_RATE, None)],
        activity=a,
    )
    refused(
        lambda: svc.activity_rate(
            actor=world.resident, activity_id=a.pk, score="6", comment="x" * 501, now=after
        ),
        errors=[(Code.INVALID, "score"), (Code.TOO_LONG, "comment")],
        activity=a,
    )
    r = svc.activity_rate(
        actor=world.resident, activity_id=a.pk, score="5", comment="好看！", now=after
    )
    assert (r.activity_id, r.user_id, r.score, r.comment, r.created_at) == (
        a.pk,
        world.resident.pk,
        5,
        "好看！",
        after,
    )
    refused(
        lambda: svc.activity_rate(actor=world.resident, activity_id=a.pk, score=1, now=after),
        error=Conflict,
        errors=[(AC.ALREADY_RATED, None)],
        activity=a,
    )
    assert ActivityRating.objects.count() == 1


def test_the_transition_table():
    S = ActivityStatus
    assert {
        S.DRAFT: frozenset({S.ANNOUNCED, S.CANCELLED}),
        S.ANNOUNCED: frozenset({S.HELD, S.CANCELLED}),
        S.HELD: frozenset(),
        S.CANCELLED: frozenset(),
    } == svc.TRANSITIONS


def test_the_database_refuses_an_end_before_the_start(world):
    from django.db import IntegrityError, transaction

    a = make_activity(world, now=NOW, starts=START)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=a.pk).update(ends_at=a.starts_at - timedelta(minutes=1))


def test_upcoming_at_facilities_for_the_portal(world):
    from minsheng.facilities.selectors.activities import upcoming_at_facilities

    station = make_facility(world.town_a, Kind.CULTURAL)
    empty = make_facility(world.village_a, Kind.BOOKSHOP)
    later = announced(world, facility=str(station.pk), title="后一场")
    sooner = make_activity(
        world, status="announced", now=NOW, starts=START - HOUR * 24, facility=str(station.pk)
    )
    make_activity(world, now=NOW, starts=START, facility=str(station.pk))  # a draft
    found = upcoming_at_facilities([station.pk, empty.pk], now=NOW)
    assert found == {station.pk: [sooner, later], empty.pk: []}
    assert upcoming_at_facilities([station.pk], now=NOW, per_facility=1) == {station.pk: [sooner]}
    assert upcoming_at_facilities([station.pk], now=START + 3 * HOUR) == {station.pk: []}
