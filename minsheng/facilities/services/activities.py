"""Writes of the activities part (issue 10, item 8): create and edit, announce (the village
hears of it), cancel (those signed up hear of it), sign up and withdraw, record attendance,
mark held, rate.

The lifecycle is :data:`TRANSITIONS`: draft → announced → held, and draft or announced →
cancelled. Each write reads its input first (a bad value is a 400 naming its field), then
in one transaction locks the activity row, asks ``policy.activities``, checks the state
under the lock and writes. A refusal raises before anything is written. Notifications go
after the commit, as one task carrying every recipient (``facilities.tasks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
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
from minsheng.core.inputs import Invalid, is_blank, read_datetime, read_id, read_int, read_text
from minsheng.regions.models import Region

from ..errors import ActivityCode
from ..models import Activity, ActivityKind, ActivityRating, ActivityStatus, Facility, Signup
from ..policy import activities as policy
from ..selectors import activities as sel

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
CUSTOM_MAX = 200
REASON_MAX = 300
COMMENT_MAX = 500
CAPACITY_MAX = 100_000
ATTENDANCE_MAX = 100_000

S = ActivityStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.ANNOUNCED, S.CANCELLED}),
    S.ANNOUNCED: frozenset({S.HELD, S.CANCELLED}),
    S.HELD: frozenset(),
    S.CANCELLED: frozenset(),
}


def can_transition(activity: Activity, new: str) -> bool:
    return new in TRANSITIONS.get(activity.status, frozenset())


# --- helpers ----------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _signed_in(actor: Actor) -> User:
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied.single(Code.LOGIN_REQUIRED, _("Please log in first."))
    return actor


def _not_permitted() -> PermissionDenied:
    return PermissionDenied.single(Code.NOT_PERMITTED, _("You may not organise activities here."))


def lock(activity_id: object) -> Activity:
    """Lock the activity row for the rest of the transaction (SQLite: the database)."""
    try:
        pk: int | None = read_id(activity_id)
    except Invalid:
        pk = None
    found = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("village", "facility", "kind")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if found is None:
        raise NotFound.single(ActivityCode.ACTIVITY_NOT_FOUND, _("No such activity."), "activity")
    return found


def _lock_visible(actor: Actor, activity_id: object) -> Activity:
    activity = lock(activity_id)
    if not policy.can_see(actor, activity):
        raise NotFound.single(ActivityCode.ACTIVITY_NOT_FOUND, _("No such activity."), "activity")
    return activity


def _lock_organised(actor: Actor, activity_id: object) -> Activity:
    _signed_in(actor)
    activity = _lock_visible(actor, activity_id)
    if not policy.organises(actor, activity):
        raise _not_permitted()
    return activity


def _transition(activity: Activity, new: str, **fields: Any) -> None:
    """The one place the status changes: compare-and-swap from the locked row's status."""
    if not can_transition(activity, new):
        raise Conflict.single(
            ActivityCode.BAD_TRANSITION,
            _("This activity is %(status)s: it cannot be %(new)s.")
            % {"status": ActivityStatus(activity.status).label, "new": ActivityStatus(new).label},
            "status",
        )
    changed = Activity.objects.filter(pk=activity.pk, status=activity.status).update(
        status=new, **fields
    )
    if changed != 1:  # the row is locked: this would be a bug, not a race
        raise Conflict.single(ActivityCode.BAD_TRANSITION, _("The activity changed."), "status")
    activity.status = new
    for name, value in fields.items():
        setattr(activity, name, value)


def link_of(activity: Activity) -> str:
    return reverse("activity", args=[activity.pk])


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- create and edit --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityInput:
    """What an organiser types: ``kind`` a kind's code, ``village`` a village's code,
    ``facility`` a facility's id (optional), times as ISO 8601 (local when naive),
    ``capacity`` empty for no limit."""

    title: Any = ""
    kind: Any = ""
    village: Any = ""
    facility: Any = None
    description: Any = ""
    custom: Any = ""
    starts_at: Any = ""
    ends_at: Any = ""
    capacity: Any = None


@dataclass(frozen=True)
class _Read:
    title: str
    kind: ActivityKind
    village: Region
    facility: Facility | None
    description: str
    custom: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None


