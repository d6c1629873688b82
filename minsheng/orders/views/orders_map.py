"""The dispatcher's map of open orders: each at its point (else its village's centre),
coloured by state, overdue outlined, over the county's village boundaries; the same orders
listed beside it for keyboards and screen readers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.decorators import allowed
from minsheng.orders import policy, selectors
from minsheng.orders.candidates import order_point
from minsheng.orders.models import OPEN_STATUSES, Status

# More markers than this say little on a county map and slow a cheap phone down.
MAX_MARKERS = 500
# The legend's order: the loop's own.
LEGEND = [
    Status.SUBMITTED,
    Status.APPROVED,
    Status.REOPENED,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.IN_SERVICE,
]


@allowed(policy.can_dispatch_anything)
def orders_map(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    qs = selectors.orders_visible_to(request.user).filter(status__in=OPEN_STATUSES)
    total = qs.count()
    orders = list(qs.order_by("step_deadline", "created_at", "pk")[:MAX_MARKERS])
    markers: list[dict[str, Any]] = []
    for order in orders:
        point = order_point(order)
        overdue = order.step_deadline is not None and order.step_deadline < now
        markers.append(
            {
                "number": order.number,
                "title": order.title,
                "status": order.status,
                "status_label": order.get_status_display(),
                "overdue": overdue,
                "overdue_label": _("Overdue"),
                "url": reverse("staff_order", args=[order.pk]),
                "latitude": point[0] if point is not None else None,
                "longitude": point[1] if point is not None else None,
            }
        )
    context = {
        "orders": orders,
        "markers": markers,
        "total": total,
        "shown": len(orders),
        "legend": [(s.value, s.label) for s in LEGEND],
        "now": now,
    }
    return render(request, "orders/orders_map.html", context)
