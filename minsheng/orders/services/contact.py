"""Showing the resident's contact: what each reader is shown, and the log of every showing
in full (PIPL: access to personal data is recorded).

The log is written when the number is *shown*: every page render, REST answer or export
that contains it in full appends one row per order, before the response is sent. A staff
member who opens the page has seen the number; a tap-to-reveal would record intent rather
than exposure, and a page that shows the number without the tap would escape the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from minsheng.accounts.types import Actor
from minsheng.orders import policy
from minsheng.orders.models import ContactView, Order


def contact_views_record(
    *,
    user: Actor,
    orders: Iterable[Order],
    where: str,
    now: datetime | None = None,
) -> dict[int, policy.Contact]:
    """The contact of each of ``orders`` as ``user`` is to be shown it
    (``policy.contact_of``), having recorded a view of each shown in full.

    ``where``: a ``ContactView.Where`` (the page, the REST API, an export). Call it with the
    orders the response shows, and show what it returns: nothing else unmasks a number.
    """
    at = now or timezone.now()
    shown = {order.pk: policy.contact_of(user, order) for order in orders}
    # Only staff in their part of the order read it in full, always signed in.
    viewer = user.pk if user is not None and user.is_authenticated else None
    rows = [
        ContactView(order_id=pk, user_id=viewer, where=ContactView.Where(where), created_at=at)
        for pk, contact in shown.items()
        if contact.recorded and viewer is not None
    ]
    if rows:
        with transaction.atomic():
            ContactView.objects.bulk_create(rows)
    return shown
