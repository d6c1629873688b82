"""Who may see the demand analysis, and of which regions: the one place that answers it.

- county administrators: the whole county (their region is the county);
- dispatchers: their region (a township's dispatcher their township; one scoped to the
  county, the county);
- grid workers: their village (the one they order for and visit), read only: the figures,
  the map and the exports of it, not the estimate;
- residents, provider staff and anyone without a region: nothing.

The estimate of a proposed menu item is planning: county administrators and dispatchers,
for target townships within their scope. Pages, REST and selectors ask these functions.
"""

from __future__ import annotations

from django.db.models import Q

from minsheng.accounts.models import DISPATCH_ROLES, Role
from minsheng.accounts.selectors import profile_of
from minsheng.accounts.types import Actor
from minsheng.regions.models import Region

SEES_DEMAND = DISPATCH_ROLES | {Role.GRID_WORKER}


def demand_scope(user: Actor) -> Region | None:
    """The region whose demand ``user`` may see (everything below it), or None."""
    profile = profile_of(user)
    if profile is None or profile.role not in SEES_DEMAND or profile.region is None:
        return None
    region = profile.region
    if profile.role == Role.GRID_WORKER and region.level != Region.Level.VILLAGE:
        return None  # a grid worker's region is a village; anything wider is not theirs
    return region


def can_see_demand(user: Actor) -> bool:
    return demand_scope(user) is not None


def within(scope: Region, region: Region) -> bool:
    """Whether ``region`` is ``scope`` or below it."""
    if scope.level == Region.Level.COUNTY:
        return True
    if scope.level == Region.Level.TOWNSHIP:
        return region.pk == scope.pk or (
            region.level == Region.Level.VILLAGE and region.parent_id == scope.pk
        )
    return region.pk == scope.pk


def can_see_region(user: Actor, region: Region) -> bool:
    scope = demand_scope(user)
    return scope is not None and within(scope, region)


def villages_q(user: Actor, prefix: str = "") -> Q | None:
    """A filter on snapshot rows (``prefix`` + ``village``/``township``) for the villages
    ``user`` may see; None for nothing."""
    scope = demand_scope(user)
    if scope is None:
        return None
    if scope.level == Region.Level.COUNTY:
        return Q()
    if scope.level == Region.Level.TOWNSHIP:
        return Q(**{f"{prefix}township_id": scope.pk})
    return Q(**{f"{prefix}village_id": scope.pk})


def can_estimate(user: Actor) -> bool:
    """The "what would people order" estimate (planning a menu item)."""
    profile = profile_of(user)
    return (
        profile is not None
        and profile.role in DISPATCH_ROLES
        and profile.region is not None
        and profile.region.level != Region.Level.VILLAGE
    )


def can_estimate_for(user: Actor, township: Region) -> bool:
    return can_estimate(user) and can_see_region(user, township)


# --- Planning (issue 11): indicators, the shortest plank, allocation, siting, reports -----
#
# - county administrators and county-scoped dispatchers: the whole county's planning: see
#   every figure, run allocations and sitings, download the monthly report;
# - a township's dispatcher: their township's figures (its villages, barrel and trend) and
#   the county's totals for comparison; they do not run county budget allocations or
#   sitings, which commit the county's money;
# - county administrators alone edit indicators and standards, import statistics, and set
#   spending bands and local weights;
# - grid workers, residents, provider staff and anyone without a region: nothing.


def planning_scope(user: Actor) -> Region | None:
    """The region whose planning figures ``user`` may see (everything below it), or None."""
    profile = profile_of(user)
    if profile is None or profile.role not in DISPATCH_ROLES or profile.region is None:
        return None
    if profile.region.level == Region.Level.VILLAGE:
        return None
    return profile.region


def can_see_planning(user: Actor) -> bool:
    return planning_scope(user) is not None


def can_see_planning_region(user: Actor, region: Region) -> bool:
    scope = planning_scope(user)
    return scope is not None and within(scope, region)


def scope_regions_q(scope: Region, field: str = "region") -> Q:
    """The regions shown to someone planning ``scope``: the county sees all; a township its
    own row, its villages' and the county's row (the comparison)."""
    if scope.level == Region.Level.COUNTY:
        return Q()
    return (
        Q(**{f"{field}_id": scope.pk})
        | Q(**{f"{field}__parent_id": scope.pk})
        | Q(**{f"{field}__level": Region.Level.COUNTY})
    )


def can_run_plans(user: Actor) -> bool:
    """Run (and save) a county budget allocation or a siting."""
    scope = planning_scope(user)
    return scope is not None and scope.level == Region.Level.COUNTY


def can_see_run(user: Actor, run_scope: Region) -> bool:
    """A saved allocation or siting run, by the region it was run for."""
    return can_see_planning_region(user, run_scope)


def can_configure_indicators(user: Actor) -> bool:
    """Edit indicators and standards, import statistics, set spending bands and weights."""
    profile = profile_of(user)
    return (
        profile is not None
        and profile.role == Role.COUNTY_ADMIN
        and profile.region is not None
        and profile.region.level == Region.Level.COUNTY
    )


def can_download_report(user: Actor) -> bool:
    """The monthly PDF report for the county leadership."""
    return can_run_plans(user)
