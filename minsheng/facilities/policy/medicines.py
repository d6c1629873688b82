"""Who may see and do what: the medicines part (issue 10, item 6). Builds on register.

- **the public** sees the reference list and what a public clinic or health centre may
  dispense (residents want to know before they walk there);
- a facility's **keepers and managers** (``register.keeps``) see and edit its dispensing
  list and what residents asked for that it lacks;
- **managers** (``register.management_scope``: county administrators, township and county
  dispatchers) see the report per township, for the facilities they manage;
- the reference list itself is edited in the admin (county administrators with staff
  access) or loaded by the ``medicines_load`` command.
"""

from __future__ import annotations

from django.db.models import Q

from minsheng.accounts.types import Actor

from ..models import HEALTH, Facility
from . import register


def dispenses(facility: Facility) -> bool:
    """Whether ``facility`` is of a kind that keeps a dispensing list."""
    return facility.kind in HEALTH


def can_see_dispensing(user: Actor, facility: Facility) -> bool:
    """Read the facility's dispensing list (public for a public clinic)."""
    return dispenses(facility) and register.can_see(user, facility)


def public_dispensing(facility: Facility) -> bool:
    """The list anyone may read through ``/api/v1/facilities/<id>/medicines/``."""
    return dispenses(facility) and register.is_public(facility)


def can_keep_medicines(user: Actor, facility: Facility) -> bool:
    """Edit the dispensing list; see what residents asked for that the facility lacks."""
    return dispenses(facility) and register.keeps(user, facility)


def can_see_medicines_report(user: Actor) -> bool:
    """Open the report per township (``/staff/facilities/medicines/``)."""
    return register.management_scope(user) is not None


def report_q(user: Actor, prefix: str = "") -> Q | None:
    """The facilities whose figures ``user`` sees in the report; None: none."""
    return register.managed_q(user, prefix)
