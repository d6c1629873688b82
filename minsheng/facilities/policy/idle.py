"""Who may see and follow up idle flags (issue 10, part 4), built on ``policy.register``.

- a flag is seen by those who keep its facility (its managers and keepers) and by the
  flag's owner;
- its follow-up is closed (with the action taken) by its owner or a manager of the
  facility; it is reassigned (owner, deadline) by a manager of the facility only;
- the idle pages are for anyone the facility console is for, and for the owner of a flag;
- which survey questions measure awareness is set by county-wide staff.
"""

from __future__ import annotations

from django.db.models import Q

from minsheng.accounts.types import Actor
from minsheng.regions.models import Region

from ..models import FlagStatus, IdleFlag
from .register import keepers_q, keeps, managed_q, management_scope, manages, uses_facility_console


def flags_q(user: Actor) -> Q | None:
    """The flags ``user`` may see; None: none."""
    managed = managed_q(user, "facility__")
    if managed is not None and not managed:
        # county-wide: every flag. (An empty Q would vanish when or-ed with another.)
        return Q(pk__isnull=False)
    if user is None or not user.is_authenticated:
        return managed
    mine = Q(facility__keepers=user) | Q(owner_id=user.pk)
    return mine if managed is None else managed | mine


def can_use_idle_pages(user: Actor) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return uses_facility_console(user) or IdleFlag.objects.filter(owner_id=user.pk).exists()


def can_see_flag(user: Actor, flag: IdleFlag) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return flag.owner_id == user.pk or keeps(user, flag.facility)


def can_close(user: Actor, flag: IdleFlag) -> bool:
    """Close the follow-up with the action taken: its owner or a manager of the facility."""
    if flag.status != FlagStatus.OPEN or user is None or not user.is_authenticated:
        return False
    return flag.owner_id == user.pk or manages(user, flag.facility)


def can_assign(user: Actor, flag: IdleFlag) -> bool:
    """Give the follow-up another owner or deadline: a manager of the facility."""
    return flag.status == FlagStatus.OPEN and manages(user, flag.facility)


def may_own(user: Actor, flag: IdleFlag) -> bool:
    """Who may be given a flag's follow-up: someone who keeps its facility."""
    return keeps(user, flag.facility)


def owners_q(flag: IdleFlag) -> Q:
    """The users who may be given the flag's follow-up (the ``Q`` form of ``may_own``)."""
    return keepers_q(flag.facility)


def can_set_awareness(user: Actor) -> bool:
    """Choose the survey questions that measure awareness: county-wide staff."""
    scope = management_scope(user)
    return scope is not None and scope.level == Region.Level.COUNTY
