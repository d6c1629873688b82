"""Orders for tests, through the real services: place one, and bring it to a step of the loop.

Every test package (orders, the web pages, the REST API, Open311, the admin) needs orders at
a given step; this is the one way they get them. A plain module rather than a conftest, so
each test file imports what it uses by name.

- ``submit`` places an order (``order_submit``), by default the world's meal delivery in
  village V1, ordered by the resident who lives at the place, at ``T0``.
- ``advance`` walks an order, however it was placed, along ``PATH`` to a status: the
  township's dispatcher approves and dispatches, the provider's staff accept, start and
  deliver, one minute a step.
- ``order_at`` is the two together: an order placed and brought to a status.

Paths off the usual way (declines, re-dispatches, reopenings, notes that matter) are
written out in the tests they are the point of.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from minsheng.orders import services as s
from minsheng.orders.models import Order, Status

# A fixed Monday morning in the county's time zone; every service call passes ``now`` so
# deadlines are exact.
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=TZ)
MINUTE = timedelta(minutes=1)

# The usual way through the loop; ``advance`` moves an order one step at a time along it.
PATH = [
    Status.SUBMITTED,
    Status.APPROVED,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.IN_SERVICE,
    Status.DELIVERED,
]
# What the provider's staff write when ``advance`` delivers an order.
DELIVERY_NOTE = "已送达"


def submit(world: Any, *, actor: Any = None, now: datetime = T0, **fields: Any) -> Order:
    """Place an order with ``order_submit``: ``fields`` are ``OrderInput``'s (by default
    the world's service in village V1), ordered by ``actor`` (by default the resident who
    lives at the place: resident2 in V2, resident anywhere else) at ``now``."""
    fields.setdefault("region_code", world.village_a.code)
    fields.setdefault("service_code", world.service.code)
    if actor is None:
        actor = world.resident2 if fields["region_code"] == world.village_b.code else world.resident
    return s.order_submit(actor=actor, data=s.OrderInput(**fields), now=now)


def advance(
    world: Any,
    order: Order,
    to: str,
    *,
    provider: Any = None,
    now: datetime | None = None,
) -> Order:
    """Move ``order`` along ``PATH`` to ``to`` through the services, one minute a step
    from ``now`` (by default the order's last change, so T0 for an order placed at T0).

    The dispatcher of the order's township approves and dispatches it to ``provider``: by
    default the township team where it serves (township T1), the county centre elsewhere.
    The provider's staff accept, start and deliver (with ``DELIVERY_NOTE``). A re-opened
    order is dispatched again.
    """
    if to not in PATH:
        raise ValueError(f"{to!r} is not on the usual path: {', '.join(PATH)}")
    order.refresh_from_db()
    in_town_a = order.township_id == world.town_a.pk
    dispatcher = world.dispatcher_a if in_town_a else world.dispatcher_b
    provider = provider or (world.provider if in_town_a else world.provider2)
    staff = provider.staff.first()
    t = now or order.updated_at
    while order.status != to:
        if order.status == Status.SUBMITTED:
            s.order_approve(order_id=order.pk, actor=dispatcher, now=t)
        elif order.status in (Status.APPROVED, Status.REOPENED):
            s.order_dispatch(order_id=order.pk, actor=dispatcher, provider_id=provider.pk, now=t)
        elif order.status == Status.DISPATCHED:
            s.order_accept(order_id=order.pk, actor=staff, now=t)
        elif order.status == Status.ACCEPTED:
            s.order_start(order_id=order.pk, actor=staff, now=t)
        elif order.status == Status.IN_SERVICE:
            s.order_deliver(order_id=order.pk, actor=staff, note=DELIVERY_NOTE, now=t)
        else:
            raise AssertionError(f"cannot advance an order from {order.status} to {to}")
        order.refresh_from_db()
        t += MINUTE
    return order


def order_at(world: Any, to: str, *, provider: Any = None, **fields: Any) -> Order:
    """An order placed with ``submit(world, **fields)`` and brought to ``to`` with
    ``advance`` (dispatched to ``provider`` if it gets that far)."""
    return advance(world, submit(world, **fields), to, provider=provider)
