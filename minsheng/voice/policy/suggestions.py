"""Who may do what with suggestions: the one place that answers it.

- posting: a signed-in resident (for themself), or a grid worker for a resident whose home
  is in the grid worker's region, at a place in that region; never someone banned;
- supporting: a signed-in resident, not banned, not the author, once;
- reporting: anyone signed in, not banned, once per suggestion;
- replying and moderating (hide, show again, ban the author): the dispatchers of the
  suggestion's township (a dispatcher scoped to the county: every township) and county
  administrators;
- reading: everyone reads a shown suggestion; a hidden one's text only its moderators.

Pages, templates (through context values), the REST API and the services ask these;
nobody else reads roles. ``moderated_q`` / ``public_q`` are the same rules for lists.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.models import DISPATCH_ROLES, Role
from minsheng.accounts.selectors import profile_of
from minsheng.accounts.types import Actor
from minsheng.core.errors import Code, PermissionDenied
from minsheng.orders.models import Audience
from minsheng.regions.models import Region
from minsheng.voice.errors import SuggestionCode
from minsheng.voice.models import Ban, Suggestion


def _signed_in(user: Actor) -> bool:
    return user is not None and user.is_authenticated


def is_banned(user: Actor) -> bool:
    """An active ban (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or user.pk is None:
        return False
    cached: bool | None = getattr(user, "_minsheng_banned", None)
    if cached is None:
        cached = Ban.objects.filter(user_id=user.pk, lifted_at__isnull=True).exists()
        user._minsheng_banned = cached  # type: ignore[attr-defined]
    return cached


def forget_ban(user: Actor) -> None:
    """Drop the cached answer of ``is_banned`` (after a ban or a lift)."""
    if user is not None and hasattr(user, "_minsheng_banned"):
        del user._minsheng_banned


def _role(user: Actor) -> str | None:
    profile = profile_of(user)
    return profile.role if profile is not None else None


def _region_holds(region: Region | None, township_id: int | None, region_id: int) -> bool:
    """Whether ``region`` (a staff member's) holds a place in ``township_id``."""
    if region is None:
        return False
    if region.level == Region.Level.COUNTY:
        return True
    if region.level == Region.Level.TOWNSHIP:
        return township_id == region.pk
    return region_id == region.pk


# --- posting ----------------------------------------------------------------------------------


def can_post_any(user: Actor) -> bool:
    """Whether the user may post suggestions at all (the form is theirs to open)."""
    return _role(user) in (Role.RESIDENT, Role.GRID_WORKER) and not is_banned(user)


def can_post_at(user: Actor, region: Region) -> bool:
    """Whether the user may post about ``region`` (a village or township): residents
    anywhere in the county; a grid worker within their own region."""
    if not can_post_any(user) or region.level == Region.Level.COUNTY:
        return False
    profile = profile_of(user)
    assert profile is not None
    if profile.role == Role.RESIDENT:
        return True
    return _region_holds(profile.region, region.township_id, region.pk)


def can_post_for(user: Actor, resident: Actor) -> bool:
    """Whether the user may post in the name of ``resident``: themself as a resident; a
    grid worker for a resident whose home is in the grid worker's region."""
    if not can_post_any(user) or not _signed_in(resident):
        return False
    profile, theirs = profile_of(user), profile_of(resident)
    if profile is None or theirs is None or theirs.role != Role.RESIDENT:
        return False
    if profile.role == Role.RESIDENT:
        assert user is not None and resident is not None
        return bool(user.pk == resident.pk)
    home = theirs.region
    return home is not None and _region_holds(profile.region, home.township_id, home.pk)


def posts_for_others(user: Actor) -> bool:
    """Whether the user posts in a resident's name (a grid worker), not in their own."""
    return _role(user) == Role.GRID_WORKER


def residents_for_q(user: Actor) -> Q | None:
    """The residents a grid worker may post for (``Profile`` rows), or None."""
    profile = profile_of(user)
    if profile is None or profile.role != Role.GRID_WORKER or profile.region is None:
        return None
    region = profile.region
    if region.level == Region.Level.COUNTY:
        return Q(role=Role.RESIDENT)
    if region.level == Region.Level.TOWNSHIP:
        return Q(role=Role.RESIDENT) & (Q(region=region) | Q(region__parent=region))
    return Q(role=Role.RESIDENT, region=region)


# --- support and reports ----------------------------------------------------------------------


def supporter_township(user: Actor) -> int | None:
    """The township a support is counted for: the supporter's home township (residents
    only; anyone else's support counts toward no township's threshold)."""
    profile = profile_of(user)
    if profile is None or profile.role != Role.RESIDENT or profile.region is None:
        return None
    return profile.region.township_id


def can_support(user: Actor, suggestion: Suggestion) -> bool:
    """Residents support, once, never their own suggestion, nor a hidden one."""
    return (
        _role(user) == Role.RESIDENT
        and not is_banned(user)
        and user is not None
        and suggestion.author_id != user.pk
        and suggestion.hidden_at is None
    )


def support_refusal(user: Actor, suggestion: Suggestion) -> PermissionDenied | None:
    """Why ``user`` may not support (None: they may; a second support is the service's
    own refusal, answered from the table)."""
    if not _signed_in(user):
        return PermissionDenied.single(Code.LOGIN_REQUIRED, _("Please log in first."))
    if is_banned(user):
        return banned()
    assert user is not None
    if suggestion.author_id == user.pk:
        return PermissionDenied.single(
            SuggestionCode.OWN_SUGGESTION,
            _("You posted this suggestion: your own support does not count."),
        )
    if suggestion.hidden_at is not None:
        return PermissionDenied.single(
            Code.NOT_PERMITTED, _("This suggestion is hidden: it cannot be supported.")
        )
    if not can_support(user, suggestion):
        return PermissionDenied.single(Code.NOT_PERMITTED, _("Only residents support suggestions."))
    return None


def can_flag(user: Actor, suggestion: Suggestion) -> bool:
    """Anyone signed in and not banned reports (once: the service checks)."""
    return _signed_in(user) and not is_banned(user)


def banned() -> PermissionDenied:
    return PermissionDenied.single(
        SuggestionCode.BANNED,
        _("You are barred from posting, supporting and reporting suggestions."),
    )


# --- replies and moderation -------------------------------------------------------------------


def _staff_of(user: Actor, suggestion: Suggestion) -> bool:
    profile = profile_of(user)
    return (
        profile is not None
        and profile.role in DISPATCH_ROLES
        and _region_holds(profile.region, suggestion.township_id, suggestion.region_id)
    )


def owes_reply_q(suggestion: Suggestion) -> Q:
    """The ``User`` filter that means :func:`can_reply` for this suggestion: who is told a
    reply is owed."""
    return Q(profile__role__in=DISPATCH_ROLES) & (
        Q(profile__region__level=Region.Level.COUNTY)
        | Q(profile__region_id=suggestion.township_id)
        | Q(profile__region_id=suggestion.region_id)
    )


def can_reply(user: Actor, suggestion: Suggestion) -> bool:
    """Dispatchers of the suggestion's township and county administrators."""
    return _staff_of(user, suggestion)


def can_moderate(user: Actor, suggestion: Suggestion) -> bool:
    """Hide, show again, ban the author: the same staff as the reply."""
    return _staff_of(user, suggestion)


def can_lift_ban(user: Actor, ban: Ban) -> bool:
    """County-wide moderators lift any ban; others the bans they set."""
    profile = profile_of(user)
    if profile is None or profile.role not in DISPATCH_ROLES or profile.region is None:
        return False
    assert user is not None
    return profile.region.level == Region.Level.COUNTY or ban.created_by_id == user.pk


def can_use_staff_page(user: Actor) -> bool:
    """The staff page of suggestions: dispatchers and county administrators."""
    profile = profile_of(user)
    return profile is not None and profile.role in DISPATCH_ROLES and profile.region is not None


def staff_q(user: Actor) -> Q | None:
    """The suggestions ``user`` replies to and moderates, or None for none."""
    profile = profile_of(user)
    if profile is None or profile.role not in DISPATCH_ROLES or profile.region is None:
        return None
    region = profile.region
    if region.level == Region.Level.COUNTY:
        return Q()
    if region.level == Region.Level.TOWNSHIP:
        return Q(township_id=region.pk)
    return Q(region_id=region.pk)


def bans_q(user: Actor) -> Q | None:
    """The bans ``user`` sees on the staff page: all for county-wide staff, else those they
    set and those of authors of the suggestions they moderate."""
    profile = profile_of(user)
    scope = staff_q(user)
    if profile is None or scope is None:
        return None
    if not scope:  # the whole county
        return Q()
    authors = Suggestion.objects.filter(scope).values("author_id")
    return Q(created_by_id=profile.user_id) | Q(user_id__in=authors)


# --- reading ----------------------------------------------------------------------------------


def public_q() -> Q:
    """What everyone reads in lists and counts: suggestions not hidden."""
    return Q(hidden_at__isnull=True)


def can_read_text(user: Actor, suggestion: Suggestion) -> bool:
    """Whether the user reads the title and text: everyone while shown; once hidden, its
    moderators only (the public reads the reason)."""
    return suggestion.hidden_at is None or can_moderate(user, suggestion)


def audiences_for(user: Actor, suggestion: Suggestion) -> list[str]:
    """Which events of the history the user reads: everyone the public ones; the author
    also those for residents; its staff all."""
    if _staff_of(user, suggestion):
        return [Audience.PUBLIC, Audience.RESIDENT, Audience.STAFF]
    if _signed_in(user) and user is not None and suggestion.author_id == user.pk:
        return [Audience.PUBLIC, Audience.RESIDENT]
    return [Audience.PUBLIC]


def require_reply(user: Actor, suggestion: Suggestion) -> None:
    if not can_reply(user, suggestion):
        raise PermissionDenied.single(
            Code.NOT_PERMITTED,
            _("Only the township's dispatchers and county administrators reply."),
        )


def require_moderate(user: Actor, suggestion: Suggestion) -> None:
    if not can_moderate(user, suggestion):
        raise PermissionDenied.single(
            Code.NOT_PERMITTED,
            _("Only the township's dispatchers and county administrators moderate."),
        )
