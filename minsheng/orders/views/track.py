"""Following an order without an account (/track/): its number and the phone it was
placed with. Public; the rule is ``orders.policy.tracking_reading``, the throttle
``orders.tracking``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from minsheng.accounts.decorators import clean_request
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.network import client_address
from minsheng.core.phones import MAX_PHONE
from minsheng.orders.forms import FieldSpec, attach_errors, error_links
from minsheng.orders.tracking import Tracked, track_order


@never_cache
@clean_request
def track(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST (the phone stays out of addresses and logs): the order's status
    and timeline, or one refusal that does not say which half was wrong."""
    data = request.POST if request.method == "POST" else None
    tracked: Tracked | None = None
    errors: list[ErrorDetail] = []
    status = 200
    if data is not None:
        try:
            tracked = track_order(
                number=data.get("number"), phone=data.get("phone"), address=client_address(request)
            )
        except DomainError as exc:
            errors, status = exc.errors, exc.status_code
    fields = [
        FieldSpec(
            name="number",
            label=_("Order number"),
            kind="text",
            required=True,
            value=data.get("number", "") if data is not None else "",
            maxlength=30,
            help=_("As it was given to you, such as 20260301-000123."),
            autocomplete="off",
            prefix="t",
        ),
        FieldSpec(
            name="phone",
            label=_("Phone the order was placed with"),
            kind="tel",
            required=True,
            value=data.get("phone", "") if data is not None else "",
            maxlength=MAX_PHONE,
            prefix="t",
        ),
    ]
    attach_errors(fields, errors)
    context = {
        "fields": fields,
        "errors": error_links(fields, errors),
        "order": tracked.order if tracked is not None else None,
        "timeline": tracked.timeline if tracked is not None else [],
        "details": False,
    }
    return render(request, "orders/track.html", context, status=status)
