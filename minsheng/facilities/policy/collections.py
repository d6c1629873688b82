"""Who may see and do what: the collections part (issue 10). Builds on register.

- a collection belongs to a facility whose kind holds one (``LIBRARIES``: bookshops);
- its keepers and its managers (``register.keeps``) see its staff page, change its titles,
  import them and read its acquisition list;
- the collections console (``/staff/facilities/collections/``) is for managers and for
  keepers of a library, each seeing the libraries they keep or manage;
- anyone reads the figures and titles of a public library (``register.is_public``).
"""

from __future__ import annotations

from django.db.models import Q

from minsheng.accounts.types import Actor

from ..models import LIBRARIES, Facility
from .register import is_public, keeps, kept_q, managed_q, management_scope


def holds_collection(facility: Facility) -> bool:
    return facility.kind in LIBRARIES


def libraries_q() -> Q:
    return Q(kind__in=sorted(LIBRARIES))


def kept_libraries_q(user: Actor) -> Q | None:
    """The libraries ``user`` keeps or manages; None: none."""
    managed = managed_q(user)
    if managed is not None and not managed:
        # The county's scope is the empty Q (everything); ``Q() | Q(keepers=…)`` would be
        # only the keepers' rows (Django drops an empty operand), so it stands alone.
        return libraries_q()
    kept = kept_q(user)
    return None if kept is None else kept & libraries_q()


def uses_collections_console(user: Actor) -> bool:
    if management_scope(user) is not None:
        return True
    if user is None or not user.is_authenticated:
        return False
    return Facility.objects.filter(libraries_q(), keepers=user).exists()


def can_keep_collection(user: Actor, facility: Facility) -> bool:
    """See the staff page, add, change, remove and import titles, read the acquisitions."""
    return holds_collection(facility) and keeps(user, facility)


def can_read_collection(user: Actor, facility: Facility) -> bool:
    """The public read (``/api/v1/facilities/<id>/collection/``): a public library."""
    return holds_collection(facility) and is_public(facility)
