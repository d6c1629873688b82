"""The public ranking of townships and providers, a township's figures, the exports, and
staff marking whether a rating counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed, clean_request
from minsheng.core.inputs import Invalid, read_bool, read_month
from minsheng.orders import exports, policy, selectors, services
from minsheng.orders.views.common import bad_input, run_action
from minsheng.orders.views.dispatch import _render_staff_order
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_by_code

# --- the month asked for ------------------------------------------------------------------------


def _month(request: HttpRequest) -> tuple[date, str]:
    """The month in ``?month=`` (any month), else the last full month; and what was wrong
    with the one given, if anything."""
    default = selectors.last_full_month(timezone.localdate())
    raw = request.GET.get("month", "")
    if not raw:
        return default, ""
    try:
        return read_month(raw), ""
    except Invalid as exc:
        return default, str(exc.message)


EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.to_xlsx,
    ),
}
EXPORT_TABLES = ("ranking", "trend")


def _export(request: HttpRequest, month: date, fmt: str) -> HttpResponse | str:
    """The file asked for, or what is wrong with the request."""
    table = request.GET.get("table", "ranking")
    if fmt not in EXPORT_FORMATS:
        return _("Choose the format csv or xlsx.")
    if table not in EXPORT_TABLES:
        return _("Choose the table ranking or trend.")
    if table == "trend":
        tables = [exports.trend_table(selectors.ranking_trend(month))]
    else:
        tables = [
            exports.ranking_table(_("Townships"), selectors.ranking("township", month)),
            exports.ranking_table(_("Providers"), selectors.ranking("provider", month)),
        ]
    content_type, write = EXPORT_FORMATS[fmt]
    response = HttpResponse(write(tables), content_type=content_type)
    name = f"ranking-{month:%Y-%m}{'-trend' if table == 'trend' else ''}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the public ranking ---------------------------------------------------------------------


def _chart_data(trend: selectors.Trend) -> dict[str, Any]:
    """What ``ranking-chart.js`` draws (through ``json_script``): composites in points."""
    return {
        "labels": [m.strftime("%Y-%m") for m in trend.months],
        "series": [
            {
                "label": s.name,
                "data": [
                    None if r.composite is None else round(r.composite * 100, 1) for r in s.rates
                ],
            }
            for s in trend.series
        ],
        "axis": _("Composite (points)"),
    }


@clean_request
def ranking_page(request: HttpRequest) -> HttpResponse:
    month, error = _month(request)
    fmt = request.GET.get("format", "")
    if fmt and not error:
        exported = _export(request, month, fmt)
        if isinstance(exported, HttpResponse):
            return exported
        error = exported
    trend = selectors.ranking_trend(month)
    context = {
        "month": month,
        "months": selectors.months_with_ratings(),
        "error": error,
        "previous_month": selectors.previous_month(month),
        "min_sample": selectors.ranking_min_sample(),
        "townships": selectors.ranking("township", month),
        "providers": selectors.ranking("provider", month),
        "trend": trend,
        "chart": _chart_data(trend),
    }
    return render(request, "orders/ranking.html", context, status=400 if error else 200)


# --- one township -----------------------------------------------------------------------------


@clean_request
def ranking_township(request: HttpRequest, code: str) -> HttpResponse:
    township = region_by_code(code)
    if township is None or township.level != Region.Level.TOWNSHIP:
        raise Http404
    month, error = _month(request)
    row = next(r for r in selectors.ranking("township", month) if r.key == township.pk)
    show_orders = policy.can_see_ranked_orders(request.user, township)
    context = {
        "township": township,
        "month": month,
        "error": error,
        "row": row,
        "min_sample": selectors.ranking_min_sample(),
        "areas": selectors.township_breakdown(township.pk, month, "area"),
        "services": selectors.township_breakdown(township.pk, month, "service"),
        "show_orders": show_orders,
        "rated": (
            list(selectors.rated_orders_for(request.user, township.pk, month))
            if show_orders
            else []
        ),
    }
    return render(request, "orders/ranking_township.html", context, status=400 if error else 200)


# --- whether a rating counts (on the staff order page) ------------------------------------------


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_rating_validity(request: HttpRequest, pk: int) -> HttpResponse:
    rating = selectors.ratings_visible_to(request.user).filter(pk=pk).first()
    if rating is None:
        raise Http404
    order_id = rating.order_id
    try:
        valid = read_bool(request.POST.get("valid"))
    except Invalid:
        failure = bad_input(f"rating{rating.pk}", order_id, request.POST, "valid")
        return _render_staff_order(request, order_id, failure)
    return run_action(
        request,
        form=f"rating{rating.pk}",
        order_id=order_id,
        call=lambda: services.rating_set_valid(
            rating_id=rating.pk,
            actor=request.user,
            valid=valid,
            reason=request.POST.get("reason", ""),
        ),
        success=_("The rating counts again.") if valid else _("The rating no longer counts."),
        done=reverse("staff_order", args=[order_id]),
        rerender=lambda f: _render_staff_order(request, order_id, f),
    )
