"""Who may see and do what with equipment (issue 10, part 7). Builds on ``register``.

- a facility's **equipment register** (its items, their history, its gaps against the
  standard): its keepers and its managers see it and keep it (add an item, change its
  state, record a service or its usage, retire it);
- the **reports** (backward equipment per township and facility, the replacement priority):
  managers, over the region they manage (a township's dispatcher that township, a county
  dispatcher or administrator the county).

Anyone else gets a 404 for a facility they may not see, a 403 for one they may.
"""

from __future__ import annotations

from django.db.models import Q

from minsheng.accounts.types import Actor
from minsheng.regions.models import Region

from ..models import Facility
from .register import can_see, keeps, kept_q, managed_q, management_scope


def can_see_equipment(user: Actor, facility: Facility) -> bool:
    return keeps(user, facility)


def can_keep_equipment(user: Actor, facility: Facility) -> bool:
    """Add items, change their state, record services and usage, retire them."""
    return keeps(user, facility)


def hides_facility(user: Actor, facility: Facility) -> bool:
    """Whether a refusal should be a 404 (the facility itself is hidden from ``user``)."""
    return not can_see(user, facility)


def equipment_facilities_q(user: Actor) -> Q | None:
    """Facilities whose equipment ``user`` sees; None: none."""
    return kept_q(user)


def can_see_reports(user: Actor) -> bool:
    return management_scope(user) is not None


def report_scope(user: Actor) -> Region | None:
    """The region the reports cover for ``user`` (None: no reports)."""
    return management_scope(user)


def can_report_on(user: Actor, region: Region) -> bool:
    """Whether ``user`` may see the reports of ``region`` (their scope or a township in it)."""
    scope = management_scope(user)
    if scope is None:
        return False
    if scope.level == Region.Level.COUNTY:
        return region.level in (Region.Level.COUNTY, Region.Level.TOWNSHIP)
    return region.pk == scope.pk


def reported_q(user: Actor) -> Q | None:
    """Facilities in the reports ``user`` sees; None: none."""
    return managed_q(user)
