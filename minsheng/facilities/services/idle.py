"""Writes of the idle part (issue 10, part 4): the nightly detection, and a flag's follow-up
(closed only with the action taken; reassigned to another owner or deadline), and the
survey questions that measure awareness.

``facility_idle_detect`` runs from the ``facilities_idle`` command and the nightly task, never
in a request. It reads every input (``selectors.idle``), assesses them (``idleness``, pure),
then in one transaction locks the open flags: a facility newly idle gets a flag (owner:
``selectors.idle.owners_for``; due ``as_of`` + ``MINSHENG_IDLE_FOLLOWUP_DAYS``), a FLAGGED
event and a notification to the owner (sent after commit); an open flag of a facility still
idle has its figures and causes refreshed (the database allows one open flag per facility);
closed flags stay as history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import (
    Code,
    Conflict,
    DomainError,
    ErrorDetail,
    NotFound,
    PermissionDenied,
)
from minsheng.core.inputs import Invalid, read_id, read_text
from minsheng.notify.services import notification_send
from minsheng.orders.models import Audience
from minsheng.voice.models import Choice

from .. import idleness
from ..errors import IdleCode
from ..models import (
    AwarenessQuestion,
    Cause,
    Facility,
    FacilityAction,
    FacilityEvent,
    FlagStatus,
    IdleFlag,
    Kind,
)
from ..models.register import INFRASTRUCTURE
from ..policy import idle as policy
from ..selectors import idle as sel

ACTION_MAX = 2000


def link_of(flag: IdleFlag) -> str:
    return reverse("staff_idle_flag", args=[flag.pk])


def _cause_names(causes: list[dict[str, Any]]) -> str:
    names = []
    for c in causes:
        code = c.get("code")
        names.append(str(Cause(code).label) if code in Cause.values else str(code))
    return "; ".join(names) or str(_("low use"))


def _event(facility_id: int, action: str, *, actor: Actor, note: str, at: datetime) -> None:
    FacilityEvent.objects.create(
        facility_id=facility_id,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        audience=Audience.STAFF,
        created_at=at,
    )


def _notify_owner(
    flag: IdleFlag, facility: Facility, owner: User, *, at: datetime, key: str
) -> None:
    notification_send(
        recipient=owner,
        key=key,
        template="facility_idle",
        params={
            "facility": facility.name_zh,
            "place": facility.region.name_zh,
            "causes": _cause_names(flag.causes),
            "due": flag.due_on.isoformat(),
            "link": f"{settings.MINSHENG_SITE_URL}{link_of(flag)}",
        },
        link=link_of(flag),
        about=f"idle-flag:{flag.pk}",
        now=at,
    )


# --- the detection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DetectSummary:
    as_of: date
    assessed: int
    idle: int
    flagged: int  # new flags
    refreshed: int  # open flags brought up to date
    flagged_ids: tuple[int, ...] = ()


def _figures(a: idleness.Assessment) -> dict[str, Any]:
    return {
        "use_per_resident": a.per_resident,
        "peer_median": a.peer_median,
        "peer_count": a.peer_count,
        "trend": a.trend,
        "causes": [c.as_json() for c in a.causes],
    }


def facility_idle_detect(
    *, as_of: date, now: datetime | None = None, notify: bool = True
) -> DetectSummary:
    """Assess every facility on ``as_of`` and open or refresh the flags (module docstring).
    A day in the future is refused: its use is not known yet. ``notify`` False: no message
    to the owners (the demo's seeding)."""
    now = now or timezone.now()
    if as_of > timezone.localdate(now):
        raise DomainError.single(
            IdleCode.AS_OF_FUTURE, _("The day of the assessment cannot be in the future."), "as_of"
        )
    facilities, inputs = sel.idleness_inputs(as_of)
    assessments = idleness.assess(
        inputs,
        fraction=settings.MINSHENG_IDLE_FRACTION,
        drop=settings.MINSHENG_IDLE_TREND_DROP,
    )
    by_pk = {f.pk: f for f in facilities}
    idle = [a for a in assessments if a.idle]
    due = as_of + timedelta(days=settings.MINSHENG_IDLE_FOLLOWUP_DAYS)
    idle_ids = [a.id for a in idle]
    with transaction.atomic():
        # Lock the idle facilities' rows (in one order) before reading their open flags: a
        # second run at the same time waits here, then finds the flags this one opened and
        # refreshes them instead of adding (the constraint would refuse a second anyway).
        list(
            Facility.objects.select_for_update().filter(pk__in=idle_ids).order_by("pk").values("pk")
        )
        open_flags = {
            flag.facility_id: flag
            for flag in IdleFlag.objects.filter(facility_id__in=idle_ids, status=FlagStatus.OPEN)
        }
        fresh: list[IdleFlag] = []
        for a in idle:
            values = _figures(a)
            flag = open_flags.get(a.id)
            if flag is None:
                fresh.append(
                    IdleFlag(
                        facility_id=a.id, computed_on=as_of, due_on=due, created_at=now, **values
                    )
                )
                continue
            flag.computed_on = as_of
            for name, value in values.items():
                setattr(flag, name, value)
        refreshed = list(open_flags.values())
        IdleFlag.objects.bulk_update(
            refreshed,
            ["computed_on", "use_per_resident", "peer_median", "peer_count", "trend", "causes"],
            batch_size=500,
        )
        owners = sel.owners_for([by_pk[f.facility_id] for f in fresh])
        for f in fresh:
            f.owner_id = owners.get(f.facility_id)
        created = IdleFlag.objects.bulk_create(fresh, batch_size=500)
        FacilityEvent.objects.bulk_create(
            [
                FacilityEvent(
                    facility_id=f.facility_id,
                    action=FacilityAction.FLAGGED,
                    note=str(_("Flagged idle: %(causes)s.") % {"causes": _cause_names(f.causes)}),
                    audience=Audience.STAFF,
                    created_at=now,
                )
                for f in created
            ],
            batch_size=500,
        )
        if notify:
            people = get_user_model().objects.in_bulk([f.owner_id for f in created if f.owner_id])
            for f in created:
                if f.owner_id is not None:
                    _notify_owner(
                        f, by_pk[f.facility_id], people[f.owner_id], at=now, key=f"idle-flag:{f.pk}"
                    )
    return DetectSummary(
        as_of=as_of,
        assessed=len(assessments),
        idle=len(idle),
        flagged=len(created),
        refreshed=len(refreshed),
        flagged_ids=tuple(f.pk for f in created),
    )


# --- a flag's follow-up -----------------------------------------------------------------------


def _lock(flag_id: object) -> IdleFlag:
    try:
        pk: int | None = read_id(flag_id)
    except Invalid:
        pk = None
    flag = IdleFlag.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if flag is None:
        raise NotFound.single(IdleCode.FLAG_NOT_FOUND, _("No such idle flag."), "flag")
    return flag


def _refuse(actor: Actor) -> DomainError:
    if actor is None or not actor.is_authenticated:
        return DomainError.single(Code.LOGIN_REQUIRED, _("Please log in first."))
    return PermissionDenied.single(
        Code.NOT_PERMITTED, _("You may not follow up this idle flag."), None
    )


def _check(actor: Actor, flag: IdleFlag, may: bool) -> None:
    if not policy.can_see_flag(actor, flag) and not may:
        raise NotFound.single(IdleCode.FLAG_NOT_FOUND, _("No such idle flag."), "flag")
    if flag.status != FlagStatus.OPEN:
        raise Conflict.single(IdleCode.FLAG_CLOSED, _("This follow-up is already closed."), None)
    if not may:
        raise _refuse(actor)


def idle_flag_close(*, actor: Actor, flag_id: object, action: Any) -> IdleFlag:
    """Close the follow-up with the action taken (required; ``policy.idle.can_close``)."""
    with transaction.atomic():
        flag = _lock(flag_id)
        _check(actor, flag, policy.can_close(actor, flag))
        try:
            text = read_text(action, max_length=ACTION_MAX, required=True)
        except Invalid as exc:
            if exc.code != Code.REQUIRED:
                raise exc.error("action") from None
            raise DomainError.single(
                IdleCode.ACTION_REQUIRED,
                _("Say what was done: a flag is closed only with the action taken."),
                "action",
            ) from None
        at = timezone.now()
        IdleFlag.objects.filter(pk=flag.pk).update(
            status=FlagStatus.CLOSED, action=text, closed_by=actor, closed_at=at
        )
        _event(flag.facility_id, FacilityAction.FOLLOWED_UP, actor=actor, note=text, at=at)
    flag.refresh_from_db()
    return flag


def _read_date(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value.strip()) == 10 and value.strip().isascii():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def idle_flag_assign(*, actor: Actor, flag_id: object, owner_id: Any, due_on: Any) -> IdleFlag:
    """Give the follow-up to ``owner_id`` (someone who keeps the facility) by ``due_on`` (a
    day from today on); a manager of the facility only."""
    with transaction.atomic():
        flag = _lock(flag_id)
        _check(actor, flag, policy.can_assign(actor, flag))
        errors: list[ErrorDetail] = []
        owner = None
        try:
            owner = get_user_model().objects.filter(pk=read_id(owner_id), is_active=True).first()
        except Invalid:
            owner = None
        if owner is None or not policy.may_own(owner, flag):
            errors.append(
                ErrorDetail(
                    IdleCode.OWNER_INVALID,
                    _("Choose someone who keeps or manages this facility."),
                    "owner",
                )
            )
        due = _read_date(due_on)
        today = timezone.localdate()
        if due is None:
            errors.append(
                ErrorDetail(IdleCode.DUE_INVALID, _("Give the deadline as a date."), "due_on")
            )
        elif due < today:
            errors.append(
                ErrorDetail(IdleCode.DUE_PAST, _("The deadline cannot be in the past."), "due_on")
            )
        if errors:
            raise DomainError(errors)
        assert owner is not None and due is not None
        at = timezone.now()
        IdleFlag.objects.filter(pk=flag.pk).update(owner=owner, due_on=due)
        flag.owner_id, flag.due_on = owner.pk, due
        name = getattr(getattr(owner, "profile", None), "display_name", "") or owner.get_username()
        _event(
            flag.facility_id,
            FacilityAction.NOTE,
            actor=actor,
            note=str(
                _("Idle follow-up given to %(owner)s, due %(due)s.")
                % {"owner": name, "due": due.isoformat()}
            ),
            at=at,
        )
        facility = Facility.objects.select_related("region").get(pk=flag.facility_id)
        _notify_owner(flag, facility, owner, at=at, key=f"idle-flag:{flag.pk}:{owner.pk}:{due}")
    flag.refresh_from_db()
    return flag


# --- awareness questions ----------------------------------------------------------------------


def awareness_question_set(*, actor: Actor, choice_id: Any, kind: Any) -> AwarenessQuestion:
    """Count answers choosing ``choice_id`` as knowing the village's facility of ``kind``
    (county-wide staff)."""
    if not policy.can_set_awareness(actor):
        raise _refuse(actor)
    errors: list[ErrorDetail] = []
    choice = None
    try:
        choice = Choice.objects.select_related("question").filter(pk=read_id(choice_id)).first()
    except Invalid:
        choice = None
    if choice is None or choice.question.kind not in ("single", "multiple"):
        errors.append(
            ErrorDetail(
                IdleCode.CHOICE_INVALID,
                _("Choose an answer of a single or multiple choice question."),
                "choice",
            )
        )
    if not isinstance(kind, str) or kind not in Kind.values or kind in INFRASTRUCTURE:
        errors.append(ErrorDetail(IdleCode.KIND_INVALID, _("Choose a kind of facility."), "kind"))
    if errors:
        raise DomainError(errors)
    assert choice is not None and actor is not None and actor.pk is not None
    with transaction.atomic():
        taken = AwarenessQuestion.objects.select_for_update().filter(choice=choice, kind=kind)
        if taken.exists():
            raise Conflict.single(
                IdleCode.AWARENESS_TAKEN,
                _("This answer is already counted for that kind."),
                "choice",
            )
        return AwarenessQuestion.objects.create(
            question=choice.question,
            choice=choice,
            kind=kind,
            created_by_id=actor.pk,
            created_at=timezone.now(),
        )
