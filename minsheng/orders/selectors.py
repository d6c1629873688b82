"""Reads for the order loop: scoped queues, timelines, candidates' inputs, the rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from minsheng.orders.models import (
    DISPATCH_QUEUE_STATUSES,
    OPEN_STATUSES,
    Order,
    OrderEvent,
    Rating,
    Satisfaction,
    Status,
)
from minsheng.orders.policy import grab_queue_q, visible_orders_q
from minsheng.orders.scoring import CallbackCounts, Rates, RateWeights, rates_from_counts

ORDER_JOINS = ("service", "area", "category", "urgency", "region", "township", "provider")


def orders_visible_to(user: Any) -> QuerySet[Order]:
    q = visible_orders_q(user)
    if q is None:
        return Order.objects.none()
    return Order.objects.filter(q).select_related(*ORDER_JOINS)


def order_for(user: Any, order_id: Any) -> Order | None:
    """The order if ``user`` may see it; None for an unknown, invisible or malformed id."""
    if isinstance(order_id, bool):
        return None
    if isinstance(order_id, str) and order_id.strip().isascii() and order_id.strip().isdecimal():
        order_id = int(order_id.strip())
    if not isinstance(order_id, int) or not 0 < order_id < 2**63:
        return None
    return orders_visible_to(user).filter(pk=order_id).first()


def dispatch_queue(user: Any) -> QuerySet[Order]:
    """Orders waiting for review or dispatch, plus overdue open ones, most urgent first.

    Only dispatchers and administrators have a queue (each within their region).
    """
    from minsheng.accounts.models import DISPATCH_ROLES
    from minsheng.accounts.selectors import profile_of

    profile = profile_of(user)
    if profile is None or profile.role not in DISPATCH_ROLES:
        return Order.objects.none()
    return (
        orders_visible_to(user)
        .filter(
            Q(status__in=[Status.SUBMITTED, *DISPATCH_QUEUE_STATUSES])
            | Q(status__in=OPEN_STATUSES, escalated_at__isnull=False)
        )
        .order_by("step_deadline", "created_at")
    )


def provider_orders(user: Any, *, open_only: bool = True) -> QuerySet[Order]:
    from minsheng.orders.policy import provider_ids_of

    qs = Order.objects.filter(provider_id__in=provider_ids_of(user)).select_related(*ORDER_JOINS)
    if open_only:
        qs = qs.filter(status__in=[Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE])
    return qs.order_by("step_deadline", "created_at")


def grabbable_orders(user: Any, *, limit: int = 200) -> list[Order]:
    """Queued grab-mode orders that one of the user's providers is eligible for, oldest first."""
    q = grab_queue_q(user)
    if q is None:
        return []
    return list(
        Order.objects.filter(q).select_related(*ORDER_JOINS).order_by("created_at", "pk")[:limit]
    )


def order_timeline(order: Order) -> QuerySet[OrderEvent]:
    return order.events.select_related("actor", "provider").order_by("created_at", "pk")


def declined_provider_ids(order: Order) -> set[int]:
    """Providers who declined or let this order time out in its current round."""
    return set(
        OrderEvent.objects.filter(
            order=order, round=order.round, action__in=["decline", "accept_timeout"]
        ).values_list("provider_id", flat=True)
    ) - {None}


def local_day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def used_capacity_today(provider_ids: list[int], now: datetime) -> dict[int, int]:
    rows = (
        Order.objects.filter(provider_id__in=provider_ids, dispatched_at__gte=local_day_start(now))
        .exclude(status=Status.CANCELLED)
        .values("provider_id")
        .annotate(n=Count("pk"))
    )
    return {r["provider_id"]: r["n"] for r in rows}


def rate_weights() -> RateWeights:
    w = settings.MINSHENG_RATE_WEIGHTS
    return RateWeights(
        response=w["response"],
        resolution=w["resolution"],
        satisfaction=w["satisfaction"],
        basic_satisfied=settings.MINSHENG_BASIC_SATISFIED_WEIGHT,
    )


_COUNTS = {
    "valid": Count("pk"),
    "contacted": Count("pk", filter=Q(contacted=True)),
    "solved": Count("pk", filter=Q(solved=True)),
    "satisfied": Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
    "basic": Count("pk", filter=Q(satisfaction=Satisfaction.BASIC)),
}


