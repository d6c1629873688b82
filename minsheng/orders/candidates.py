"""Ranking the providers that may take an order (派单), best first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from minsheng.catalog.models import Provider
from minsheng.core.geo import haversine_km
from minsheng.orders.models import Order
from minsheng.orders.policy import eligible_providers, failed_rounds
from minsheng.orders.scoring import DispatchWeights, candidate_score
from minsheng.orders.selectors import (
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


def candidates(order: Order, *, now: datetime | None = None) -> list[Candidate]:
    """Eligible providers, best first; those who declined this round, are full, or failed
    the order in an earlier round (it was reopened) come last."""
    now = now or timezone.now()
    providers = list(eligible_providers(order))
    if not providers:
        return []
    ids = [p.pk for p in providers]
    used = used_capacity_today(ids, now)
    perf = provider_performance(ids, now)
    declined = declined_provider_ids(order)
    failed = failed_rounds(order)
    point = order_point(order)
    w = dispatch_weights()
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


def best_candidate(order: Order, *, now: datetime | None = None) -> Candidate | None:
    for c in candidates(order, now=now):
        if c.available:
            return c
    return None
