"""Reads for the order loop: scoped queues, timelines, candidates' inputs, the rates.

What a reader may see is ``orders.policy``'s answer; the selectors here apply it, so the
web pages, the REST API and Open311 show the same orders and the same entries to the same
reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.files import FieldFile
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.types import Actor
from minsheng.core.ids import as_id
from minsheng.orders import policy
from minsheng.orders.models import (
    DISPATCH_QUEUE_STATUSES,
    OPEN_STATUSES,
    Action,
    Audience,
    ContactView,
    Order,
    OrderEvent,
    OrderPhoto,
    Rating,
    Satisfaction,
    Status,
)
from minsheng.orders.scoring import (
    CallbackCounts,
    Rates,
    RateWeights,
    competition_ranks,
    rates_from_counts,
)

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
    team: str = ""  # the team the step is about (see TEAM_STEPS); else empty


# The steps that are a team's, or about one: the team is named beside them on a timeline.
# Every event row records the team holding the order, but "Rated · Longtan volunteers" would
# read as if the team had rated its own work: the resident's and the sweep's steps
# (rate, reopen, close, cancel, escalate, comment) are named by their actor alone.
TEAM_STEPS = frozenset(
    {
        Action.DISPATCH,
        Action.REDISPATCH,
        Action.DECLINE,
        Action.ACCEPT_TIMEOUT,
        Action.GRAB,
        Action.ACCEPT,
        Action.START,
        Action.DELIVER,
    }
)


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
            team=e.provider.name if e.provider is not None and e.action in TEAM_STEPS else "",
        )
        for e in events
        if policy.sees_step(reading, e)
    ]


def timeline_for(user: Actor, order: Order) -> list[Entry]:
    """The order's history as ``user`` reads it (``None``: the public, as on Open311).

    The one selector every interface shows: a step the reader may not see is left out, a
    note they may not read is withheld while its step still shows.
    """
    return timeline_as(policy.reading_of(user, order), order)


def timeline_as(reading: policy.Reading, order: Order) -> list[Entry]:
    """The order's history as a reader reads it (see ``timeline_for``)."""
    events = (
        order.events.filter(policy.steps_q(reading))
        .select_related("actor__profile", "provider")
        .order_by("created_at", "pk")
    )
    return entries(reading, list(events))


# The number a resident reads out, as ``Order.number`` prints it: the local date, a dash,
# the id (leading zeros optional).
_TRACK_NUMBER = re.compile(r"(\d{8})-0*(\d{1,12})", re.ASCII)


def order_by_number(number: str) -> Order | None:
    """The order whose number is ``number`` (date and id must both match), or None."""
    match = _TRACK_NUMBER.fullmatch(number.strip())
    if match is None:
        return None
    order = (
        Order.objects.select_related(*ORDER_JOINS, "resident__profile")
        .filter(pk=int(match.group(2)))
        .first()
    )
    if order is None or f"{timezone.localtime(order.created_at):%Y%m%d}" != match.group(1):
        return None
    return order


def is_order_number(number: str) -> bool:
    return _TRACK_NUMBER.fullmatch(number.strip()) is not None


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
    return {r[group]: _counts_of(r) for r in rows}


def _counts_of(row: dict[str, Any]) -> CallbackCounts:
    """The counts of one row annotated with ``_COUNTS``."""
    return CallbackCounts(**{name: row[name] for name in _COUNTS})


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


def last_full_month(today: date) -> date:
    """The month the ranking opens on: the last month that has ended on ``today`` (a local
    date). The current month is still being rated, so it is never the default."""
    return previous_month(today.replace(day=1))


def ranking_min_sample() -> int:
    return int(settings.MINSHENG_RANKING_MIN_SAMPLE)


class Standing(StrEnum):
    """Where an entity stands in a month's ranking."""

    RANKED = "ranked"
    # Rated, but on fewer valid ratings than ``MINSHENG_RANKING_MIN_SAMPLE``: figures shown,
    # no rank (a rate over three callbacks says little).
    SMALL_SAMPLE = "small_sample"
    NO_RATINGS = "no_ratings"


@dataclass(frozen=True)
class RankingRow:
    key: int
    # A township's region code, a provider's id: with ``key``, what ties and unranked rows
    # are listed by (never the name, which depends on the page's language).
    code: str
    name: str
    rates: Rates
    previous: Rates | None
    rank: int | None
    previous_rank: int | None
    standing: Standing

    @property
    def change(self) -> float | None:
        if self.rates.composite is None or self.previous is None or self.previous.composite is None:
            return None
        return self.rates.composite - self.previous.composite


@dataclass(frozen=True)
class _Entity:
    key: int
    code: str
    name: str