def callback_counts(
    group: str, *, since: datetime, until: datetime, extra: Q | None = None
) -> dict[Any, CallbackCounts]:
    """Counts of valid callbacks in [since, until), grouped by ``group`` (one query)."""
    qs = Rating.objects.filter(valid=True, created_at__gte=since, created_at__lt=until)
    if extra is not None:
        qs = qs.filter(extra)
    rows = qs.values(group).annotate(**_COUNTS).order_by()
    return {
        r[group]: CallbackCounts(
            valid=r["valid"],
            contacted=r["contacted"],
            solved=r["solved"],
            satisfied=r["satisfied"],
            basic=r["basic"],
        )
        for r in rows
    }


def provider_performance(
    provider_ids: list[int], now: datetime, days: int = 90
) -> dict[int, float]:
    """Each provider's composite over the last ``days`` days of valid callbacks."""
    counts = callback_counts(
        "provider_id",
        since=now - timedelta(days=days),
        until=now + timedelta(seconds=1),
        extra=Q(provider_id__in=provider_ids),
    )
    w = rate_weights()
    out: dict[int, float] = {}
    for pid, c in counts.items():
        composite = rates_from_counts(c, w).composite
        if composite is not None:
            out[pid] = composite
    return out


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) in the local time zone."""
    tz = timezone.get_current_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    nxt = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=tz)
    return start, nxt


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


@dataclass(frozen=True)
class RankingRow:
    key: int
    name: str
    rates: Rates
    previous: Rates | None
    rank: int
    previous_rank: int | None

    @property
    def change(self) -> float | None:
        if self.rates.composite is None or self.previous is None or self.previous.composite is None:
            return None
        return self.rates.composite - self.previous.composite


def ranking(kind: str, month: date) -> list[RankingRow]:
    """Townships (kind="township") or providers (kind="provider") ranked by composite."""
    from minsheng.catalog.models import Provider
    from minsheng.regions.models import Region

    if kind not in ("township", "provider"):
        return []
    group = "township_id" if kind == "township" else "provider_id"
    w = rate_weights()
    start, end = month_bounds(month)
    pstart, pend = month_bounds(previous_month(month))
    now_counts = callback_counts(group, since=start, until=end)
    prev_counts = callback_counts(group, since=pstart, until=pend)
    if kind == "township":
        names = {r.pk: r.name for r in Region.objects.filter(level=Region.Level.TOWNSHIP)}
    else:
        names = {p.pk: p.name for p in Provider.objects.all()}

    def ordered(counts: dict[Any, CallbackCounts]) -> list[tuple[int, Rates]]:
        items = [(k, rates_from_counts(c, w)) for k, c in counts.items() if k in names]
        items.sort(key=lambda kr: (-(kr[1].composite or 0.0), -kr[1].valid, names[kr[0]]))
        return items

    cur = ordered(now_counts)
    prev = ordered(prev_counts)
    prev_rank = {k: i + 1 for i, (k, _r) in enumerate(prev)}
    prev_rates = dict(prev)
    return [
        RankingRow(
            key=k,
            name=names[k],
            rates=r,
            previous=prev_rates.get(k),
            rank=i + 1,
            previous_rank=prev_rank.get(k),
        )
        for i, (k, r) in enumerate(cur)
    ]


def months_with_ratings() -> list[date]:
    rows = (
        Rating.objects.filter(valid=True)
        .annotate(m=TruncMonth("created_at"))
        .values_list("m", flat=True)
        .distinct()
        .order_by("-m")
    )
    return [
        timezone.localtime(m).date().replace(day=1) if isinstance(m, datetime) else m for m in rows
    ]


def ratings_visible_to(user: Any) -> QuerySet[Rating]:
    """Ratings of the orders ``user`` may see: staff within their scope, residents their own."""
    q = visible_orders_q(user)
    if q is None:
        return Rating.objects.none()
    return Rating.objects.filter(order__in=Order.objects.filter(q).values("pk")).select_related(
        "township"
    )


def order_for_grab(user: Any, order_id: int) -> Order | None:
    """An order ``user`` may see, or a grab-mode order inside their teams' coverage.

    Whether it is still queued is the grab's own check: a lost race is a conflict, not a
    missing order.
    """
    order = order_for(user, order_id)
    if order is not None:
        return order
    from minsheng.orders.policy import coverage_q, provider_ids_of

    ids = provider_ids_of(user)
    if not ids or not 0 < order_id < 2**63:
        return None
    return (
        Order.objects.filter(coverage_q(ids), pk=order_id, service__dispatch_mode="grab")
        .select_related(*ORDER_JOINS)
        .first()
    )