def _read(data: ActivityInput, now: datetime) -> _Read:
    """Every field read and checked; all refusals at once, each naming its field."""
    errors: list[ErrorDetail] = []

    def text(value: Any, field: str, max_length: int, required: bool = False) -> str:
        try:
            return read_text(value, max_length=max_length, required=required)
        except Invalid as exc:
            errors.append(exc.detail(field))
            return ""

    title = text(data.title, "title", TITLE_MAX, required=True)
    code = data.kind.strip() if isinstance(data.kind, str) else ""
    kind = ActivityKind.objects.filter(code=code).first() if code and "\x00" not in code else None
    if kind is None:
        errors.append(ErrorDetail(ActivityCode.KIND_INVALID, _("Choose a kind."), "kind"))
    code = data.village.strip() if isinstance(data.village, str) else ""
    village = (
        Region.objects.filter(code=code, level=Region.Level.VILLAGE).first()
        if code and "\x00" not in code
        else None
    )
    if village is None:
        errors.append(ErrorDetail(ActivityCode.VILLAGE_INVALID, _("Choose a village."), "village"))
    facility = None
    if not is_blank(data.facility):
        try:
            pk = read_id(data.facility)
        except Invalid:
            pk = None
        facility = Facility.objects.filter(pk=pk).first() if pk is not None else None
        if facility is None or (
            village is not None
            and facility.region_id != village.pk
            and facility.region_id != village.parent_id
        ):
            errors.append(
                ErrorDetail(
                    ActivityCode.FACILITY_INVALID,
                    _("Choose a facility in the village or its township."),
                    "facility",
                )
            )
            facility = None
    description = text(data.description, "description", DESCRIPTION_MAX)
    custom = text(data.custom, "custom", CUSTOM_MAX)
    times: dict[str, datetime] = {}
    for field, value in (("starts_at", data.starts_at), ("ends_at", data.ends_at)):
        try:
            if is_blank(value):
                raise Invalid(Code.REQUIRED, _("This field is required."))
            times[field] = read_datetime(value)
        except Invalid as exc:
            errors.append(exc.detail(field))
    starts, ends = times.get("starts_at"), times.get("ends_at")
    if starts is not None and starts <= now:
        errors.append(
            ErrorDetail(
                ActivityCode.STARTS_IN_PAST, _("The start must be in the future."), "starts_at"
            )
        )
    if starts is not None and ends is not None and ends <= starts:
        errors.append(
            ErrorDetail(
                ActivityCode.ENDS_BEFORE_START, _("The end must be after the start."), "ends_at"
            )
        )
    capacity = None
    if not is_blank(data.capacity):
        try:
            capacity = read_int(data.capacity, low=1, high=CAPACITY_MAX)
        except Invalid as exc:
            errors.append(exc.detail("capacity"))
    if errors:
        raise DomainError(errors)
    assert kind is not None and village is not None and starts is not None and ends is not None
    return _Read(title, kind, village, facility, description, custom, starts, ends, capacity)


def _fields(read: _Read) -> dict[str, Any]:
    return {
        "title": read.title,
        "kind": read.kind,
        "village": read.village,
        "township_id": read.village.parent_id,
        "facility": read.facility,
        "description": read.description,
        "custom": read.custom,
        "starts_at": read.starts_at,
        "ends_at": read.ends_at,
        "capacity": read.capacity,
    }


def activity_create(*, actor: Actor, data: ActivityInput, now: datetime | None = None) -> Activity:
    """A draft activity. The organiser manages the village's township, or keeps the
    facility it is held at (which is in the village or its township)."""
    user = _signed_in(actor)
    if not policy.uses_console(user):
        raise _not_permitted()
    at = _now(now)
    read = _read(data, at)
    if not policy.can_organise_at(user, read.village, read.facility):
        raise _not_permitted()
    with transaction.atomic():
        activity = Activity(
            **_fields(read), status=ActivityStatus.DRAFT, created_by=user, created_at=at
        )
        activity.full_clean()
        activity.save()
    return activity


def activity_update(
    *, actor: Actor, activity_id: object, data: ActivityInput, now: datetime | None = None
) -> Activity:
    """Change a draft or announced activity (places not below those signed up)."""
    at = _now(now)
    with transaction.atomic():
        activity = _lock_organised(actor, activity_id)
        if not policy.can_edit(activity):
            raise Conflict.single(
                ActivityCode.NOT_EDITABLE,
                _("A held or cancelled activity cannot be changed."),
                None,
            )
        read = _read(data, at)
        if not policy.can_organise_at(actor, read.village, read.facility):
            raise _not_permitted()
        signed = Signup.objects.filter(activity=activity).count()
        if read.capacity is not None and read.capacity < signed:
            raise DomainError.single(
                ActivityCode.CAPACITY_BELOW_SIGNUPS,
                _("%(count)d people have signed up: give at least as many places.")
                % {"count": signed},
                "capacity",
            )
        for name, value in _fields(read).items():
            setattr(activity, name, value)
        activity.full_clean()
        activity.save(update_fields=[*(n.removesuffix("_id") for n in _fields(read))])
    return activity


