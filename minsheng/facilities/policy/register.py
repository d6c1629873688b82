"""Who may see and manage which facilities: the base every part of ``facilities`` asks.

- **the public** (anyone, signed in or not) sees open facilities and those closed
  temporarily (with their status), never planned or abandoned ones, nor staff-only history;
- **managers**: county administrators manage every facility; a dispatcher manages the
  facilities of their region (a township's dispatcher that township; one scoped to the
  county, all);
- **keepers** (``Facility.keepers``: the village librarian, the clinic's doctor) keep their
  own facility day to day: its use counts, collection, medicines and equipment state,
  activities; they do not change the register;
- everyone else: only what the public sees.

The other policy modules (``use``, ``collections``, ``health``, ``activities``,
``maintenance``) build on ``manages``/``keeps`` and their ``Q`` forms.
"""

from __future__ import annotations

from django.db.models import Q

from minsheng.accounts.models import DISPATCH_ROLES
from minsheng.accounts.selectors import profile_of
from minsheng.accounts.types import Actor
from minsheng.regions.models import Region

from ..models import Facility, Status

PUBLIC_STATUSES = frozenset({Status.OPEN, Status.CLOSED})


def public_q() -> Q:
    """Facilities anyone may see."""
    return Q(status__in=PUBLIC_STATUSES)


def is_public(facility: Facility) -> bool:
    return facility.status in PUBLIC_STATUSES


def management_scope(user: Actor) -> Region | None:
    """The region whose facilities ``user`` manages (everything in it), or None."""
    profile = profile_of(user)
    if profile is None or profile.role not in DISPATCH_ROLES or profile.region is None:
        return None
    if profile.region.level == Region.Level.VILLAGE:
        return None
    return profile.region


def _scope_q(region: Region, prefix: str = "") -> Q:
    if region.level == Region.Level.COUNTY:
        return Q()
    return Q(**{f"{prefix}township_id": region.pk})


def managed_q(user: Actor, prefix: str = "") -> Q | None:
    """Facilities (``prefix`` + fields, e.g. ``"facility__"``) ``user`` manages; None: none."""
    scope = management_scope(user)
    return None if scope is None else _scope_q(scope, prefix)


def manages(user: Actor, facility: Facility) -> bool:
    scope = management_scope(user)
    if scope is None:
        return False
    return scope.level == Region.Level.COUNTY or facility.township_id == scope.pk


def kept_q(user: Actor, prefix: str = "") -> Q | None:
    """Facilities ``user`` manages or keeps; None: none."""
    managed = managed_q(user, prefix)
    if user is None or not user.is_authenticated:
        return managed
    if managed is not None and not managed:
        # The whole county (an empty Q): ``Q() | Q(keepers=...)`` would be the keepers only.
        return managed
    keeps = Q(**{f"{prefix}keepers": user})
    return keeps if managed is None else managed | keeps


def keeps(user: Actor, facility: Facility) -> bool:
    """Whether ``user`` may keep ``facility`` day to day (a manager or one of its keepers)."""
    if manages(user, facility):
        return True
    if user is None or not user.is_authenticated:
        return False
    return facility.keepers.filter(pk=user.pk).exists()


def keepers_q(facility: Facility) -> Q:
    """The users who keep ``facility`` (the ``Q`` form of ``keeps``, over users): its
    keepers, and the dispatchers and county administrators who manage it."""
    managers = Q(profile__role__in=DISPATCH_ROLES, profile__region__level=Region.Level.COUNTY)
    if facility.township_id:
        managers |= Q(profile__role__in=DISPATCH_ROLES, profile__region_id=facility.township_id)
    return Q(pk__in=facility.keepers.values("pk")) | managers


def can_see(user: Actor, facility: Facility) -> bool:
    return is_public(facility) or keeps(user, facility)


def can_manage(user: Actor, facility: Facility) -> bool:
    """Change the register entry (details, status, photos, keepers)."""
    return manages(user, facility)


def can_register_in(user: Actor, region: Region) -> bool:
    """Register a new facility in ``region``."""
    scope = management_scope(user)
    if scope is None:
        return False
    if scope.level == Region.Level.COUNTY:
        return True
    return region.pk == scope.pk or region.parent_id == scope.pk


def uses_facility_console(user: Actor) -> bool:
    """Whether the staff facility console (``/staff/facilities/``) is for ``user``."""
    if management_scope(user) is not None:
        return True
    return (
        user is not None
        and user.is_authenticated
        and Facility.keepers.through.objects.filter(user_id=user.pk).exists()
    )


# --- the register part's pages (issue 10, items 1 and 2) --------------------------------------


def can_register_any(user: Actor) -> bool:
    """Register facilities somewhere (the "new facility" form and the import)."""
    return management_scope(user) is not None


def can_import(user: Actor) -> bool:
    return can_register_any(user)


def can_open_staff_page(user: Actor, facility: Facility) -> bool:
    """The staff page of one facility: its managers and keepers."""
    return keeps(user, facility)


def counts_as_visit(user: Actor, facility: Facility) -> bool:
    """Whether opening the public page counts as a resident finding the facility: staff
    who manage or keep it are not counted."""
    if user is None or not user.is_authenticated:
        return True
    return not keeps(user, facility)


def reads_staff_history(user: Actor, facility: Facility) -> bool:
    """The whole history (staff notes too); everyone else reads the public steps only."""
    return keeps(user, facility)
