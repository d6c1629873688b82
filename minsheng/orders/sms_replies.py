"""A reply to the rating SMS rates the order (registered with ``notify.inbound``).

"1", "2" or "3" (see ``services.rating.SMS_REPLIES``) rates the most recently delivered of
the sender's orders that is still waiting for its rating and whose rating SMS went to this
very phone; any other text is answered with how to reply, and nothing is written.
"""

from __future__ import annotations

from minsheng.core.errors import DomainError
from minsheng.notify.inbound import Reply
from minsheng.notify.selectors import sms_sent_to
from minsheng.orders.models import Order, Status
from minsheng.orders.services.rating import SMS_REPLIES, order_rate_by_reply

RATING_TEMPLATE = "order_delivered"
RECENT = 50


def order_to_rate(phone: str) -> Order | None:
    """The latest delivered, unrated order whose rating SMS reached ``phone``."""
    abouts = sms_sent_to(phone=phone, template=RATING_TEMPLATE).values_list("about", flat=True)
    ids = [
        int(about.split(":", 1)[1])
        for about in abouts[:RECENT]
        if about.startswith("order:") and about.split(":", 1)[1].isdigit()
    ]
    return (
        Order.objects.select_related("service", "area")
        .filter(pk__in=ids, status=Status.DELIVERED)
        .order_by("-delivered_at", "-pk")
        .first()
    )


def rate_by_reply(phone: str, text: str) -> Reply:
    answer = text.strip()
    if answer not in SMS_REPLIES:
        return Reply("reply_unknown")
    order = order_to_rate(phone)
    if order is None:
        return Reply("reply_nothing_to_rate")
    try:
        order_rate_by_reply(order_id=order.pk, round=order.round, reply=answer)
    except DomainError:
        # Rated meanwhile (by the link, a callback): nothing is waiting any more.
        return Reply("reply_nothing_to_rate")
    return Reply("reply_rated", {"number": order.number}, handled=True)
