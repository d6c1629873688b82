"""Reads for Open311: keys, the service list, requests with their latest public event.

Orders and their history are read through ``orders.selectors`` (what the public sees of
each is ``orders.policy``'s answer); this module adds Open311's filters and rows. Every
list here is a fixed number of queries whatever its length: ``requests.json`` with 1,000
requests costs seven (the orders, then their latest public events by id, then one query
each for the services, areas, providers, places and urgency classes they name), eight with
``extensions=true`` (all their public events).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from minsheng.catalog.models import Provider, Service, ServiceArea, ServiceAttribute, UrgencyClass
from minsheng.catalog.selectors import service_with_attributes
from minsheng.open311.models import ApiKey, ServiceRequest
from minsheng.open311.services import key_digest
from minsheng.orders.models import FINAL_STATUSES, OPEN_STATUSES, Order, OrderEvent, Status
from minsheng.orders.selectors import events_by_id, public_orders, public_steps
from minsheng.regions.models import Region

NEED_PREFIX = "need."
# Open311 has two states; ours map onto them (DELIVERED counts as done: the work is).
CLOSED_STATUSES = frozenset(FINAL_STATUSES | {Status.DELIVERED})
assert not CLOSED_STATUSES & OPEN_STATUSES


def api_key_by_raw(raw: str) -> ApiKey | None:
    """The key with this raw value, revoked or not (the caller words each case)."""
    return ApiKey.objects.filter(digest=key_digest(raw)).first()


def menu_services() -> list[Service]:
    """Published services with ``has_attributes``, in menu order: one query."""
    return list(
        Service.objects.filter(published=True)
        .select_related("category__area", "urgency")
        .annotate(has_attributes=Exists(ServiceAttribute.objects.filter(service=OuterRef("pk"))))
    )


def need_areas() -> list[ServiceArea]:
    return list(ServiceArea.objects.all())


def published_service(code: str) -> Service | None:
    """A published service with its attributes in order (two queries)."""
    service = service_with_attributes(code)
    return service if service is not None and service.published else None


def need_area(service_code: str) -> ServiceArea | None:
    """The area behind a ``need.<area>`` pseudo-service code."""
    if not service_code.startswith(NEED_PREFIX):
        return None
    return ServiceArea.objects.filter(code=service_code.removeprefix(NEED_PREFIX)).first()


def known_service_codes(codes: Sequence[str]) -> set[str]:
    """Which of these codes name a service (published or not: old orders keep theirs) or
    an area's ``need.`` pseudo-service. Two queries."""
    services = set(Service.objects.filter(code__in=codes).values_list("code", flat=True))
    _services, area_codes = _code_filter(codes)
    areas = ServiceArea.objects.filter(code__in=area_codes).values_list("code", flat=True)
    return services | {NEED_PREFIX + code for code in areas}


def order_id_for_token(token: str) -> int | None:
    if len(token) > 64:  # longer than any token: no need to ask
        return None
    return ServiceRequest.objects.filter(token=token).values_list("order_id", flat=True).first()


@dataclass(frozen=True)
class RequestFilter:
    ids: Sequence[int] | None = None
    service_codes: Sequence[str] | None = None
    statuses: Sequence[str] | None = None  # "open", "closed"
    requested: tuple[datetime, datetime] | None = None
    updated: tuple[datetime, datetime] | None = None
    token: str | None = None
    offset: int = 0
    limit: int = 1000


@dataclass
class RequestView:
    """An order as Open311 shows it: its latest public event, and all of them if asked."""

    order: Order
    latest: OrderEvent | None
    events: list[OrderEvent] = field(default_factory=list)

    @property
    def open311(self) -> ServiceRequest | None:
        try:
            return self.order.open311
        except ServiceRequest.DoesNotExist:
            return None


REQUEST_COLUMNS = (
    "status",
    "description",
    "address",
    "latitude",
    "longitude",
    "channel",
    "created_at",
    "updated_at",
    "step_deadline",
    "resolve_deadline",
    "delivered_at",
    "closed_at",
    "service_id",
    "area_id",
    "provider_id",
    "region_id",
    "urgency_id",
    "open311__token",
    "open311__zipcode",
    "open311__media_url",
)

