"""Who may see and do what: the maintenance part (issue 10). Builds on register.

Maintenance is the managers' work (``register.manages``): the county administrator and a
county-scoped dispatcher for every asset, a township's dispatcher for its township's. They
keep the plans, the work orders (and link residents' repair orders to them), and enter the
budget of their region (the county's people the county's and any township's; a township's
dispatcher their township's); they read the projection of their scope. Keepers (the village
librarian, the clinic's doctor) and everyone else see none of it.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import Code, PermissionDenied
from minsheng.regions.models import Region

from ..models import Facility, Kind, WorkOrder
from .register import managed_q, management_scope, manages

# The menu's repair services and the assets a resident's order of each may be about: a
# pothole or a broken bridge rail is road repair, a street light that is out a power fault,
# a broken fitness machine on the sports ground an equipment repair. A building's pipes and
# wiring (a clinic, a bookshop...) are water and power repairs.
ROAD_REPAIR = "road-repair"
REPAIR_SERVICES: dict[str, frozenset[str]] = {
    Kind.ROAD: frozenset({ROAD_REPAIR}),
    Kind.BRIDGE: frozenset({ROAD_REPAIR}),
    Kind.WATER: frozenset({"water-repair"}),
    Kind.LIGHTS: frozenset({"power-repair"}),
    Kind.SPORTS: frozenset({"fitness-equipment-repair", "power-repair", "water-repair"}),
}
BUILDING_REPAIRS = frozenset({"water-repair", "power-repair"})


def repair_services(kind: str) -> frozenset[str]:
    """The codes of the menu services whose orders may be about an asset of ``kind``."""
    return REPAIR_SERVICES.get(kind, BUILDING_REPAIRS)


def can_see_maintenance(user: Actor) -> bool:
    """The maintenance overview (overdue work, the projection, budgets)."""
    return management_scope(user) is not None


def maintained_q(user: Actor, prefix: str = "") -> Q | None:
    """Assets (``prefix`` + fields) whose maintenance ``user`` keeps; None: none."""
    return managed_q(user, prefix)


def can_maintain(user: Actor, facility: Facility) -> bool:
    """Plans, work orders and linking orders on ``facility``."""
    return manages(user, facility)


def can_work_on(user: Actor, work_order: WorkOrder) -> bool:
    return manages(user, work_order.facility)


def can_project(user: Actor, region: Region) -> bool:
    """Read the projection of ``region`` (the county or a township)."""
    scope = management_scope(user)
    if scope is None or region.level not in (Region.Level.COUNTY, Region.Level.TOWNSHIP):
        return False
    return scope.level == Region.Level.COUNTY or region.pk == scope.pk


def can_budget(user: Actor, region: Region) -> bool:
    """Enter the maintenance budget of ``region`` (the county or a township)."""
    return can_project(user, region)


def regions_of(user: Actor) -> list[Region]:
    """The regions whose projection ``user`` may read: the county first, then townships."""
    scope = management_scope(user)
    if scope is None:
        return []
    if scope.level == Region.Level.TOWNSHIP:
        return [scope]
    townships = Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code")
    county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code")
    return [*county, *townships]


def not_permitted() -> PermissionDenied:
    return PermissionDenied.single(Code.NOT_PERMITTED, _("You may not maintain this asset."), None)


def require(may: bool) -> None:
    if not may:
        raise not_permitted()