# --- announce and cancel ----------------------------------------------------------------------


def activity_announce(
    *, actor: Actor, activity_id: object, now: datetime | None = None
) -> Activity:
    """Draft → announced (it must still be to come): it shows on the portal and every
    resident of the village is notified, after the commit, by one task."""
    from ..tasks import notify_activity

    at = _now(now)
    with transaction.atomic():
        activity = _lock_organised(actor, activity_id)
        if activity.status == ActivityStatus.DRAFT and activity.starts_at <= at:
            raise Conflict.single(
                ActivityCode.ALREADY_STARTED,
                _("This activity has already started: change its time first."),
                "starts_at",
            )
        _transition(activity, ActivityStatus.ANNOUNCED, announced_at=at)
        recipients = sel.village_resident_ids(activity.village_id)
        pk = activity.pk
        transaction.on_commit(lambda: notify_activity.delay(pk, "activity_announced", recipients))
    return activity


def activity_cancel(
    *, actor: Actor, activity_id: object, reason: Any, now: datetime | None = None
) -> Activity:
    """Draft or announced → cancelled, with a reason; those signed up are notified."""
    from ..tasks import notify_activity

    try:
        text = read_text(reason, max_length=REASON_MAX, required=True)
    except Invalid as exc:
        raise exc.error("reason") from None
    at = _now(now)
    with transaction.atomic():
        activity = _lock_organised(actor, activity_id)
        _transition(activity, ActivityStatus.CANCELLED, cancelled_at=at, cancel_reason=text)
        recipients = sel.signed_up_ids(activity.pk)
        pk = activity.pk
        if recipients:
            transaction.on_commit(
                lambda: notify_activity.delay(pk, "activity_cancelled", recipients)
            )
    return activity


def activity_notify(*, activity_id: int, template: str, recipients: list[int]) -> int:
    """Send ``template`` about the activity to each of ``recipients`` (user ids); once per
    person and activity however often it runs (the key). Returns the messages written."""
    from minsheng.notify.services import notification_send

    activity = sel.activity_by_id(activity_id)
    if activity is None:
        return 0
    params = {
        "title": activity.title,
        "village": activity.village.name_zh,
        "when": _when(activity.starts_at),
        "link": f"{settings.MINSHENG_SITE_URL}{link_of(activity)}",  # read in an SMS
        "reason": activity.cancel_reason,
    }
    written = 0
    with transaction.atomic():
        for user in User.objects.filter(pk__in=recipients, is_active=True).order_by("pk"):
            sent = notification_send(
                recipient=user,
                key=f"{template}:{activity.pk}",
                template=template,
                params=params,
                link=link_of(activity),
                about=f"activity:{activity.pk}",
            )
            written += sent.message is not None
    return written


# --- sign-up ----------------------------------------------------------------------------------


def _resident(actor: Actor) -> User:
    user = _signed_in(actor)
    if not policy.is_resident(user):
        raise PermissionDenied.single(
            ActivityCode.NOT_RESIDENT, _("Only residents sign up for activities."), None
        )
    return user


def signup_create(*, actor: Actor, activity_id: object, now: datetime | None = None) -> Signup:
    """Sign up for an announced activity before it starts, once, while places are left."""
    user = _resident(actor)
    at = _now(now)
    with transaction.atomic():
        # The lock serialises sign-ups for one activity: the count below stays true.
        activity = _lock_visible(user, activity_id)
        if activity.status != ActivityStatus.ANNOUNCED:
            raise Conflict.single(
                ActivityCode.BAD_TRANSITION,
                _("Sign-up is open only for announced activities."),
                None,
            )
        if activity.starts_at <= at:
            raise Conflict.single(
                ActivityCode.ALREADY_STARTED, _("This activity has already started."), None
            )
        if Signup.objects.filter(activity=activity, user=user).exists():
            raise Conflict.single(
                ActivityCode.ALREADY_SIGNED_UP, _("You have already signed up."), None
            )
        if (
            activity.capacity is not None
            and Signup.objects.filter(activity=activity).count() >= activity.capacity
        ):
            raise Conflict.single(ActivityCode.FULL, _("No places are left."), None)
        return Signup.objects.create(activity=activity, user=user, created_at=at)


def signup_withdraw(*, actor: Actor, activity_id: object, now: datetime | None = None) -> None:
    """Withdraw one's sign-up before the activity starts."""
    user = _resident(actor)
    at = _now(now)
    with transaction.atomic():
        activity = _lock_visible(user, activity_id)
        if activity.status != ActivityStatus.ANNOUNCED or activity.starts_at <= at:
            raise Conflict.single(
                ActivityCode.ALREADY_STARTED,
                _("You can withdraw only before an announced activity starts."),
                None,
            )
        deleted, _rows = Signup.objects.filter(activity=activity, user=user).delete()
        if not deleted:
            raise Conflict.single(
                ActivityCode.NOT_SIGNED_UP, _("You have not signed up for it."), None
            )