def _entities(kind: str, rated: set[Any]) -> list[_Entity]:
    """Every township; every active provider and any other rated in the months shown."""
    from minsheng.catalog.models import Provider
    from minsheng.regions.models import Region

    if kind == "township":
        regions = Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code")
        return [_Entity(r.pk, r.code, r.name) for r in regions]
    providers = Provider.objects.filter(Q(active=True) | Q(pk__in=rated)).order_by("pk")
    return [_Entity(p.pk, str(p.pk), p.name) for p in providers]


def _standings(
    counts: dict[Any, CallbackCounts], min_sample: int
) -> tuple[dict[Any, Rates], dict[int, int]]:
    """Each rated entity's rates, and the competition ranks of those with enough of them."""
    w = rate_weights()
    rates = {k: rates_from_counts(c, w) for k, c in counts.items()}
    eligible = [
        (k, r.composite)
        for k, r in rates.items()
        if r.composite is not None and r.valid >= max(1, min_sample)
    ]
    return rates, competition_ranks(eligible)


_NO_RATES = Rates(valid=0, response=None, resolution=None, satisfaction=None, composite=None)
_STANDING_ORDER = {Standing.RANKED: 0, Standing.SMALL_SAMPLE: 1, Standing.NO_RATINGS: 2}


def ranking(kind: str, month: date, *, min_sample: int | None = None) -> list[RankingRow]:
    """Every township (kind="township") or provider (kind="provider") in ``month``.

    Ranked by composite over valid ratings (competition ranking: equal scores share a rank,
    see ``scoring.competition_ranks``); entities with fewer than ``min_sample`` valid
    ratings are listed as a small sample and those with none as not rated, both unranked.
    The order never depends on the page's language: ties and unranked rows are listed by
    region code or provider id.
    """
    if kind not in ("township", "provider"):
        return []
    floor = ranking_min_sample() if min_sample is None else min_sample
    group = "township_id" if kind == "township" else "provider_id"
    start, end = month_bounds(month)
    pstart, pend = month_bounds(previous_month(month))
    now_rates, now_ranks = _standings(callback_counts(group, since=start, until=end), floor)
    prev_rates, prev_ranks = _standings(callback_counts(group, since=pstart, until=pend), floor)
    rows = []
    for e in _entities(kind, set(now_rates) | set(prev_rates)):
        rates = now_rates.get(e.key, _NO_RATES)
        rank = now_ranks.get(e.key)
        if rank is not None:
            standing = Standing.RANKED
        elif rates.valid > 0:
            standing = Standing.SMALL_SAMPLE
        else:
            standing = Standing.NO_RATINGS
        rows.append(
            RankingRow(
                key=e.key,
                code=e.code,
                name=e.name,
                rates=rates,
                previous=prev_rates.get(e.key),
                rank=rank,
                previous_rank=prev_ranks.get(e.key),
                standing=standing,
            )
        )
    # Entities come listed by code (townships) or id (providers); the sort is stable.
    rows.sort(key=lambda r: (_STANDING_ORDER[r.standing], r.rank or 0))
    return rows


# --- a township's figures, and the twelve-month trend ------------------------------------------


@dataclass(frozen=True)
class BreakdownRow:
    """The rates of one part of a township's month (a service area or a service)."""

    key: int | None
    name: str
    rates: Rates


def township_breakdown(township_id: int, month: date, by: str) -> list[BreakdownRow]:
    """A township's rates in ``month`` per service area (by="area") or per service
    (by="service"; free-form needs, which name no service, are one row with key None)."""
    from minsheng.catalog.models import Service, ServiceArea

    group = {"area": "order__area_id", "service": "order__service_id"}[by]
    start, end = month_bounds(month)
    counts = callback_counts(group, since=start, until=end, extra=Q(township_id=township_id))
    w = rate_weights()
    model = ServiceArea if by == "area" else Service
    known = {o.pk: o for o in model.objects.filter(pk__in=[k for k in counts if k is not None])}
    rows = [
        BreakdownRow(k, known[k].name, rates_from_counts(c, w))
        for k, c in counts.items()
        if k in known
    ]
    # Listed as the catalogue orders them (the model's ordering), free needs last.
    position = {
        pk: i
        for i, pk in enumerate(model.objects.filter(pk__in=known).values_list("pk", flat=True))
    }
    rows.sort(key=lambda r: position[r.key] if r.key is not None else 0)
    if None in counts:
        rows.append(
            BreakdownRow(None, str(_("Free-form needs")), rates_from_counts(counts[None], w))
        )
    return rows


