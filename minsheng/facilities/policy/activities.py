"""Who may see and do what: the activities part (issue 10). Builds on register.

- **anyone** sees activities once announced (announced, held, or cancelled after being
  announced); drafts only their organisers;
- **organisers** of an activity: staff managing its township (a township's dispatcher, a
  county administrator) and the keepers of its facility. They create activities (a keeper
  only at a facility they keep), edit, announce, cancel, record attendance and mark held;
- **residents** (the resident role, signed in) sign up and withdraw, and rate an activity
  once it is held if they signed up for it;
- the **variety** table is for those with a management scope (their township or the county).
"""

from __future__ import annotations

from django.db.models import Q

from minsheng.accounts.models import Role
from minsheng.accounts.selectors import profile_of
from minsheng.accounts.types import Actor
from minsheng.regions.models import Region

from ..models import Activity, ActivityStatus, Facility
from .register import keeps, management_scope, uses_facility_console

PUBLIC_STATUSES = frozenset({ActivityStatus.ANNOUNCED, ActivityStatus.HELD})
SIGNUP_STATUSES = frozenset({ActivityStatus.ANNOUNCED})


def public_q() -> Q:
    """Activities anyone may read: announced or held, or cancelled after being announced."""
    return Q(status__in=PUBLIC_STATUSES) | Q(
        status=ActivityStatus.CANCELLED, announced_at__isnull=False
    )


def is_public(activity: Activity) -> bool:
    return activity.status in PUBLIC_STATUSES or (
        activity.status == ActivityStatus.CANCELLED and activity.announced_at is not None
    )


def manages_village(user: Actor, village: Region) -> bool:
    """Whether ``user`` is staff managing ``village``'s township (or the county)."""
    scope = management_scope(user)
    if scope is None:
        return False
    return scope.level == Region.Level.COUNTY or village.parent_id == scope.pk


def organised_q(user: Actor) -> Q | None:
    """Activities ``user`` organises; None: none."""
    scope = management_scope(user)
    managed: Q | None = None
    if scope is not None:
        managed = Q() if scope.level == Region.Level.COUNTY else Q(township_id=scope.pk)
    if user is None or not user.is_authenticated:
        return managed
    kept = Q(facility__keepers=user)
    return kept if managed is None else managed | kept


def organises(user: Actor, activity: Activity) -> bool:
    if manages_village(user, activity.village):
        return True
    return activity.facility is not None and keeps(user, activity.facility)


def can_organise_at(user: Actor, village: Region, facility: Facility | None) -> bool:
    """Create (or move) an activity to ``village`` (at ``facility``)."""
    if manages_village(user, village):
        return True
    return facility is not None and keeps(user, facility)


def can_see(user: Actor, activity: Activity) -> bool:
    return is_public(activity) or organises(user, activity)


def uses_console(user: Actor) -> bool:
    """Whether the staff activities page is for ``user``: managers and facility keepers,
    the same people the facility console is for."""
    return uses_facility_console(user)


def can_see_variety(user: Actor) -> bool:
    return management_scope(user) is not None


def variety_villages_q(user: Actor) -> Q | None:
    """The villages whose variety ``user`` reads (``Region`` rows); None: none."""
    scope = management_scope(user)
    if scope is None:
        return None
    q = Q(level=Region.Level.VILLAGE)
    return q if scope.level == Region.Level.COUNTY else q & Q(parent_id=scope.pk)


def is_resident(user: Actor) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.role == Role.RESIDENT and bool(user and user.is_active)


def can_sign_up(user: Actor, activity: Activity) -> bool:
    """Offer the sign-up (the service checks the time, the places and that it is once)."""
    return is_resident(user) and activity.status in SIGNUP_STATUSES


def can_edit(activity: Activity) -> bool:
    return activity.status in (ActivityStatus.DRAFT, ActivityStatus.ANNOUNCED)
