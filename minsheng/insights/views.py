"""The demand analysis pages: the figures (``/staff/demand/``, with CSV/XLSX exports), the
village map (``/staff/demand/map/``) and the estimate of a proposed menu item
(``/staff/demand/estimate/``). Who may open them: ``insights.policy``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from minsheng.accounts.decorators import allowed
from minsheng.core.errors import DomainError, NotFound
from minsheng.core.exports import to_csv, to_xlsx
from minsheng.insights import demand, estimates, exports, policy, selectors
from minsheng.insights.queries import Query, default_month, read_query
from minsheng.regions.models import Region

EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


def _measures() -> list[tuple[str, str]]:
    return [
        ("placed", _("Orders placed")),
        ("unmet", _("Orders unmet")),
        ("stated", _("Stated needs")),
        ("suggestions", _("Suggestions")),
    ]


def _query(request: HttpRequest, *, measure: bool = False) -> tuple[Query, dict[str, str]]:
    """The query asked for, and each bad parameter's message (the page then shows the
    defaults with the messages, and answers 400)."""
    try:
        return read_query(request.user, request.GET, measure=measure), {}
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        bad = {e.field or "": str(e.message) for e in exc.errors}
        clean = {k: v for k, v in request.GET.items() if k not in bad}
        try:
            return read_query(request.user, clean, measure=measure), bad
        except NotFound:
            raise Http404 from None


def _common(query: Query) -> dict[str, Any]:
    return {
        "query": query,
        "month_value": f"{query.month:%Y-%m}",
        "areas": selectors.areas(),
        "months": selectors.computed_months(),
        "computed": selectors.is_computed(query.month),
    }


def _chart(points: list[selectors.TrendPoint]) -> dict[str, Any]:
    """What ``demand-chart.js`` draws: per 1,000 residents, month by month."""

    def series(name: str, label: str) -> dict[str, Any]:
        return {
            "label": label,
            "data": [
                None if p.figures.rate(name) is None else round(p.figures.rate(name) or 0, 2)
                for p in points
            ],
        }

    return {
        "labels": [f"{p.month:%Y-%m}" for p in points],
        "series": [series(name, label) for name, label in _measures()],
        "axis": _("Per 1,000 residents"),
    }


@allowed(policy.can_see_demand)
def demand_page(request: HttpRequest) -> HttpResponse:
    query, errors = _query(request, measure=True)
    report = selectors.report(query.region, query.month, query.area)
    top = selectors.top_unmet(query.region, query.month)
    grid = selectors.matrix(query.region, query.month, query.measure)
    fmt = request.GET.get("format", "")
    if fmt and not errors:
        if fmt not in EXPORT_FORMATS:
            errors["format"] = _("Choose the format csv or xlsx.")
        else:
            content_type, write = EXPORT_FORMATS[fmt]
            response = HttpResponse(
                write(exports.demand_tables(report, top, grid, _measures())),
                content_type=content_type,
            )
            name = f"demand-{query.region.code}-{query.month:%Y-%m}.{fmt}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    points = selectors.trend(query.region, query.month, query.area)
    scope = policy.demand_scope(request.user)
    base = {
        "month": f"{query.month:%Y-%m}",
        "region": query.region.code,
        "measure": query.measure,
    }
    if query.area is not None:
        base["area"] = query.area.code
    context = {
        **_common(query),
        "errors": errors,
        "report": report,
        "top": top,
        "matrix": grid,
        "measures": _measures(),
        "measure_label": dict(_measures())[query.measure],
        "trend": points,
        "chart": _chart(points),
        "child_level": (
            _("Township") if query.region.level == Region.Level.COUNTY else _("Village")
        ),
        "drill": query.region.level == Region.Level.COUNTY,
        "up": (
            query.region.parent
            if query.region.parent_id is not None
            and scope is not None
            and policy.within(scope, query.region.parent)  # type: ignore[arg-type]
            else None
        ),
        "export_query": urlencode(base),
        "may_estimate": policy.can_estimate(request.user),
    }
    return render(request, "insights/demand.html", context, status=400 if errors else 200)


@allowed(policy.can_see_demand)
def demand_map(request: HttpRequest) -> HttpResponse:
    query, errors = _query(request, measure=True)
    figures = selectors.village_figures(query.region, query.month, query.measure, query.area)
    params = {
        "month": f"{query.month:%Y-%m}",
        "measure": query.measure,
        "region": query.region.code,
    }
    if query.area is not None:
        params["area"] = query.area.code
    label = dict(_measures())[query.measure]
    bounds = selectors.breaks(figures)
    legend = [(k, 0.0 if k == 0 else bounds[k - 1], b) for k, b in enumerate(bounds)]
    context = {
        **_common(query),
        "errors": errors,
        "rows": [(f, selectors.colour_class(f.rate, bounds)) for f in figures],
        "legend": legend,
        "breaks": bounds,
        "measures": _measures(),
        "measure_label": label,
        "layer_url": f"{reverse('api:demand-villages')}?{urlencode(params)}",
    }
    return render(request, "insights/demand_map.html", context, status=400 if errors else 200)


@allowed(policy.can_estimate)
def demand_estimate(request: HttpRequest) -> HttpResponse:
    scope = policy.demand_scope(request.user)
    assert scope is not None
    townships = (
        [scope]
        if scope.level == Region.Level.TOWNSHIP
        else list(Region.objects.filter(parent=scope).defer("boundary").order_by("code"))
    )
    result = None
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"targets": [t.code for t in townships]}
    if request.method == "POST":
        data = {
            "name": request.POST.get("name", ""),
            "description": request.POST.get("description", ""),
            "keywords": request.POST.get("keywords", ""),
            "area": request.POST.get("area", ""),
            "targets": request.POST.getlist("targets"),
        }
        try:
            proposal = estimates.read_proposal(request.user, data)
        except DomainError as exc:
            errors = {e.field or "": str(e.message) for e in exc.errors}
        else:
            result = estimates.estimate(proposal, default_month())
    context = {
        "areas": selectors.areas(),
        "townships": townships,
        "data": data,
        "errors": errors,
        "result": result,
        "month": default_month(),
        "per": demand.PER,
    }
    return render(request, "insights/demand_estimate.html", context, status=400 if errors else 200)
