"""Writes of the suggestions part: post, support, report, reply (and its status), staff
notes, hide, show again, ban and lift, and the overdue sweep.

Each service reads its input first (a bad value is a 400 naming the field), then in one
transaction locks the suggestion row, asks ``policy.suggestions``, takes the time under
the lock, writes the change and appends its ``SuggestionEvent`` with who may read it, and
notifies (``notification_send`` writes in the same transaction and sends after commit).
A refusal raises before anything is written, and the whole transaction rolls back.

The support counter and the threshold: see ``support`` below and ``docs/suggestions.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.catalog.models import Service, ServiceArea
from minsheng.core.errors import (
    Code,
    Conflict,
    DomainError,
    ErrorDetail,
    NotFound,
    PermissionDenied,
)
from minsheng.core.inputs import Invalid, is_blank, read_id, read_text
from minsheng.notify.services import notification_send
from minsheng.orders.models import Audience
from minsheng.regions.models import Region
from minsheng.voice import suggestion_rules as rules
from minsheng.voice.errors import SuggestionCode
from minsheng.voice.models import (
    Ban,
    Flag,
    Suggestion,
    SuggestionAction,
    SuggestionEvent,
    SuggestionKind,
    SuggestionStatus,
    Support,
)
from minsheng.voice.policy import suggestions as policy

TITLE_MAX = 120
BODY_MAX = 2000
REASON_MAX = 300
URL_MAX = 300


# --- helpers ----------------------------------------------------------------------------------


def _text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    try:
        return read_text(value, max_length=max_length, required=required)
    except Invalid as exc:
        raise exc.error(field) from None


def lock(suggestion_id: object) -> Suggestion:
    """Lock the suggestion row for the rest of the transaction (SQLite: the database)."""
    try:
        pk = read_id(suggestion_id)
    except Invalid:
        pk = None
    found = Suggestion.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound.single(
            SuggestionCode.SUGGESTION_NOT_FOUND, _("No such suggestion."), "suggestion"
        )
    return found


def _event(
    suggestion: Suggestion,
    action: str,
    *,
    actor: Actor,
    at: datetime,
    audience: str,
    note: str = "",
    old: str = "",
    new: str = "",
) -> SuggestionEvent:
    return SuggestionEvent.objects.create(
        suggestion=suggestion,
        action=action,
        old_status=old,
        new_status=new,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        audience=audience,
        created_at=at,
    )


def link_of(suggestion: Suggestion) -> str:
    return reverse("suggestion", args=[suggestion.pk])


def _full_link(suggestion: Suggestion) -> str:
    return f"{settings.MINSHENG_SITE_URL}{link_of(suggestion)}"


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _require_not_banned(actor: Actor) -> None:
    if policy.is_banned(actor):
        raise policy.banned()


def _require_signed_in(actor: Actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise DomainError.single(Code.LOGIN_REQUIRED, _("Please log in first."))


# --- posting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionInput:
    """What a person posts: ``place`` a village or township code, ``area`` a service
    area code, ``service`` a menu service code (required for a change, else optional),
    ``resident`` (grid workers) the id of the resident it is posted for."""

    kind: Any = ""
    title: Any = ""
    body: Any = ""
    place: Any = ""
    area: Any = ""
    service: Any = ""
    resident: Any = None


@dataclass(frozen=True)
class _Read:
    kind: str
    title: str
    body: str
    region: Region
    area: ServiceArea | None
    service: Service | None
    author: User


def _read_post(actor: Actor, data: SuggestionInput) -> _Read:
    """Every field read; all refusals at once, each naming its field."""
    errors: list[ErrorDetail] = []

    def take(call: Any) -> Any:
        try:
            return call()
        except DomainError as exc:
            errors.extend(exc.errors)
            return None

    kind = data.kind if isinstance(data.kind, str) else ""
    if kind not in SuggestionKind.values:
        errors.append(
            ErrorDetail(
                SuggestionCode.KIND_INVALID,
                _("Choose a new service, a change to a service or a facility."),
                "kind",
            )
        )
    title = take(lambda: _text(data.title, "title", max_length=TITLE_MAX, required=True))
    body = take(lambda: _text(data.body, "body", max_length=BODY_MAX, required=True))
    region = None
    place = data.place if isinstance(data.place, str) else ""
    if place.strip() and "\x00" not in place:
        region = Region.objects.filter(
            code=place.strip(), level__in=[Region.Level.TOWNSHIP, Region.Level.VILLAGE]
        ).first()
    if region is None:
        errors.append(
            ErrorDetail(SuggestionCode.PLACE_INVALID, _("Choose a village or township."), "place")
        )
    area = None
    if not is_blank(data.area):
        code = data.area.strip() if isinstance(data.area, str) else ""
        area = ServiceArea.objects.filter(code=code).first() if "\x00" not in code else None
        if area is None:
            errors.append(
                ErrorDetail(SuggestionCode.AREA_INVALID, _("Choose a service area."), "area")
            )
    service = None
    if not is_blank(data.service):
        code = data.service.strip() if isinstance(data.service, str) else ""
        service = (
            Service.objects.select_related("category").filter(code=code, published=True).first()
            if "\x00" not in code
            else None
        )
        if service is None:
            errors.append(
                ErrorDetail(
                    SuggestionCode.SERVICE_INVALID, _("Choose a service of the menu."), "service"
                )
            )
    elif kind == SuggestionKind.CHANGE:
        errors.append(
            ErrorDetail(
                SuggestionCode.SERVICE_REQUIRED,
                _("Choose the service you want changed."),
                "service",
            )
        )
    if service is not None and area is None:
        area = ServiceArea.objects.filter(pk=service.category.area_id).first()
    elif service is not None and area is not None and service.category.area_id != area.pk:
        errors.append(
            ErrorDetail(
                SuggestionCode.AREA_INVALID,
                _("This service is in another service area."),
                "area",
            )
        )
    author: User | None = None
    if policy.posts_for_others(actor):
        try:
            pk = read_id(data.resident)
        except Invalid:
            pk = None
        author = User.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
        if author is None or not policy.can_post_for(actor, author):
            errors.append(
                ErrorDetail(
                    SuggestionCode.RESIDENT_INVALID,
                    _("Choose a resident of your region."),
                    "resident",
                )
            )
    elif isinstance(actor, User):
        author = actor
    if region is not None and not policy.can_post_at(actor, region):
        errors.append(
            ErrorDetail(SuggestionCode.PLACE_INVALID, _("Choose a place in your region."), "place")
        )
    if errors:
        raise DomainError(errors)
    assert region is not None and author is not None
    return _Read(kind, title, body, region, area, service, author)


def suggestion_post(
    *, actor: Actor, data: SuggestionInput, now: datetime | None = None
) -> Suggestion:
    """Post a suggestion (a resident for themself, a grid worker for a resident)."""
    _require_signed_in(actor)
    _require_not_banned(actor)
    if not policy.can_post_any(actor):
        raise policy_denied(_("Residents and grid workers post suggestions."))
    read = _read_post(actor, data)
    at = now or timezone.now()
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            author=read.author,
            kind=read.kind,
            title=read.title,
            body=read.body,
            region=read.region,
            township_id=read.region.township_id,
            area=read.area,
            service=read.service,
            created_at=at,
            support_until=rules.support_until(at, settings.MINSHENG_SUGGESTION_SUPPORT_DAYS),
        )
        note = ""
        if actor is not None and actor.pk != read.author.pk:
            note = str(_("Posted by a grid worker for the resident."))
        _event(
            suggestion,
            SuggestionAction.POST,
            actor=actor,
            at=at,
            audience=Audience.PUBLIC,
            new=SuggestionStatus.RECEIVED,
            note=note,
        )
    return suggestion


def policy_denied(message: Any) -> DomainError:
    return PermissionDenied.single(Code.NOT_PERMITTED, message)


# --- support ----------------------------------------------------------------------------------


def staff_owing(suggestion: Suggestion) -> list[User]:
    """Who owes the reply (those ``policy.can_reply`` lets reply); active accounts."""
    return list(User.objects.filter(policy.owes_reply_q(suggestion), is_active=True).order_by("pk"))


def _reach_threshold(suggestion: Suggestion, at: datetime) -> None:
    """The counted support just reached the threshold: a reply is owed."""
    due = rules.reply_due(at, settings.MINSHENG_SUGGESTION_REPLY_DAYS)
    suggestion.threshold_reached_at = at
    suggestion.reply_due = due
    suggestion.save(update_fields=["threshold_reached_at", "reply_due"])
    _event(
        suggestion,
        SuggestionAction.THRESHOLD,
        actor=None,
        at=at,
        audience=Audience.PUBLIC,
        note=str(
            _("%(count)d supports from residents of the township: a reply is due by %(due)s.")
            % {"count": suggestion.support_counted, "due": _local(due)}
        ),
    )
    region = Region.objects.filter(pk=suggestion.region_id).first()
    for person in staff_owing(suggestion):
        notification_send(
            recipient=person,
            key=f"suggestion-owed:{suggestion.pk}",
            template="suggestion_reply_owed",
            params={
                "title": suggestion.title,
                "place": region.name if region is not None else "",
                "count": str(suggestion.support_counted),
                "due": _local(due),
            },
            link=link_of(suggestion),
            about=f"suggestion:{suggestion.pk}",
            now=at,
        )


def suggestion_support(
    *, actor: Actor, suggestion_id: object, now: datetime | None = None
) -> Support:
    """One person's support. The suggestion row is locked first, so two supports at once
    queue: each adds one with ``F()``, and exactly one of them sees the counted support
    reach the threshold (and sets the reply's due date)."""
    with transaction.atomic():
        suggestion = lock(suggestion_id)
        refusal = policy.support_refusal(actor, suggestion)
        if refusal is not None:
            raise refusal
        assert isinstance(actor, User)
        if Support.objects.filter(suggestion=suggestion, user=actor).exists():
            raise Conflict.single(
                SuggestionCode.ALREADY_SUPPORTED, _("You already support this suggestion.")
            )
        at = max(now or timezone.now(), suggestion.created_at)
        try:
            with transaction.atomic():
                support = Support.objects.create(suggestion=suggestion, user=actor, created_at=at)
        except IntegrityError:  # the constraint, should two sessions of one person race
            raise Conflict.single(
                SuggestionCode.ALREADY_SUPPORTED, _("You already support this suggestion.")
            ) from None
        counts = rules.support_counts(
            supported_at=at,
            until=suggestion.support_until,
            supporter_township=policy.supporter_township(actor),
            suggestion_township=suggestion.township_id,
        )
        Suggestion.objects.filter(pk=suggestion.pk).update(
            support_count=F("support_count") + 1,
            support_counted=F("support_counted") + (1 if counts else 0),
        )
        suggestion.refresh_from_db(fields=["support_count", "support_counted"])
        if (
            counts
            and suggestion.threshold_reached_at is None
            and suggestion.support_counted >= settings.MINSHENG_SUGGESTION_THRESHOLD
        ):
            _reach_threshold(suggestion, at)
    return support


# --- reports and moderation -------------------------------------------------------------------


def suggestion_flag(
    *, actor: Actor, suggestion_id: object, reason: Any, now: datetime | None = None
) -> Flag:
    """Report a suggestion (once per person, with a reason). The report that makes
    ``MINSHENG_SUGGESTION_FLAGS_TO_HIDE`` distinct reporters hides it pending review."""
    text = _text(reason, "reason", max_length=REASON_MAX)
    if not text:
        raise DomainError.single(
            SuggestionCode.REASON_REQUIRED, _("Please say what is wrong with it."), "reason"
        )
    with transaction.atomic():
        suggestion = lock(suggestion_id)
        _require_signed_in(actor)
        _require_not_banned(actor)
        assert isinstance(actor, User)
        if Flag.objects.filter(suggestion=suggestion, reporter=actor).exists():
            raise Conflict.single(
                SuggestionCode.ALREADY_REPORTED, _("You already reported this suggestion.")
            )
        at = max(now or timezone.now(), suggestion.created_at)
        flag = Flag.objects.create(
            suggestion=suggestion, reporter=actor, reason=text, created_at=at
        )
        _event(
            suggestion,
            SuggestionAction.FLAG,
            actor=actor,
            at=at,
            audience=Audience.STAFF,
            note=text,
        )
        reports = Flag.objects.filter(suggestion=suggestion).count()
        if suggestion.hidden_at is None and reports == settings.MINSHENG_SUGGESTION_FLAGS_TO_HIDE:
            reason_text = str(
                _("Reported by %(count)d people: hidden until a moderator reviews it.")
                % {"count": reports}
            )
            suggestion.hidden_at = at
            suggestion.hidden_by = None
            suggestion.hidden_reason = reason_text[:REASON_MAX]
            suggestion.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
            _event(
                suggestion,
                SuggestionAction.HIDE,
                actor=None,
                at=at,
                audience=Audience.PUBLIC,
                note=suggestion.hidden_reason,
            )
            _tell_hidden(suggestion, at)
    return flag


def _tell_hidden(suggestion: Suggestion, at: datetime) -> None:
    """The author learns their suggestion was hidden, and why (once per hiding)."""
    notification_send(
        recipient=suggestion.author,
        key=f"suggestion-hidden:{suggestion.pk}:{at.isoformat()}",
        template="suggestion_hidden",
        params={"title": suggestion.title, "reason": suggestion.hidden_reason},
        link=link_of(suggestion),
        about=f"suggestion:{suggestion.pk}",
        now=at,
    )


def suggestion_hide(
    *, actor: Actor, suggestion_id: object, reason: Any, now: datetime | None = None
) -> Suggestion:
    """A moderator hides a suggestion with a reason (or confirms a hiding by reports)."""
    text = _text(reason, "reason", max_length=REASON_MAX)
    if not text:
        raise DomainError.single(
            SuggestionCode.REASON_REQUIRED, _("Please give the reason for hiding it."), "reason"
        )
    with transaction.atomic():
        suggestion = lock(suggestion_id)
        policy.require_moderate(actor, suggestion)
        if suggestion.hidden_at is not None and suggestion.hidden_by_id is not None:
            raise Conflict.single(SuggestionCode.ALREADY_HIDDEN, _("It is hidden already."))
        at = max(now or timezone.now(), suggestion.created_at)
        suggestion.hidden_at = at
        suggestion.hidden_by = actor if isinstance(actor, User) else None
        suggestion.hidden_reason = text
        suggestion.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        _event(
            suggestion,
            SuggestionAction.HIDE,
            actor=actor,
            at=at,
            audience=Audience.PUBLIC,
            note=text,
        )
        _tell_hidden(suggestion, at)
    return suggestion


def suggestion_unhide(
    *, actor: Actor, suggestion_id: object, note: Any = "", now: datetime | None = None
) -> Suggestion:
    """A moderator shows a hidden suggestion again (the reports stay in its history)."""
    text = _text(note, "note", max_length=REASON_MAX)
    with transaction.atomic():
        suggestion = lock(suggestion_id)
        policy.require_moderate(actor, suggestion)
        if suggestion.hidden_at is None:
            raise Conflict.single(SuggestionCode.NOT_HIDDEN, _("It is not hidden."))
        at = max(now or timezone.now(), suggestion.created_at)
        suggestion.hidden_at = None
        suggestion.hidden_by = None
        suggestion.hidden_reason = ""
        suggestion.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        _event(
            suggestion,
            SuggestionAction.UNHIDE,
            actor=actor,
            at=at,
            audience=Audience.PUBLIC,
            note=text,
        )
    return suggestion


def author_ban(
    *, actor: Actor, suggestion_id: object, reason: Any, now: datetime | None = None
) -> Ban:
    """A moderator bars the author of a suggestion (a repeat spammer) from posting,
    supporting and reporting, with a reason, until lifted."""
    text = _text(reason, "reason", max_length=REASON_MAX)
    if not text:
        raise DomainError.single(
            SuggestionCode.REASON_REQUIRED, _("Please give the reason for the ban."), "reason"
        )
    with transaction.atomic():
        suggestion = lock(suggestion_id)
        policy.require_moderate(actor, suggestion)
        assert isinstance(actor, User)
        if Ban.objects.filter(user_id=suggestion.author_id, lifted_at__isnull=True).exists():
            raise Conflict.single(SuggestionCode.ALREADY_BANNED, _("The author is banned already."))
        at = max(now or timezone.now(), suggestion.created_at)
        ban = Ban.objects.create(
            user_id=suggestion.author_id, reason=text, created_by=actor, created_at=at
        )
        _event(
            suggestion, SuggestionAction.BAN, actor=actor, at=at, audience=Audience.STAFF, note=text
        )
    return ban


def ban_lift(*, actor: Actor, ban_id: object, now: datetime | None = None) -> Ban:
    with transaction.atomic():
        try:
            pk: int | None = read_id(ban_id)
        except Invalid:
            pk = None
        ban = Ban.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
        if ban is None:
            raise NotFound.single(SuggestionCode.BAN_NOT_FOUND, _("No such ban."), "ban")
        if not policy.can_lift_ban(actor, ban):
            raise policy_denied(_("Only county administrators and the ban's author lift it."))
        if ban.lifted_at is not None:
            raise Conflict.single(SuggestionCode.BAN_LIFTED, _("This ban was lifted already."))
        ban.lifted_at = max(now or timezone.now(), ban.created_at)
        ban.save(update_fields=["lifted_at"])
    return ban


# --- official reply and status ----------------------------------------------------------------


@dataclass(frozen=True)
class ReplyInput:
    """An official reply: the new ``status`` (see ``suggestion_rules.TRANSITIONS``), the
    public ``reply`` (required for the first), a ``reason`` (required for not adopted),
    for done what was built (``result_service`` a menu code and/or ``result_url`` a path
    on this site), and a staff-only ``note``."""

    status: Any = ""
    reply: Any = ""
    reason: Any = ""
    result_service: Any = ""
    result_url: Any = ""
    note: Any = ""


def _read_reply(data: ReplyInput) -> tuple[str, str, str, Service | None, str, str]:
    errors: list[ErrorDetail] = []
    status = data.status if isinstance(data.status, str) else ""
    if status not in SuggestionStatus.values:
        errors.append(
            ErrorDetail(SuggestionCode.STATUS_INVALID, _("Choose the new status."), "status")
        )
    texts: dict[str, str] = {}
    for name, limit in (("reply", BODY_MAX), ("reason", BODY_MAX), ("note", BODY_MAX)):
        try:
            texts[name] = read_text(getattr(data, name), max_length=limit)
        except Invalid as exc:
            errors.append(exc.detail(name))
            texts[name] = ""
    service = None
    if not is_blank(data.result_service):
        code = data.result_service.strip() if isinstance(data.result_service, str) else ""
        service = Service.objects.filter(code=code).first() if "\x00" not in code else None
        if service is None:
            errors.append(
                ErrorDetail(
                    SuggestionCode.SERVICE_INVALID, _("Choose a menu service."), "result_service"
                )
            )
    url = ""
    try:
        url = read_text(data.result_url, max_length=URL_MAX, markup=False)
    except Invalid as exc:
        errors.append(exc.detail("result_url"))
    if url and (not url.startswith("/") or url.startswith("//") or any(c.isspace() for c in url)):
        errors.append(
            ErrorDetail(
                SuggestionCode.RESULT_URL_INVALID,
                _("Give a path on this site, starting with /."),
                "result_url",
            )
        )
    if errors:
        raise DomainError(errors)
    return status, texts["reply"], texts["reason"], service, url, texts["note"]


def _tell_people(suggestion: Suggestion, *, first_reply: bool, at: datetime) -> int:
    """The author and every supporter: the first official reply, then each new status."""
    user_ids = {suggestion.author_id} | set(
        Support.objects.filter(suggestion=suggestion).values_list("user_id", flat=True)
    )
    people = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    status = str(SuggestionStatus(suggestion.status).label)
    if first_reply:
        key, template = f"suggestion-reply:{suggestion.pk}", "suggestion_reply"
    else:
        key = f"suggestion-status:{suggestion.pk}:{suggestion.status}"
        template = "suggestion_status"
    told = 0
    for person in people:
        notification_send(
            recipient=person,
            key=key,
            template=template,
            params={"title": suggestion.title, "status": status, "link": _full_link(suggestion)},
            link=link_of(suggestion),
            about=f"suggestion:{suggestion.pk}",
            now=at,
        )
        told += 1
    return told


def suggestion_reply(
    *, actor: Actor, suggestion_id: object, data: ReplyInput, now: datetime | None = None
) -> Suggestion:
    """Give the official reply and move the status one step along the lifecycle."""
    status, reply, reason, service, url, note = _read_reply(data)
    with transaction.atomic():
        suggestion = lock(suggestion_id)
        policy.require_reply(actor, suggestion)
        old = suggestion.status
        if not rules.may_move(old, status):
            raise Conflict.single(
                SuggestionCode.ILLEGAL_TRANSITION,
                _("A suggestion that is %(old)s cannot become %(new)s.")
                % {
                    "old": SuggestionStatus(old).label,
                    "new": SuggestionStatus(status).label,
                },
                "status",
            )
        first = suggestion.replied_at is None
        errors: list[ErrorDetail] = []
        if first and not reply:
            errors.append(
                ErrorDetail(
                    SuggestionCode.REPLY_REQUIRED,
                    _("Write the official reply the residents will read."),
                    "reply",
                )
            )
        if status == SuggestionStatus.NOT_ADOPTED and not reason:
            errors.append(
                ErrorDetail(
                    SuggestionCode.REASON_REQUIRED,
                    _("Say why it is not adopted."),
                    "reason",
                )
            )
        if status == SuggestionStatus.DONE and service is None and not url:
            errors.append(
                ErrorDetail(
                    SuggestionCode.RESULT_REQUIRED,
                    _("Link what was built: a menu service or a page of this site."),
                    "result_service",
                )
            )
        if errors:
            raise DomainError(errors)
        at = max(now or timezone.now(), suggestion.created_at)
        fields = ["status"]
        suggestion.status = status
        if reply:
            suggestion.reply = reply
            fields.append("reply")
        if first:
            suggestion.replied_at = at
            suggestion.replied_by = actor if isinstance(actor, User) else None
            fields += ["replied_at", "replied_by"]
        if status == SuggestionStatus.DONE:
            suggestion.result_service = service
            suggestion.result_url = url
            fields += ["result_service", "result_url"]
        suggestion.save(update_fields=fields)
        _event(
            suggestion,
            SuggestionAction.STATUS,
            actor=actor,
            at=at,
            audience=Audience.PUBLIC,
            old=old,
            new=status,
            note=reason if status == SuggestionStatus.NOT_ADOPTED else "",
        )
        if reply:
            _event(
                suggestion,
                SuggestionAction.REPLY,
                actor=actor,
                at=at,
                audience=Audience.PUBLIC,
                note=reply,
            )
        if note:
            _event(
                suggestion,
                SuggestionAction.NOTE,
                actor=actor,
                at=at,
                audience=Audience.STAFF,
                note=note,
            )
        _tell_people(suggestion, first_reply=first, at=at)
    return suggestion


def suggestion_note(
    *, actor: Actor, suggestion_id: object, note: Any, now: datetime | None = None
) -> SuggestionEvent:
    """A staff-only note in the suggestion's history."""
    text = _text(note, "note", max_length=BODY_MAX, required=True)
    with transaction.atomic():
        suggestion = lock(suggestion_id)
        policy.require_reply(actor, suggestion)
        at = max(now or timezone.now(), suggestion.created_at)
        return _event(
            suggestion,
            SuggestionAction.NOTE,
            actor=actor,
            at=at,
            audience=Audience.STAFF,
            note=text,
        )


# --- overdue ----------------------------------------------------------------------------------


def suggestions_mark_overdue(*, now: datetime | None = None) -> int:
    """Mark each suggestion whose reply is past due and not given: an OVERDUE event
    (staff), once. Returns how many were marked. Safe to run twice at once: each row is
    locked and checked again."""
    at = now or timezone.now()
    due = Suggestion.objects.filter(
        reply_due__lt=at, replied_at__isnull=True, overdue_at__isnull=True
    ).values_list("pk", flat=True)
    marked = 0
    for pk in list(due):
        with transaction.atomic():
            suggestion = Suggestion.objects.select_for_update().filter(pk=pk).first()
            if (
                suggestion is None
                or suggestion.replied_at is not None
                or suggestion.overdue_at is not None
                or suggestion.reply_due is None
                or suggestion.reply_due >= at
            ):
                continue
            suggestion.overdue_at = at
            suggestion.save(update_fields=["overdue_at"])
            _event(
                suggestion,
                SuggestionAction.OVERDUE,
                actor=None,
                at=at,
                audience=Audience.STAFF,
                note=str(
                    _("The official reply was due by %(due)s.")
                    % {"due": _local(suggestion.reply_due)}
                ),
            )
            marked += 1
    return marked
