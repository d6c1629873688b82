"""Who may do what through Open311: the rules about client applications' keys.

A key creates requests (``POST requests``) and adds public updates
(``POST servicerequestupdates``) to the requests it created, never to another key's or to
an order residents placed elsewhere; a server may also take no updates from keys at all
(``MINSHENG_OPEN311_KEY_UPDATES``). Reading is public: what the public may read of an order
is ``orders.policy``'s answer.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from minsheng.core.errors import Code, DomainError, NotFound, PermissionDenied
from minsheng.open311.models import ApiKey, ServiceRequest
from minsheng.orders.errors import OrderCode
from minsheng.orders.selectors import order_exists


def update_refusal(key: ApiKey, order_id: int) -> DomainError | None:
    """Why ``key`` may not add an update to order ``order_id``, or None if it may."""
    if not settings.MINSHENG_OPEN311_KEY_UPDATES:
        return PermissionDenied.single(
            Code.NOT_PERMITTED,
            _("this server does not take updates from client applications"),
            "order",
        )
    creator = ServiceRequest.objects.filter(order_id=order_id).values_list("api_key_id", flat=True)
    found = list(creator[:1])
    if not found and not order_exists(order_id):
        return NotFound.single(OrderCode.ORDER_NOT_FOUND, _("No such order."), "order")
    if not found or found[0] != key.pk:
        return PermissionDenied.single(
            Code.NOT_PERMITTED,
            _(
                "this API key did not create request %(id)s: it may add updates only to its "
                "own requests"
            )
            % {"id": order_id},
            "order",
        )
    return None


def can_update(key: ApiKey, order_id: int) -> bool:
    return update_refusal(key, order_id) is None
