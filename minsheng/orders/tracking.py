"""Following an order without an account: its number and the phone it was placed with.

A wrong pair is refused with one message that does not say which half was wrong, and
counted per client address; past ``MINSHENG_TRACK_FAILURES_PER_MINUTE`` wrong pairs in a
minute, the address is refused until the minute is over, so numbers cannot be tried in
bulk. The count lives in the shared cache (Redis in production, where every app server
sees it; each process's memory in the embedded set-up, which is one process): a short
window of wrong guesses is worth no database row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from minsheng.core.errors import DomainError, ErrorDetail, Throttled
from minsheng.core.inputs import Invalid
from minsheng.core.phones import read_phone
from minsheng.orders import policy, selectors
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import Order
from minsheng.orders.selectors import Entry

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Tracked:
    order: Order
    timeline: list[Entry]


def _failures_key(address: str | None, now: float) -> str:
    return f"track-failures:{address or '-'}:{int(now // WINDOW_SECONDS)}"


def _count_failure(key: str) -> None:
    # add-then-incr: atomic on Redis and in local memory, so parallel requests all count.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 1)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls: this failure opens a new count
        cache.add(key, 1, timeout=WINDOW_SECONDS + 1)


def track_order(*, number: object, phone: object, address: str | None) -> Tracked:
    """The order with ``number`` placed with ``phone``, as its holder reads it
    (``policy.tracking_reading``); :class:`DomainError` otherwise, writing nothing but the
    address's count of wrong pairs."""
    key = _failures_key(address, time.time())
    if cache.get(key, 0) >= settings.MINSHENG_TRACK_FAILURES_PER_MINUTE:
        raise Throttled.single(
            OrderCode.TRACK_THROTTLED,
            _("Too many wrong tries from this network. Wait a minute, then try again."),
        )
    errors: list[ErrorDetail] = []
    text = number.strip() if isinstance(number, str) else ""
    if not selectors.is_order_number(text):
        errors.append(
            ErrorDetail(
                OrderCode.NOT_ORDER_NUMBER,
                _("Enter the order number as it was given to you, such as 20260301-000123."),
                "number",
            )
        )
    stored = ""
    try:
        stored = read_phone(phone)
    except Invalid as exc:
        errors.append(exc.detail("phone"))
    if errors:
        raise DomainError(errors)
    order = selectors.order_by_number(text)
    reading = policy.tracking_reading(order, stored) if order is not None else None
    if order is None or reading is None:
        _count_failure(key)
        raise DomainError.single(
            OrderCode.TRACK_NO_MATCH,
            _(
                "No order has this number and phone. Check both: the phone is the one "
                "given when the order was placed."
            ),
        )
    return Tracked(order=order, timeline=selectors.timeline_as(reading, order))
