"""Web pages of the order loop: thin adapters that parse, call one service, then redirect.

Every action is a POST. A :class:`DomainError` re-renders the page it came from with each
message next to its field and the error's status code (nothing was written). Who sees an
order and what they may do with it is ``orders.policy``'s answer only: an order outside the
user's scope is a 404, a console they may not use a 403, and a page shows an action's form
exactly when ``policy`` says they may take it (the ``may`` value of its context).
"""

from __future__ import annotations

from minsheng.orders.views.dispatch import (
    dispatch_console,
    dispatch_queue_fragment,
    escalations,
    landing,
    staff_approve,
    staff_approve_dispatch,
    staff_callback,
    staff_cancel,
    staff_dispatch,
    staff_escalate_county,
    staff_merge,
    staff_note,
    staff_order,
    staff_orders,
    staff_reassign,
    staff_redispatch,
    staff_reject,
    staff_urge,
)
from minsheng.orders.views.orders_map import orders_map
from minsheng.orders.views.photos import order_photo, order_photo_thumb
from minsheng.orders.views.provider import (
    provider_accept,
    provider_console,
    provider_decline,
    provider_deliver,
    provider_grab,
    provider_start,
)
from minsheng.orders.views.ranking import (
    ranking_page,
    ranking_township,
    staff_rating_validity,
)
from minsheng.orders.views.rating_link import rate_by_link
from minsheng.orders.views.resident import (
    my_order,
    my_order_callback,
    my_order_cancel,
    my_order_rate,
    my_orders,
    need_order,
    service_order,
)
from minsheng.orders.views.track import track  # following an order without an account

__all__ = [
    "dispatch_console",
    "dispatch_queue_fragment",
    "escalations",
    "landing",
    "my_order",
    "my_order_callback",
    "my_order_cancel",
    "my_order_rate",
    "my_orders",
    "need_order",
    "order_photo",
    "order_photo_thumb",
    "orders_map",
    "provider_accept",
    "provider_console",
    "provider_decline",
    "provider_deliver",
    "provider_grab",
    "provider_start",
    "ranking_page",
    "ranking_township",
    "rate_by_link",
    "service_order",
    "staff_approve",
    "staff_approve_dispatch",
    "staff_callback",
    "staff_cancel",
    "staff_dispatch",
    "staff_escalate_county",
    "staff_merge",
    "staff_note",
    "staff_order",
    "staff_orders",
    "staff_rating_validity",
    "staff_reassign",
    "staff_redispatch",
    "staff_reject",
    "staff_urge",
    "track",
]