# The reference rows a request element names, loaded once per list (below) rather than
# joined into every order row: a thousand orders name a handful of services and places,
# and building five joined model instances per row cost more than the rest of the request.
_REFERENCES: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("service", Service, ("code", "name_zh", "name_en")),
    ("area", ServiceArea, ("code", "name_zh", "name_en")),
    ("provider", Provider, ("name_zh", "name_en")),
    ("region", Region, ("code", "name_zh", "name_en")),
    ("urgency", UrgencyClass, ("code", "name_zh", "name_en", "resolve_limit")),
)


def _attach_references(orders: list[Order]) -> None:
    """Give each order its service, area, provider, place and urgency: a query per kind."""
    for name, model, columns in _REFERENCES:
        ids = {getattr(o, f"{name}_id") for o in orders} - {None}
        rows = model.objects.only(*columns).order_by().in_bulk(ids) if ids else {}
        for o in orders:
            ref_id = getattr(o, f"{name}_id")
            setattr(o, name, rows[ref_id] if ref_id is not None else None)


def _base() -> QuerySet[Order]:
    # Only what a request element shows: a thousand rows of answers and person fields
    # would be read and decoded for nothing.
    return public_orders(*REQUEST_COLUMNS).select_related("open311")


def _code_filter(codes: Sequence[str]) -> tuple[list[str], list[str]]:
    services = [c for c in codes if not c.startswith(NEED_PREFIX)]
    areas = [c.removeprefix(NEED_PREFIX) for c in codes if c.startswith(NEED_PREFIX)]
    return services, areas


def requests_matching(f: RequestFilter, *, with_events: bool = False) -> list[RequestView]:
    qs = _base()
    if f.ids is not None:
        qs = qs.filter(pk__in=list(f.ids))
    if f.token is not None:
        qs = qs.filter(open311__token=f.token)
    if f.service_codes is not None:
        services, areas = _code_filter(f.service_codes)
        qs = qs.filter(
            Q(service__code__in=services) | Q(service__isnull=True, area__code__in=areas)
        )
    if f.statuses is not None:
        states: set[str] = set()
        if "open" in f.statuses:
            states |= OPEN_STATUSES
        if "closed" in f.statuses:
            states |= CLOSED_STATUSES
        qs = qs.filter(status__in=sorted(states))
    if f.requested is not None:
        qs = qs.filter(created_at__gte=f.requested[0], created_at__lte=f.requested[1])
    if f.updated is not None:
        qs = qs.filter(updated_at__gte=f.updated[0], updated_at__lte=f.updated[1])
    if with_events:
        qs = qs.prefetch_related(
            Prefetch(
                "events",
                queryset=public_steps(),
                to_attr="public_events",
            )
        )
    orders = list(qs.order_by("-created_at", "-pk")[f.offset : f.offset + f.limit])
    _attach_references(orders)
    # The annotation from _base(); django-stubs cannot see annotated attributes.
    latest_of: dict[int, int | None] = {o.pk: getattr(o, "latest_public_id", None) for o in orders}
    latest = events_by_id([pk for pk in latest_of.values() if pk is not None])
    return [
        RequestView(
            order=o,
            latest=latest.get(pk) if (pk := latest_of[o.pk]) is not None else None,
            events=list(getattr(o, "public_events", [])),
        )
        for o in orders
    ]


@dataclass(frozen=True)
class UpdateFilter:
    happened: tuple[datetime, datetime]
    order_ids: Sequence[int] | None = None
    offset: int = 0
    limit: int = 1000


def public_updates(f: UpdateFilter) -> list[OrderEvent]:
    """Public events in a time range, oldest first (mySociety's servicerequestupdates)."""
    qs = public_steps().filter(created_at__gte=f.happened[0], created_at__lte=f.happened[1])
    if f.order_ids is not None:
        qs = qs.filter(order_id__in=list(f.order_ids))
    return list(qs[f.offset : f.offset + f.limit])
