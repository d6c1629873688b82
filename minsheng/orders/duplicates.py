"""Likely duplicates (重复件): orders that seem to ask for the same thing twice.

Two orders of the same place (village) placed within ``MINSHENG_DUPLICATE_WINDOW_HOURS`` of
each other are likely duplicates when they come from the same person (the same resident
account or the same contact phone) for the same service (or, for free-form needs, the
same area), or when their descriptions are near-identical (rapidfuzz's normalised
Indel ratio at least ``MINSHENG_DUPLICATE_TEXT_SIMILARITY``, whoever placed them: two
neighbours reporting the same broken street light). Ended orders are never candidates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from minsheng.orders.models import FINAL_STATUSES, Order

# Descriptions shorter than this say too little ("帮忙", "help") to call two orders the same.
MIN_TEXT = 6


def window() -> timedelta:
    return timedelta(hours=settings.MINSHENG_DUPLICATE_WINDOW_HOURS)


def _same_person(a: Order, b: Order) -> bool:
    if a.resident_id is not None and a.resident_id == b.resident_id:
        return True
    return bool(a.contact_phone) and a.contact_phone == b.contact_phone


def _same_kind(a: Order, b: Order) -> bool:
    if a.service_id is not None or b.service_id is not None:
        return a.service_id == b.service_id
    return a.area_id == b.area_id


def _text(order: Order) -> str:
    return default_process(order.description or "")


def similar_text(a: Order, b: Order) -> bool:
    """Near-identical descriptions (both long enough to say something)."""
    ta, tb = _text(a), _text(b)
    if len(ta) < MIN_TEXT or len(tb) < MIN_TEXT:
        return False
    return fuzz.ratio(ta, tb) >= settings.MINSHENG_DUPLICATE_TEXT_SIMILARITY


def alike(a: Order, b: Order) -> bool:
    """Whether ``b`` looks like a duplicate of ``a`` (same place and within the window)."""
    if a.pk == b.pk or a.region_id != b.region_id:
        return False
    if abs(a.created_at - b.created_at) > window():
        return False
    return (_same_person(a, b) and _same_kind(a, b)) or similar_text(a, b)


def _nearby(orders: list[Order], scope: QuerySet[Order]) -> QuerySet[Order]:
    """Orders of ``scope`` not ended, in the places of ``orders``, within the window."""
    if not orders:
        return scope.none()
    span = window()
    start = min(o.created_at for o in orders) - span
    end = max(o.created_at for o in orders) + span
    return scope.filter(
        region_id__in={o.region_id for o in orders},
        created_at__gte=start,
        created_at__lte=end,
    ).exclude(Q(status__in=FINAL_STATUSES))


def likely_duplicates(order: Order, scope: QuerySet[Order]) -> list[Order]:
    """The orders of ``scope`` (what the reader may see) that look like duplicates of
    ``order``, oldest first (the first is usually the one to keep)."""
    near = _nearby([order], scope).exclude(pk=order.pk).order_by("created_at", "pk")
    return [other for other in near[:200] if alike(order, other)]


def marked(orders: Iterable[Order], scope: QuerySet[Order]) -> set[int]:
    """The ids of ``orders`` that have a likely duplicate in ``scope``: one query for a
    whole queue."""
    orders = list(orders)
    by_place: dict[int, list[Order]] = defaultdict(list)
    for other in (
        _nearby(orders, scope)
        .select_related(None)
        .only(
            "pk",
            "region_id",
            "created_at",
            "resident_id",
            "contact_phone",
            "service_id",
            "area_id",
            "description",
        )[:2000]
    ):
        by_place[other.region_id].append(other)
    return {
        order.pk
        for order in orders
        if any(alike(order, other) for other in by_place.get(order.region_id, []))
    }
