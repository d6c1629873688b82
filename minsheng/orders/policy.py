"""Who may see and do what with an order: roles and region scopes.

One place answers it for the web pages, the API and the services, so a township's
dispatcher sees and acts on its own township's orders only, everywhere.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from minsheng.accounts.models import DISPATCH_ROLES, Profile, Role
from minsheng.accounts.selectors import profile_of
from minsheng.orders.models import DISPATCH_QUEUE_STATUSES, Order, OrderEvent
from minsheng.regions.models import Region


def region_scope_q(region: Region | None) -> Q:
    """Orders inside a staff member's region (None or the county: everything)."""
    if region is None or region.level == Region.Level.COUNTY:
        return Q()
    if region.level == Region.Level.TOWNSHIP:
        return Q(township_id=region.pk)
    return Q(region_id=region.pk)


def in_region_scope(region: Region | None, order: Order) -> bool:
    if region is None or region.level == Region.Level.COUNTY:
        return True
    if region.level == Region.Level.TOWNSHIP:
        return order.township_id == region.pk
    return order.region_id == region.pk


def provider_ids_of(user: Any) -> list[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_minsheng_provider_ids", None)
    if cached is None:
        cached = list(user.providers.filter(active=True).values_list("pk", flat=True))
        user._minsheng_provider_ids = cached
    return list(cached)


def visible_orders_q(user: Any) -> Q | None:
    """A filter for the orders ``user`` may see, or None for nothing at all."""
    profile = profile_of(user)
    if profile is None:
        return None
    role = profile.role
    if role in DISPATCH_ROLES:
        return region_scope_q(profile.region)
    if role == Role.GRID_WORKER:
        # A grid worker sees what they entered and their own village; one without a
        # region sees only what they entered (never the whole county by default).
        own = Q(created_by=user) | Q(resident=user)
        if profile.region is None:
            return own
        scope = region_scope_q(profile.region)
        # Q() | x would drop the empty (match-all) side: a county-level scope is everything.
        return scope if not scope else own | scope
    if role == Role.PROVIDER_STAFF:
        ids = provider_ids_of(user)
        if not ids:
            return Q(pk__in=[])
        # Orders assigned to them now, and those they once held (declined, timed out).
        handled = OrderEvent.objects.filter(provider_id__in=ids).values("order_id")
        return Q(provider_id__in=ids) | Q(pk__in=handled)
    return Q(resident=user)


def is_dispatcher_for(profile: Profile | None, order: Order) -> bool:
    return (
        profile is not None
        and profile.role in DISPATCH_ROLES
        and in_region_scope(profile.region, order)
    )


def is_staff_for(profile: Profile | None, order: Order) -> bool:
    """Staff who may act for a resident on this order (callbacks, cancellation on request).

    Dispatchers and administrators within their region (none: the county); grid workers
    within their region, or on the orders they entered.
    """
    if profile is None:
        return False
    if profile.role in DISPATCH_ROLES:
        return in_region_scope(profile.region, order)
    if profile.role == Role.GRID_WORKER:
        if order.created_by_id is not None and order.created_by_id == profile.user_id:
            return True
        return profile.region is not None and in_region_scope(profile.region, order)
    return False


def is_provider_staff_for(user: Any, provider_id: int | None) -> bool:
    return provider_id is not None and provider_id in provider_ids_of(user)


def is_resident_of(user: Any, order: Order) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and order.resident_id is not None
        and order.resident_id == user.pk
    )


def coverage_q(provider_ids: list[int]) -> Q:
    """Orders inside the coverage of any of these (active) providers: place and category.

    The same rule as ``catalog.selectors.providers_serving`` seen from the order's side:
    a provider serving a village, its township or the county covers an order placed there.
    """
    from minsheng.catalog.models import Provider

    q = Q(pk__in=[])
    providers = Provider.objects.filter(pk__in=provider_ids, active=True).prefetch_related(
        "regions", "categories"
    )
    for provider in providers:
        regions = [r.pk for r in provider.regions.all()]
        categories = [c.pk for c in provider.categories.all()]
        areas = {c.area_id for c in provider.categories.all()}
        place = Q(region_id__in=regions) | Q(township_id__in=regions)
        place |= Q(township__parent_id__in=regions)
        # A free-form need (no category) is served by any category of its area.
        kind = Q(category_id__in=categories) | Q(category__isnull=True, area_id__in=areas)
        q |= place & kind
    return q


def grab_queue_q(user: Any) -> Q | None:
    """Orders a provider's staff may grab: queued, grab-mode, inside their coverage."""
    ids = provider_ids_of(user)
    if not ids:
        return None
    return Q(status__in=DISPATCH_QUEUE_STATUSES, service__dispatch_mode="grab") & coverage_q(ids)
