"""Helpers for the suggestions tests: a suggestion in T1 at ``T0``, residents of each
township to support it, a snapshot of everything a refused call must leave untouched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from minsheng.accounts.models import Role
from minsheng.core.errors import DomainError
from minsheng.notify.models import Message
from minsheng.voice.models import Ban, Flag, Suggestion, SuggestionEvent, Support
from minsheng.voice.services import suggestions as svc
from tests.factories import make_user
from tests.helpers import T0

DAY = timedelta(days=1)


def post(world: Any, *, actor: Any = None, now: datetime = T0, **fields: Any) -> Suggestion:
    data = {
        "kind": "new_service",
        "title": "村里需要老年食堂",
        "body": "老人吃饭难，希望在村委会旁边办一个老年食堂。",
        "place": "V1",
        "area": "",
        **fields,
    }
    return svc.suggestion_post(
        actor=actor or world.resident, data=svc.SuggestionInput(**data), now=now
    )


def residents(world: Any, n: int, *, village: Any = None, prefix: str = "r") -> list[Any]:
    """``n`` residents of ``village`` (V1): ``r0``, ``r1``…, or ``r0-2``… when taken."""
    region = village or world.village_a
    taken = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    suffix = "" if f"{prefix}0" not in taken else f"-{len(taken)}"
    return [make_user(Role.RESIDENT, region, username=f"{prefix}{i}{suffix}") for i in range(n)]


def support_by(people: list[Any], suggestion: Suggestion, *, now: datetime) -> None:
    for person in people:
        svc.suggestion_support(actor=person, suggestion_id=suggestion.pk, now=now)


def snapshot(suggestion: Suggestion | None = None) -> dict[str, Any]:
    snap: dict[str, Any] = {
        "suggestions": Suggestion.objects.count(),
        "events": SuggestionEvent.objects.count(),
        "supports": Support.objects.count(),
        "flags": Flag.objects.count(),
        "bans": list(Ban.objects.values_list("pk", "lifted_at")),
        "messages": Message.objects.count(),
    }
    if suggestion is not None:
        snap["row"] = Suggestion.objects.filter(pk=suggestion.pk).values().get()
    return snap


def refused(
    call: Callable[[], object],
    *,
    error: type[DomainError] = DomainError,
    errors: list[tuple[str, str | None]],
    suggestion: Suggestion | None = None,
) -> DomainError:
    """``call`` raises exactly ``error`` with these (code, field) pairs; nothing written."""
    before = snapshot(suggestion)
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot(suggestion) == before
    return info.value
