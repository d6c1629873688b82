"""Rating by the signed link sent when an order is delivered: no login (issue 8).

The link stands for the resident (``orders.policy.link_rating_refusal``); the page shows
the order's number and title and the rating form, nothing else of the order. An altered or
expired link is a 400 page saying so; a spent one (the round is rated) a 409 page; neither
writes anything.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from minsheng.accounts.decorators import clean_request
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.orders import policy, services
from minsheng.orders.forms import attach_errors, parse_rating, rating_fields
from minsheng.orders.models import Order
from minsheng.orders.services.rating import read_link


def _page(
    request: HttpRequest,
    *,
    order: Order | None,
    errors: list[ErrorDetail],
    status: int,
    form: bool,
    done: bool = False,
) -> HttpResponse:
    fields = rating_fields(request.POST if request.method == "POST" and form else None)
    attach_errors(fields, errors)
    context = {
        "order": order,
        "fields": fields if form else [],
        "messages_list": [str(e.message) for e in errors],
        "done": done,
        "rate_action": request.path,
    }
    return render(request, "orders/rate_by_link.html", context, status=status)


@never_cache
@clean_request
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        target = read_link(token)
    except DomainError as exc:
        return _page(request, order=None, errors=exc.errors, status=exc.status_code, form=False)
    order = Order.objects.select_related("service", "area").filter(pk=target.order_id).first()
    refusal = policy.link_rating_refusal(order, target.round) if order is not None else None
    if order is None or refusal is not None:
        errors = refusal.errors if refusal is not None else []
        return _page(request, order=order, errors=errors, status=409, form=False)
    if request.method != "POST":
        return _page(request, order=order, errors=[], status=200, form=True)
    try:
        services.order_rate_by_link(token=token, data=parse_rating(request.POST))
    except DomainError as exc:
        return _page(request, order=order, errors=exc.errors, status=exc.status_code, form=True)
    return _page(request, order=order, errors=[], status=200, form=False, done=True)
