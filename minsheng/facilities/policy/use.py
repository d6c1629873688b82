"""Who may see and do what: the use part (issue 10). Builds on register.

- **entering and reading use counts** (the entry page, the import, the daily series over
  the API): those who keep the facility day to day, its keepers and its managers
  (``register.keeps``);
- **counter devices** (create one and see its key once, revoke it, see when it last
  posted): the facility's managers only (``register.manages``), since a key lets a machine
  write counts;
- **the import page**: anyone the staff facility console is for; each row is then checked
  against the facility it names;
- infrastructure (roads, bridges, water works, street lights) has no use counts of its own,
  and a planned or abandoned facility none yet or any more: nothing may be entered there.
"""

from __future__ import annotations

from django.db.models import Q

from minsheng.accounts.types import Actor

from ..models import INFRASTRUCTURE, Facility, Status
from . import register

# A facility that may have use counts: open, or closed for a while (its past days still count).
COUNTED_STATUSES = frozenset({Status.OPEN, Status.CLOSED})


def is_counted(facility: Facility) -> bool:
    """Whether ``facility`` has use counts at all (not infrastructure, open or closed)."""
    return facility.kind not in INFRASTRUCTURE and facility.status in COUNTED_STATUSES


def can_see_use(user: Actor, facility: Facility) -> bool:
    """Read the daily counts, the month's table and the chart."""
    return register.keeps(user, facility)


def can_enter_use(user: Actor, facility: Facility) -> bool:
    """Enter (or import) counts for ``facility``."""
    return register.keeps(user, facility)


def entered_q(user: Actor, prefix: str = "") -> Q | None:
    """Facilities ``user`` may enter counts for (the ``Q`` form of ``can_enter_use``)."""
    return register.kept_q(user, prefix)


def may_import_use(user: Actor) -> bool:
    """Open the import page (each row is checked with ``can_enter_use``)."""
    return register.uses_facility_console(user)


def can_manage_devices(user: Actor, facility: Facility) -> bool:
    """Create and revoke counter devices, and see their list."""
    return register.manages(user, facility)