def rated_orders_for(user: Actor, township_id: int, month: date) -> QuerySet[Rating]:
    """The ratings of ``month`` in a township, with their orders, for a reader
    ``policy.can_see_ranked_orders`` allows (valid and not valid, newest first)."""
    q = policy.visible_orders_q(user)
    if q is None:
        return Rating.objects.none()
    start, end = month_bounds(month)
    return (
        Rating.objects.filter(
            township_id=township_id,
            created_at__gte=start,
            created_at__lt=end,
            order__in=Order.objects.filter(q).values("pk"),
        )
        .select_related("order", "order__service", "order__area", "provider")
        .order_by("-created_at", "-pk")
    )


def month_span(last: date, months: int) -> list[date]:
    """``months`` consecutive months ending with ``last``, oldest first."""
    out = [last]
    while len(out) < months:
        out.append(previous_month(out[-1]))
    return out[::-1]


@dataclass(frozen=True)
class TrendSeries:
    """One line of the trend: the county (key None) or a township, month by month."""

    key: int | None
    name: str
    rates: list[Rates]


@dataclass(frozen=True)
class Trend:
    months: list[date]
    series: list[TrendSeries]

    @property
    def by_month(self) -> list[tuple[date, list[Rates]]]:
        """The same figures month by month (a table's rows: one cell per series)."""
        return [(m, [s.rates[i] for s in self.series]) for i, m in enumerate(self.months)]


def ranking_trend(last: date, months: int = 12) -> Trend:
    """The county's and each township's rates over the ``months`` months ending with
    ``last`` (valid ratings, by their local month; one query)."""
    from minsheng.regions.models import Region

    span = month_span(last, months)
    since, _end = month_bounds(span[0])
    _start, until = month_bounds(span[-1])
    rows: Any = (
        Rating.objects.filter(valid=True, created_at__gte=since, created_at__lt=until)
        .annotate(m=TruncMonth("created_at"))
        .values("m", "township_id")
        .annotate(**_COUNTS)
        .order_by()
    )
    counts: dict[tuple[date, int | None], CallbackCounts] = {}
    for r in rows:
        m = _local_month(r["m"])
        c = _counts_of(r)
        counts[(m, r["township_id"])] = c
        total = counts.get((m, None))
        counts[(m, None)] = c if total is None else _sum_counts(total, c)
    w = rate_weights()
    empty = CallbackCounts(0, 0, 0, 0, 0)

    def line(key: int | None, name: str) -> TrendSeries:
        return TrendSeries(
            key, name, [rates_from_counts(counts.get((m, key), empty), w) for m in span]
        )

    townships = Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code")
    county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
    series = [line(None, county.name if county is not None else str(_("County")))]
    series += [line(t.pk, t.name) for t in townships]
    return Trend(span, series)


def _sum_counts(a: CallbackCounts, b: CallbackCounts) -> CallbackCounts:
    return CallbackCounts(**{name: getattr(a, name) + getattr(b, name) for name in _COUNTS})


def _local_month(m: date | datetime) -> date:
    return timezone.localtime(m).date().replace(day=1) if isinstance(m, datetime) else m


def months_with_ratings() -> list[date]:
    rows = (
        Rating.objects.filter(valid=True)
        .annotate(m=TruncMonth("created_at"))
        .values_list("m", flat=True)
        .distinct()
        .order_by("-m")
    )
    return [_local_month(m) for m in rows]


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


# --- who saw a resident's phone ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactViewRow:
    created_at: datetime
    viewer: str
    where: str

    def get_where_display(self) -> str:
        return str(ContactView.Where(self.where).label)


def contact_views_of(order: Order, *, limit: int = 100) -> list[ContactViewRow]:
    """The latest showings of the order's contact in full, newest first (for its
    dispatchers: ``policy.can_see_contact_log``)."""
    views = order.contact_views.select_related("user__profile").order_by("-created_at", "-pk")
    rows = []
    for v in views[:limit]:
        profile = getattr(v.user, "profile", None)
        name = (profile.display_name if profile is not None else "") or v.user.get_username()
        rows.append(ContactViewRow(v.created_at, name, v.where))
    return rows


# --- a provider's day -------------------------------------------------------------------------


def provider_history(user: Actor) -> QuerySet[Order]:
    """Orders a team of the user's delivered (in any round), latest delivery first: what
    they did, however it went on after (closed, reopened and served by another team)."""
    ids = policy.provider_ids_of(user)
    delivered = OrderEvent.objects.filter(action=Action.DELIVER, provider_id__in=ids)
    return (
        Order.objects.filter(pk__in=delivered.values("order_id"))
        .select_related(*ORDER_JOINS)
        .order_by(F("delivered_at").desc(nulls_last=True), "-pk")
    )


