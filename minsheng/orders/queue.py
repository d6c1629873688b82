"""The dispatcher's queue and search: which orders, in which order (issue 8).

A :class:`QueueQuery` is read from a page's GET parameters with ``core.inputs`` (and
``core.phones``) by :func:`read_queue_query`; every value it does not know (a township
code that is none, a state that does not exist, a date that is not one) is a
``DomainError`` naming its field, answered with a 400, never a 500. :func:`apply` narrows
a queryset the reader may already see (``selectors.orders_visible_to`` or
``selectors.dispatch_queue``): the filters never widen a scope.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.catalog.models import Service, ServiceArea
from minsheng.core.errors import Code, DomainError, ErrorDetail
from minsheng.core.inputs import Invalid, is_blank, read_bool, read_datetime, read_text
from minsheng.core.phones import read_phone
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import OPEN_STATUSES, Channel, Order, Status
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_by_code

MAX_SEARCH = 100
# A partial phone number: at least this many digits (fewer match half the county).
MIN_PHONE_DIGITS = 4
_DIGITS = re.compile(r"[\d\s\-()+]+")

SORTS: dict[str, tuple[Any, ...]] = {
    # The step due first: the default of a queue.
    "deadline": (F("step_deadline").asc(nulls_last=True), "created_at", "pk"),
    "created": ("-created_at", "-pk"),
    # The most urgent class (the shortest resolution limit) first, then by deadline.
    "urgency": ("urgency__resolve_limit", F("step_deadline").asc(nulls_last=True), "pk"),
}
SORT_CHOICES = [
    ("deadline", _("Step due first")),
    ("created", _("Newest first")),
    ("urgency", _("Most urgent first")),
]


@dataclass(frozen=True)
class QueueQuery:
    """What a dispatcher asked the queue or the search for; empty fields filter nothing."""

    township: Region | None = None
    village: Region | None = None
    area: ServiceArea | None = None
    service: Service | None = None
    status: str = ""
    channel: str = ""
    overdue: bool = False
    escalated: bool = False
    number: str = ""
    name: str = ""
    phone: str = ""
    phone_exact: bool = False
    since: datetime | None = None
    until: datetime | None = None
    sort: str = "deadline"

    @property
    def narrowed(self) -> bool:
        """Whether anything but the order of the list was asked for."""
        return any(
            getattr(self, f.name) not in (None, "", False) for f in fields(self) if f.name != "sort"
        )


def _region(value: str, level: str, field: str) -> Region:
    region = region_by_code(value)
    if region is None or region.level != level:
        message = (
            _("There is no township with this code.")
            if level == Region.Level.TOWNSHIP
            else _("There is no village with this code.")
        )
        raise DomainError.single(OrderCode.REGION_UNKNOWN, message, field)
    return region


_NUMBER = re.compile(r"^(?:\d{8}-)?0*(\d{1,12})$")


def number_id(text: str) -> int | None:
    """The id in an order number as a resident reads it out (date-id, or just the id)."""
    match = _NUMBER.match(text.strip())
    return int(match.group(1)) if match else None


def read_queue_query(data: Mapping[str, Any]) -> QueueQuery:
    """A queue or search query from GET parameters; every unreadable value is reported
    (one error per field), and nothing is read from a query that has one."""
    errors: list[ErrorDetail] = []
    values: dict[str, Any] = {}

    def text(name: str) -> str:
        try:
            return read_text(data.get(name), max_length=MAX_SEARCH)
        except Invalid as exc:
            errors.append(exc.detail(name))
            return ""

    def attempt(name: str, read: Any) -> None:
        try:
            values[name] = read()
        except Invalid as exc:
            errors.append(exc.detail(name))
        except DomainError as exc:
            errors.extend(exc.errors)

    township, village, area, service = (
        text("township"),
        text("village"),
        text("area"),
        text("service"),
    )
    if township:
        attempt("township", lambda: _region(township, Region.Level.TOWNSHIP, "township"))
    if village:
        attempt("village", lambda: _region(village, Region.Level.VILLAGE, "village"))
    if area:
        values["area"] = ServiceArea.objects.filter(code=area).first()
        if values["area"] is None:
            message = _("There is no service area with this code.")
            errors.append(ErrorDetail(OrderCode.AREA_UNKNOWN, message, "area"))
    if service:
        values["service"] = Service.objects.filter(code=service).first()
        if values["service"] is None:
            message = _("There is no service with this code.")
            errors.append(ErrorDetail(OrderCode.SERVICE_UNKNOWN, message, "service"))
    status = text("status")
    if status and status not in Status.values:
        errors.append(ErrorDetail(Code.INVALID, _("Choose a state from the list."), "status"))
    values["status"] = status
    channel = text("channel")
    if channel and channel not in Channel.values:
        errors.append(
            ErrorDetail(OrderCode.CHANNEL_INVALID, _("Choose a channel from the list."), "channel")
        )
    values["channel"] = channel
    for flag in ("overdue", "escalated"):
        if not is_blank(data.get(flag)):
            attempt(flag, lambda flag=flag: read_bool(data.get(flag)))
    number = text("number")
    if number and number_id(number) is None:
        errors.append(
            ErrorDetail(
                Code.INVALID,
                _("An order number is a date and a number (20260504-000123), or the number."),
                "number",
            )
        )
    values["number"] = number
    values["name"] = text("name")
    phone = text("phone")
    if phone:
        try:
            values["phone"], values["phone_exact"] = read_phone(phone), True
        except Invalid:
            digits = re.sub(r"\D", "", phone)
            if _DIGITS.fullmatch(phone) and len(digits) >= MIN_PHONE_DIGITS:
                values["phone"] = digits
            else:
                errors.append(
                    ErrorDetail(
                        Code.NOT_PHONE,
                        _("Give a phone number, or at least %(n)d of its digits.")
                        % {"n": MIN_PHONE_DIGITS},
                        "phone",
                    )
                )
    for bound in ("since", "until"):
        if not is_blank(data.get(bound)):
            attempt(bound, lambda bound=bound: read_datetime(data.get(bound)))
    sort = text("sort") or "deadline"
    if sort not in SORTS:
        errors.append(ErrorDetail(Code.INVALID, _("Choose an order from the list."), "sort"))
    values["sort"] = sort
    since, until = values.get("since"), values.get("until")
    if since is not None and until is not None and until < since:
        errors.append(
            ErrorDetail(Code.INVALID, _("The end of the period is before its start."), "until")
        )
    if errors:
        raise DomainError(errors)
    return QueueQuery(**values)


def apply(
    qs: QuerySet[Order], query: QueueQuery, *, now: datetime | None = None
) -> QuerySet[Order]:
    """``qs`` narrowed to ``query`` and sorted as it asks."""
    now = now or timezone.now()
    if query.township is not None:
        qs = qs.filter(township_id=query.township.pk)
    if query.village is not None:
        qs = qs.filter(region_id=query.village.pk)
    if query.area is not None:
        qs = qs.filter(area_id=query.area.pk)
    if query.service is not None:
        qs = qs.filter(service_id=query.service.pk)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.channel:
        qs = qs.filter(channel=query.channel)
    if query.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, step_deadline__lt=now)
    if query.escalated:
        qs = qs.filter(
            Q(escalated_at__isnull=False) | Q(county_escalated_at__isnull=False),
            status__in=OPEN_STATUSES,
        )
    if query.number:
        pk = number_id(query.number)
        qs = qs.filter(pk=pk) if pk is not None else qs.none()
    if query.name:
        qs = qs.filter(
            Q(contact_name__icontains=query.name)
            | Q(resident__profile__display_name__icontains=query.name)
        )
    if query.phone:
        lookup = "" if query.phone_exact else "__contains"
        qs = qs.filter(
            Q(**{f"contact_phone{lookup}": query.phone})
            | Q(**{f"resident__profile__phone{lookup}": query.phone})
        )
    if query.since is not None:
        qs = qs.filter(created_at__gte=query.since)
    if query.until is not None:
        # A bare date as the end means the whole of that day.
        until = query.until
        if timezone.localtime(until).time() == datetime.min.time():
            until += timedelta(days=1)
        qs = qs.filter(created_at__lt=until)
    return qs.order_by(*SORTS[query.sort])
