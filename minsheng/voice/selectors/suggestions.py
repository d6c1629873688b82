"""Reads of the suggestions part: the public list and its filters, one suggestion as a
reader reads it (its history filtered by ``policy``), the staff queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from minsheng.accounts.models import Profile
from minsheng.accounts.types import Actor
from minsheng.catalog.models import Service, ServiceArea
from minsheng.regions.models import Region
from minsheng.voice import suggestion_rules as rules
from minsheng.voice.models import Ban, Flag, Suggestion, SuggestionEvent, SuggestionStatus, Support
from minsheng.voice.policy import suggestions as policy

JOINS = ("region", "region__parent", "area", "service", "result_service", "author__profile")
SORTS = {
    "support": ("-support_count", "-created_at", "-pk"),
    "newest": ("-created_at", "-pk"),
}


@dataclass(frozen=True)
class Filters:
    """The public list's filters, already read: a place (a township or village), a
    status, a service area (by code), a sort (``SORTS``)."""

    place: Region | None = None
    status: str = ""
    area: str = ""
    sort: str = "support"


def place_q(place: Region) -> Q:
    if place.level == Region.Level.COUNTY:
        return Q()
    if place.level == Region.Level.TOWNSHIP:
        return Q(township_id=place.pk)
    return Q(region_id=place.pk)


def public_suggestions(filters: Filters | None = None) -> QuerySet[Suggestion]:
    """What everyone reads: the suggestions not hidden, filtered and sorted."""
    f = filters or Filters()
    qs = Suggestion.objects.filter(policy.public_q()).select_related(*JOINS)
    if f.place is not None:
        qs = qs.filter(place_q(f.place))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.area:
        qs = qs.filter(area__code=f.area)
    return qs.order_by(*SORTS.get(f.sort, SORTS["support"]))


def suggestion_by_id(pk: int) -> Suggestion | None:
    """One suggestion, hidden or not (what of it a reader reads is ``reading_of``)."""
    return Suggestion.objects.select_related(*JOINS, "hidden_by").filter(pk=pk).first()


def history_for(user: Actor, suggestion: Suggestion) -> QuerySet[SuggestionEvent]:
    """The steps of its history the user may read, oldest first."""
    return (
        SuggestionEvent.objects.filter(
            suggestion=suggestion, audience__in=policy.audiences_for(user, suggestion)
        )
        .select_related("actor__profile")
        .order_by("created_at", "pk")
    )


def has_supported(user: Actor, suggestion: Suggestion) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Support.objects.filter(suggestion=suggestion, user_id=user.pk).exists()


def has_reported(user: Actor, suggestion: Suggestion) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Flag.objects.filter(suggestion=suggestion, reporter_id=user.pk).exists()


def timeliness(suggestion: Suggestion, now: datetime | None = None) -> rules.Timeliness:
    return rules.ReplyClock(suggestion.reply_due, suggestion.replied_at).at(now or timezone.now())


# --- staff ------------------------------------------------------------------------------------


def staff_suggestions(user: Actor) -> QuerySet[Suggestion]:
    scope = policy.staff_q(user)
    if scope is None:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(scope).select_related(*JOINS)


def replies_owed(user: Actor) -> QuerySet[Suggestion]:
    """Past the threshold, not replied: earliest due first (so the overdue come first)."""
    return (
        staff_suggestions(user)
        .filter(threshold_reached_at__isnull=False, replied_at__isnull=True)
        .order_by("reply_due", "pk")
    )


def moderation_queue(user: Actor) -> QuerySet[Suggestion]:
    """Reported or hidden: the most reported first."""
    reported = Flag.objects.filter(suggestion=OuterRef("pk"))
    return (
        staff_suggestions(user)
        .filter(Q(Exists(reported)) | Q(hidden_at__isnull=False))
        .annotate(reports=Count("flags", distinct=True))
        .order_by("-reports", "-created_at", "pk")
    )


def flags_of(suggestions: list[Suggestion]) -> dict[int, list[Flag]]:
    """The reports of these suggestions, in one query."""
    out: dict[int, list[Flag]] = {s.pk: [] for s in suggestions}
    for flag in (
        Flag.objects.filter(suggestion__in=[s.pk for s in suggestions])
        .select_related("reporter__profile")
        .order_by("created_at", "pk")
    ):
        out[flag.suggestion_id].append(flag)
    return out


def active_bans(user: Actor) -> QuerySet[Ban]:
    scope = policy.bans_q(user)
    if scope is None:
        return Ban.objects.none()
    return (
        Ban.objects.filter(scope, lifted_at__isnull=True)
        .select_related("user__profile", "created_by__profile")
        .order_by("-created_at", "pk")
    )


def open_statuses() -> list[str]:
    return [s for s in SuggestionStatus.values if s not in rules.FINAL]


def author_banned(suggestion: Suggestion) -> bool:
    return Ban.objects.filter(user_id=suggestion.author_id, lifted_at__isnull=True).exists()


# --- the forms' choices -----------------------------------------------------------------------


def residents_for(user: Actor, limit: int = 500) -> list[Profile]:
    """The residents a grid worker may post for, by name (none for others)."""
    scope = policy.residents_for_q(user)
    if scope is None:
        return []
    qs = Profile.objects.filter(scope, user__is_active=True).select_related("region")
    return list(qs.order_by("display_name", "pk")[:limit])


def menu_services(*, published_only: bool = True) -> QuerySet[Service]:
    qs = Service.objects.all() if not published_only else Service.objects.filter(published=True)
    return qs.order_by("code")


def service_areas() -> QuerySet[ServiceArea]:
    return ServiceArea.objects.order_by("position", "pk")


def region_with_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first() if code and "\x00" not in code else None