def team_ratings(user: Actor) -> QuerySet[Rating]:
    """The ratings and callbacks of the work of the user's teams, newest first: of the
    ratings the user reads (``policy.ratings_visible_q``), those given to their own teams."""
    return (
        ratings_visible_to(user)
        .filter(provider_id__in=policy.provider_ids_of(user))
        .select_related("order__service", "order__area", "provider")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class RatingSummary:
    count: int
    solved: int
    satisfied: int  # satisfied or basically satisfied


def rating_summary(ratings: QuerySet[Rating]) -> RatingSummary:
    totals = ratings.aggregate(
        count=Count("pk"),
        solved=Count("pk", filter=Q(solved=True)),
        satisfied=Count(
            "pk", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])
        ),
    )
    return RatingSummary(totals["count"], totals["solved"], totals["satisfied"])


# --- photos (issue 8) -------------------------------------------------------------------------


def photos_for(user: Actor, order: Order) -> list[OrderPhoto]:
    """The order's photos ``user`` sees (``policy.photos_q``), oldest first."""
    q = policy.photos_q(user, order)
    if q is None:
        return []
    return list(OrderPhoto.objects.filter(q).order_by("created_at", "pk"))


def photos_by_order(user: Actor, orders: list[Order]) -> dict[int, list[OrderPhoto]]:
    """``photos_for`` of many orders (a console's rows) in one query, by order id."""
    q = Q(pk__in=[])
    for order in orders:
        one = policy.photos_q(user, order)
        if one is not None:
            q |= one
    found: dict[int, list[OrderPhoto]] = {}
    for photo in OrderPhoto.objects.filter(q).order_by("created_at", "pk"):
        found.setdefault(photo.order_id, []).append(photo)
    return found


def photo_for(user: Actor, order_id: Any, photo_id: Any) -> OrderPhoto | None:
    """One photo of an order, if ``user`` sees it; None for anything else."""
    order = order_for(user, order_id)
    pk = as_id(photo_id)
    if order is None or pk is None:
        return None
    q = policy.photos_q(user, order)
    return None if q is None else OrderPhoto.objects.filter(q, pk=pk).first()


@dataclass(frozen=True)
class PhotoFile:
    """A stored photo (or its thumbnail) as it is served: the file, its type, a name."""

    file: FieldFile
    content_type: str
    filename: str


def photo_file(photo: OrderPhoto, *, thumbnail: bool = False) -> PhotoFile:
    stored = photo.thumbnail if thumbnail else photo.image
    extension = (stored.name or "").rsplit(".", 1)[-1]
    suffix = "-thumb" if thumbnail else ""
    return PhotoFile(
        file=stored,
        # Thumbnails are always JPEG (orders.services.photos).
        content_type="image/jpeg" if thumbnail else photo.content_type,
        filename=f"order-{photo.order_id}-photo-{photo.pk}{suffix}.{extension}",
    )


# --- The residents' menu: what a place orders most (issue 8) -----------------------------------

MOST_ORDERED_DAYS = 90


def most_ordered_service_ids(
    township_id: int | None, *, days: int = MOST_ORDERED_DAYS, now: datetime | None = None
) -> list[int]:
    """The services ordered in a township (None: the whole county) over the last ``days``
    days, most ordered first (ties: the service code's order, so the page never shuffles).

    Public figures, so no reader: counts, not orders, leave here. Cached for
    ``MINSHENG_MENU_TOP_CACHE_SECONDS`` (default 900; 0 turns it off): the count scans a
    quarter's orders of a township, or of the county, and the front page asks it on every
    visit.
    """
    ttl = int(getattr(settings, "MINSHENG_MENU_TOP_CACHE_SECONDS", 900))
    key = f"orders:most-ordered:{township_id or 'county'}:{days}"
    if ttl > 0 and now is None:
        found = cache.get(key)
        if found is not None:
            return list(found)
    since = (now or timezone.now()) - timedelta(days=days)
    qs = Order.objects.filter(created_at__gte=since, service__isnull=False)
    if township_id is not None:
        qs = qs.filter(township_id=township_id)
    ranked = list(
        qs.values("service_id", "service__code")
        .annotate(n=Count("id"))
        .order_by("-n", "service__code")
        .values_list("service_id", flat=True)
    )
    if ttl > 0 and now is None:
        cache.set(key, ranked, ttl)
    return ranked


# --- The "to rate" badge (issue 8) -------------------------------------------------------------


def to_rate_ids(user: Actor) -> list[int]:
    """The ids of the orders waiting for ``user``'s rating (``policy.to_rate_q``), newest
    first; their number is the badge in the header and on "My orders"."""
    return list(
        Order.objects.filter(policy.to_rate_q(user))
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )


def to_rate_count(user: Actor) -> int:
    return Order.objects.filter(policy.to_rate_q(user)).count()
