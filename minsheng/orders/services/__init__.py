"""Writes of the order loop (点单 → 审单 → 派单 → 接单 → 评单), one module per part of it.

Every step is one transaction that locks the order, asks ``orders.policy`` whether the
actor may take it now, takes the time under the lock, asks ``orders.lifecycle`` for the
change, writes it and appends its event through ``events`` (``steps.take``). Nothing else
assigns ``Order.status``. Refusals are ``DomainError``s with the codes of
``orders.errors.OrderCode`` and ``core.errors.Code``; nothing is written when one is raised.
"""

from minsheng.orders.services.cancel import order_cancel
from minsheng.orders.services.comment import client_comment, order_comment
from minsheng.orders.services.contact import contact_views_record
from minsheng.orders.services.delivery import order_accept, order_deliver, order_start
from minsheng.orders.services.desk import (
    order_approve_dispatch,
    order_escalate_county,
    order_note,
    order_reassign,
    order_urge,
)
from minsheng.orders.services.dispatch import (
    order_decline,
    order_dispatch,
    order_grab,
    order_redispatch,
)
from minsheng.orders.services.imports import ImportedOrder, order_import
from minsheng.orders.services.merge import order_merge
from minsheng.orders.services.photos import (
    PreparedPhoto,
    order_photo_add,
    photo_read,
    photo_transaction,
    photos_read,
)
from minsheng.orders.services.rating import (
    RatingInput,
    order_callback,
    order_rate,
    order_rate_by_link,
    order_rate_by_reply,
    rating_invalidate,
    rating_set_valid,
)
from minsheng.orders.services.review import order_approve, order_reject
from minsheng.orders.services.steps import MAX_NOTE
from minsheng.orders.services.submit import OrderInput, order_submit
from minsheng.orders.services.sweep import SweepResult, sweep

__all__ = [
    "MAX_NOTE",
    "ImportedOrder",
    "OrderInput",
    "PreparedPhoto",
    "RatingInput",
    "SweepResult",
    "client_comment",
    "contact_views_record",
    "order_accept",
    "order_approve",
    "order_approve_dispatch",
    "order_callback",
    "order_cancel",
    "order_comment",
    "order_decline",
    "order_deliver",
    "order_dispatch",
    "order_escalate_county",
    "order_grab",
    "order_import",
    "order_merge",
    "order_note",
    "order_photo_add",
    "order_rate",
    "order_rate_by_link",
    "order_rate_by_reply",
    "order_reassign",
    "order_redispatch",
    "order_reject",
    "order_start",
    "order_submit",
    "order_urge",
    "photo_read",
    "photo_transaction",
    "photos_read",
    "rating_invalidate",
    "rating_set_valid",
    "sweep",
]
