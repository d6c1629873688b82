"""Helpers for the activities tests: an activity brought to a state through the services,
a snapshot of everything a refused call must leave as it was, and exact refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.core.errors import DomainError
from minsheng.facilities.models import Activity, ActivityRating, Signup
from minsheng.facilities.services import activities as svc
from minsheng.notify.models import Message

HOUR = timedelta(hours=1)


def soon() -> datetime:
    """A week from now, on the hour (the pages use the real clock)."""
    return (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)


def data(**fields: Any) -> svc.ActivityInput:
    starts = fields.pop("starts", None) or soon()
    values: dict[str, Any] = {
        "title": "露天电影《我和我的家乡》",
        "kind": "film-night",
        "village": "V1",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + 2 * HOUR).isoformat(),
    }
    values.update(fields)
    return svc.ActivityInput(**values)


def make_activity(
    world: Any,
    *,
    actor: Any = None,
    status: str = "draft",
    now: datetime | None = None,
    **fields: Any,
) -> Activity:
    """An activity created by T1's dispatcher (unless told), brought to ``status`` (draft,
    announced) through the services, at ``now`` (the real clock unless told)."""
    actor = actor or world.dispatcher_a
    activity = svc.activity_create(actor=actor, data=data(**fields), now=now)
    if status in ("announced",):
        svc.activity_announce(actor=actor, activity_id=activity.pk, now=now)
    activity.refresh_from_db()
    return activity


def held_activity(
    world: Any,
    *,
    signups: list[Any] = (),  # type: ignore[assignment]
    attended: list[Any] = (),  # type: ignore[assignment]
    attendance: int = 10,
    starts: datetime,
    **fields: Any,
) -> Activity:
    """An activity announced a day before ``starts``, signed up for by ``signups``, then
    held with ``attendance`` people (``attended`` of those signed up), all in the past."""
    before = starts - timedelta(days=1)
    activity = make_activity(world, status="announced", now=before, starts=starts, **fields)
    by_user = {}
    for user in signups:
        by_user[user.pk] = svc.signup_create(actor=user, activity_id=activity.pk, now=before)
    after = starts + HOUR
    svc.activity_record_attendance(
        actor=world.dispatcher_a,
        activity_id=activity.pk,
        total=attendance,
        attended=[by_user[u.pk].pk for u in attended],
        now=after,
    )
    svc.activity_mark_held(actor=world.dispatcher_a, activity_id=activity.pk, now=after)
    activity.refresh_from_db()
    return activity


def snapshot(activity: Activity | None = None) -> dict[str, Any]:
    snap: dict[str, Any] = {
        "activities": Activity.objects.count(),
        "signups": list(Signup.objects.order_by("pk").values()),
        "ratings": ActivityRating.objects.count(),
        "messages": Message.objects.count(),
    }
    if activity is not None:
        snap["row"] = Activity.objects.filter(pk=activity.pk).values().get()
    return snap


def refused(
    call: Callable[[], object],
    *,
    error: type[DomainError] = DomainError,
    errors: list[tuple[str, str | None]],
    activity: Activity | None = None,
) -> DomainError:
    """Assert ``call`` raises exactly ``error`` with these (code, field) pairs, and that
    nothing was written."""
    before = snapshot(activity)
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot(activity) == before
    return info.value
