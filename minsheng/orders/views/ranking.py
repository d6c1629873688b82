"""The public ranking of townships and providers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from minsheng.accounts.decorators import clean_request
from minsheng.core.inputs import Invalid, read_month
from minsheng.orders import selectors

# --- the public ranking -----------------------------------------------------------------------


@clean_request
def ranking_page(request: HttpRequest) -> HttpResponse:
    months = selectors.months_with_ratings()
    default = months[0] if months else timezone.localdate().replace(day=1)
    raw = request.GET.get("month", "")
    error = ""
    month = default
    if raw:
        try:
            month = read_month(raw)
        except Invalid as exc:
            error = str(exc.message)
    context = {
        "month": month,
        "months": months,
        "error": error,
        "previous_month": selectors.previous_month(month),
        "townships": selectors.ranking("township", month),
        "providers": selectors.ranking("provider", month),
    }
    return render(request, "orders/ranking.html", context, status=400 if error else 200)
