"""Reads for the order loop: scoped queues, timelines, candidates' inputs, the rates.

What a reader may see is ``orders.policy``'s answer; the selectors here apply it, so the
web pages, the REST API and Open311 show the same orders and the same entries to the same
reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from minsheng.accounts.types import Actor
from minsheng.core.ids import as_id
from minsheng.orders import policy
from minsheng.orders.models import (
    DISPATCH_QUEUE_STATUSES,
    OPEN_STATUSES,
    Audience,
    Order,
    OrderEvent,
    Rating,
    Satisfaction,
    Status,
)
from minsheng.orders.scoring import CallbackCounts, Rates, RateWeights, rates_from_counts

ORDER_JOINS = ("service", "area", "category", "urgency", "region", "township", "provider")


def orders_visible_to(user: Actor) -> QuerySet[Order]:
    q = policy.visible_orders_q(user)
    if q is None:
        return Order.objects.none()
    return Order.objects.filter(q).select_related(*ORDER_JOINS)


def order_for(user: Actor, order_id: Any) -> Order | None:
    """The order if ``user`` may see it; None for an unknown, invisible or malformed id."""
    pk = as_id(order_id)
    if pk is None:
        return None
    return orders_visible_to(user).filter(pk=pk).first()


# --- timelines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One step of an order's history as one reader reads it."""

    event: OrderEvent
    note: str  # empty when the reader may not read the note
    actor: str  # who took the step, for readers who see that; else empty


def _actor_name(event: OrderEvent) -> str:
    if event.actor is None:
        return ""
    profile = getattr(event.actor, "profile", None)
    return (profile.display_name if profile is not None else "") or event.actor.get_username()


def entries(reading: policy.Reading, events: list[OrderEvent]) -> list[Entry]:
    """The entries of ``events`` (one order's, in order) a reader reads."""
    return [
        Entry(
            event=e,
            note=policy.note_for(reading, e),
            actor=_actor_name(e) if reading.actors else "",
        )
        for e in events
        if policy.sees_step(reading, e)
    ]


def timeline_for(user: Actor, order: Order) -> list[Entry]:
    """The order's history as ``user`` reads it (``None``: the public, as on Open311).

    The one selector every interface shows: a step the reader may not see is left out, a
    note they may not read is withheld while its step still shows.
    """
    reading = policy.reading_of(user, order)
    events = (
        order.events.filter(policy.steps_q(reading))
        .select_related("actor__profile", "provider")
        .order_by("created_at", "pk")
    )
    return entries(reading, list(events))


def ratings_for(user: Actor, order: Order) -> list[Rating]:
    """The order's ratings ``user`` reads, by round."""
    q = policy.ratings_q(policy.reading_of(user, order))
    if q is None:
        return []
    return list(order.ratings.filter(q).select_related("township").order_by("round"))


# The public's view of events, for Open311's lists: which steps, and the latest of each order.
PUBLIC_STEPS = policy.steps_q(policy.Reading(Audience.PUBLIC, details=False))


def with_latest_public_step(qs: QuerySet[Order]) -> QuerySet[Order]:
    """Annotate ``latest_public_id``: the newest event of each order the public sees."""
    latest = (
        OrderEvent.objects.filter(PUBLIC_STEPS, order=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return qs.annotate(latest_public_id=Subquery(latest))


def public_steps() -> QuerySet[OrderEvent]:
    """Every event the public sees, oldest first (filter further as needed)."""
    return OrderEvent.objects.filter(PUBLIC_STEPS).order_by("created_at", "pk")


def public_orders(*columns: str) -> QuerySet[Order]:
    """Every order, as the public feed lists it (Open311): only ``columns`` read, and the
    id of its latest public step annotated as ``latest_public_id``. What of each the
    public may read is ``policy.public_reading``'s answer."""
    qs = Order.objects.all()
    if columns:
        qs = qs.only(*columns)
    return with_latest_public_step(qs)


def events_by_id(ids: list[int]) -> dict[int, OrderEvent]:
    return OrderEvent.objects.in_bulk(ids) if ids else {}


def order_exists(order_id: int) -> bool:
    return Order.objects.filter(pk=order_id).exists()


def dispatch_queue(user: Actor) -> QuerySet[Order]:
    """Orders waiting for review or dispatch, plus overdue open ones and those escalated to
    the county, most urgent first.

    Only dispatchers and administrators have a queue (each within their region).
    """
    if not policy.can_dispatch_anything(user):
        return Order.objects.none()
    return (
        orders_visible_to(user)
        .filter(
            Q(status__in=[Status.SUBMITTED, *DISPATCH_QUEUE_STATUSES])
            | Q(status__in=OPEN_STATUSES, escalated_at__isnull=False)
            # handed up to the county (issue 8): stays in view until it ends
            | Q(status__in=OPEN_STATUSES, county_escalated_at__isnull=False)
        )
        .order_by("step_deadline", "created_at")
    )


def county_escalations(user: Actor) -> QuerySet[Order]:
    """Open orders a township handed up to the county, oldest first: county dispatchers'."""
    if not policy.sees_county_escalations(user):
        return Order.objects.none()
    return (
        orders_visible_to(user)
        .filter(status__in=OPEN_STATUSES, county_escalated_at__isnull=False)
        .order_by("county_escalated_at", "pk")
    )


def provider_orders(user: Actor, *, open_only: bool = True) -> QuerySet[Order]:
    qs = Order.objects.filter(provider_id__in=policy.provider_ids_of(user)).select_related(
        *ORDER_JOINS
    )
    if open_only:
        qs = qs.filter(status__in=[Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE])
    return qs.order_by("step_deadline", "created_at")


def grabbable_orders(user: Actor, *, limit: int = 200) -> list[Order]:
    """Queued grab-mode orders that one of the user's providers is eligible for, oldest first."""
    q = policy.grab_queue_q(user)
    if q is None:
        return []
    return list(
        Order.objects.filter(q).select_related(*ORDER_JOINS).order_by("created_at", "pk")[:limit]
    )


def declined_provider_ids(order: Order) -> set[int]:
    """Providers who declined or let this order time out in its current round."""
    return declined_by_order([order]).get(order.pk, set())


def declined_by_order(orders: list[Order]) -> dict[int, set[int]]:
    """``declined_provider_ids`` of many orders in one query."""
    rounds = {o.pk: o.round for o in orders}
    out: dict[int, set[int]] = {}
    rows = OrderEvent.objects.filter(
        order_id__in=list(rounds), action__in=["decline", "accept_timeout"]
    ).values_list("order_id", "round", "provider_id")
    for order_id, round_, provider_id in rows:
        if provider_id is not None and rounds[order_id] == round_:
            out.setdefault(order_id, set()).add(provider_id)
    return out


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


def ratings_visible_to(user: Actor) -> QuerySet[Rating]:
    """Ratings ``user`` reads in lists (see ``policy.ratings_visible_q``)."""
    q = policy.ratings_visible_q(user)
    if q is None:
        return Rating.objects.none()
    return Rating.objects.filter(q).select_related("township")


def order_for_grab(user: Actor, order_id: Any) -> Order | None:
    """An order ``user`` may see, or a grab-mode order inside their teams' coverage.

    Whether it is still queued is the grab's own check: a lost race is a conflict, not a
    missing order.
    """
    order = order_for(user, order_id)
    if order is not None:
        return order
    pk = as_id(order_id)
    ids = policy.provider_ids_of(user)
    if not ids or pk is None:
        return None
    return (
        Order.objects.filter(policy.coverage_q(ids), pk=pk, service__dispatch_mode="grab")
        .select_related(*ORDER_JOINS)
        .first()
    )