# --- after it took place ----------------------------------------------------------------------


def activity_record_attendance(
    *,
    actor: Actor,
    activity_id: object,
    total: Any,
    attended: Any,
    now: datetime | None = None,
) -> Activity:
    """Once it has started: how many came in all (signed up or not), and which sign-ups
    came (``attended``: sign-up ids; the others did not). Again to correct it, also once held."""
    at = _now(now)
    try:
        count = read_int(total, low=0, high=ATTENDANCE_MAX)
    except Invalid as exc:
        raise exc.error("attendance") from None
    ids: set[int] = set()
    for value in attended if isinstance(attended, list | tuple) else [attended]:
        if is_blank(value):
            continue
        try:
            ids.add(read_id(value))
        except Invalid:
            raise DomainError.single(
                ActivityCode.SIGNUP_INVALID, _("Choose sign-ups of this activity."), "attended"
            ) from None
    with transaction.atomic():
        activity = _lock_organised(actor, activity_id)
        if activity.status not in (ActivityStatus.ANNOUNCED, ActivityStatus.HELD):
            raise Conflict.single(
                ActivityCode.BAD_TRANSITION,
                _("Attendance is recorded for announced or held activities."),
                None,
            )
        if activity.starts_at > at:
            raise Conflict.single(
                ActivityCode.NOT_STARTED, _("This activity has not started yet."), None
            )
        signups = set(Signup.objects.filter(activity=activity).values_list("pk", flat=True))
        if not ids <= signups:
            raise DomainError.single(
                ActivityCode.SIGNUP_INVALID, _("Choose sign-ups of this activity."), "attended"
            )
        if count < len(ids):
            raise DomainError.single(
                ActivityCode.ATTENDANCE_BELOW_SIGNUPS,
                _("%(count)d of those signed up came: the total is at least that.")
                % {"count": len(ids)},
                "attendance",
            )
        Activity.objects.filter(pk=activity.pk).update(attendance=count)
        activity.attendance = count
        Signup.objects.filter(activity=activity, pk__in=ids).update(attended=True)
        Signup.objects.filter(activity=activity).exclude(pk__in=ids).update(attended=False)
    return activity


def activity_mark_held(
    *, actor: Actor, activity_id: object, now: datetime | None = None
) -> Activity:
    """Announced → held, once it has started and its attendance is recorded."""
    at = _now(now)
    with transaction.atomic():
        activity = _lock_organised(actor, activity_id)
        if activity.status == ActivityStatus.ANNOUNCED and activity.starts_at > at:
            raise Conflict.single(
                ActivityCode.NOT_STARTED, _("This activity has not started yet."), None
            )
        if activity.status == ActivityStatus.ANNOUNCED and activity.attendance is None:
            raise Conflict.single(
                ActivityCode.ATTENDANCE_MISSING,
                _("Record the attendance first."),
                "attendance",
            )
        _transition(activity, ActivityStatus.HELD)
    return activity


def activity_rate(
    *,
    actor: Actor,
    activity_id: object,
    score: Any,
    comment: Any = "",
    now: datetime | None = None,
) -> ActivityRating:
    """A score from 1 to 5 and a comment, once, by a resident who signed up, after it is held."""
    user = _signed_in(actor)
    errors: list[ErrorDetail] = []
    value = 0
    try:
        value = read_int(score, low=1, high=5)
    except Invalid as exc:
        errors.append(exc.detail("score"))
    text = ""
    try:
        text = read_text(comment, max_length=COMMENT_MAX)
    except Invalid as exc:
        errors.append(exc.detail("comment"))
    if errors:
        raise DomainError(errors)
    at = _now(now)
    with transaction.atomic():
        activity = _lock_visible(user, activity_id)
        if activity.status != ActivityStatus.HELD:
            raise Conflict.single(
                ActivityCode.NOT_HELD, _("An activity is rated once it is held."), None
            )
        if not Signup.objects.filter(activity=activity, user=user).exists():
            raise PermissionDenied.single(
                ActivityCode.MAY_NOT_RATE,
                _("Only those who signed up or came may rate it."),
                None,
            )
        if ActivityRating.objects.filter(activity=activity, user=user).exists():
            raise Conflict.single(ActivityCode.ALREADY_RATED, _("You have already rated it."), None)
        return ActivityRating.objects.create(
            activity=activity, user=user, score=value, comment=text, created_at=at
        )
