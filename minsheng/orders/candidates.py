"""Ranking the providers that may take an order (派单), best first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from minsheng.catalog.models import Provider
from minsheng.core.geo import haversine_km
from minsheng.orders.models import Order
from minsheng.orders.policy import eligible_providers, failed_rounds, failed_rounds_by_order
from minsheng.orders.scoring import DispatchWeights, candidate_score
from minsheng.orders.selectors import (
    declined_by_order,
    declined_provider_ids,
    provider_performance,
    used_capacity_today,
)


@dataclass(frozen=True)
class Candidate:
    provider: Provider
    score: float
    distance_km: float | None
    remaining: int
    performance: float | None
    declined: bool
    # The round in which this provider's delivery was found not solved (the order was
    # reopened): never chosen automatically again, only by a dispatcher (orders.policy).
    failed_round: int | None = None

    @property
    def available(self) -> bool:
        """Whether automatic dispatch may choose it."""
        return self.remaining > 0 and not self.declined and self.failed_round is None


def dispatch_weights() -> DispatchWeights:
    w = settings.MINSHENG_DISPATCH_WEIGHTS
    return DispatchWeights(
        performance=w["performance"],
        distance=w["distance"],
        capacity=w["capacity"],
        far_km=settings.MINSHENG_DISPATCH_FAR_KM,
    )


def order_point(order: Order) -> tuple[float, float] | None:
    """Where the order is: its own point, else its place's centroid, else its township's."""
    if order.latitude is not None and order.longitude is not None:
        return order.latitude, order.longitude
    region = order.region
    if region.latitude is not None and region.longitude is not None:
        return region.latitude, region.longitude
    township = order.township
    if township.latitude is not None and township.longitude is not None:
        return township.latitude, township.longitude
    return None


def _ranked(
    order: Order,
    providers: list[Provider],
    *,
    used: dict[int, int],
    perf: dict[int, float],
    declined: set[int],
    failed: dict[int, int],
    w: DispatchWeights,
) -> list[Candidate]:
    point = order_point(order)
    out: list[Candidate] = []
    for p in providers:
        remaining = max(0, p.daily_capacity - used.get(p.pk, 0))
        distance = (
            haversine_km(point[0], point[1], p.latitude, p.longitude)
            if point is not None and p.latitude is not None and p.longitude is not None
            else None
        )
        out.append(
            Candidate(
                provider=p,
                score=candidate_score(
                    performance=perf.get(p.pk),
                    distance_km=distance,
                    remaining=remaining,
                    capacity=p.daily_capacity,
                    w=w,
                ),
                distance_km=distance,
                remaining=remaining,
                performance=perf.get(p.pk),
                declined=p.pk in declined,
                failed_round=failed.get(p.pk),
            )
        )
    out.sort(key=lambda c: (not c.available, -c.score, c.provider.pk))
    return out


def candidates(order: Order, *, now: datetime | None = None) -> list[Candidate]:
    """Eligible providers, best first; those who declined this round, are full, or failed
    the order in an earlier round (it was reopened) come last."""
    now = now or timezone.now()
    providers = list(eligible_providers(order))
    if not providers:
        return []
    ids = [p.pk for p in providers]
    return _ranked(
        order,
        providers,
        used=used_capacity_today(ids, now),
        perf=provider_performance(ids, now),
        declined=declined_provider_ids(order),
        failed=failed_rounds(order),
        w=dispatch_weights(),
    )


def _serves(provider: Provider, order: Order) -> bool:
    """``policy.eligible_providers`` for one provider whose regions and categories are
    loaded: its coverage holds the order's place, its categories the order's kind."""
    places = {order.region_id, order.township_id, order.township.parent_id}
    if places.isdisjoint(r.pk for r in provider.regions.all()):
        return False
    categories = provider.categories.all()
    if order.category_id is not None:
        return any(c.pk == order.category_id for c in categories)
    return any(c.area_id == order.area_id for c in categories)


def candidates_for(
    orders: list[Order], *, now: datetime | None = None
) -> dict[int, list[Candidate]]:
    """``candidates`` for many orders (a queue) in a fixed number of queries: the active
    providers with their coverage once, then each order's eligible ones in memory."""
    if not orders:
        return {}
    now = now or timezone.now()
    providers = list(Provider.objects.filter(active=True).prefetch_related("regions", "categories"))
    ids = [p.pk for p in providers]
    used = used_capacity_today(ids, now)
    perf = provider_performance(ids, now)
    declined = declined_by_order(orders)
    failed = failed_rounds_by_order(orders)
    w = dispatch_weights()
    return {
        order.pk: _ranked(
            order,
            [p for p in providers if _serves(p, order)],
            used=used,
            perf=perf,
            declined=declined.get(order.pk, set()),
            failed=failed.get(order.pk, {}),
            w=w,
        )
        for order in orders
    }


def best_candidate(order: Order, *, now: datetime | None = None) -> Candidate | None:
    for c in candidates(order, now=now):
        if c.available:
            return c
    return None
