"""The planning dashboard and the monthly report (issue 11). Who may open them: ``insights.policy``.

- ``/staff/planning/``: the county's weakest plank, each township's, the barrels, the map
  coloured by the weakest plank, the Lorenz curves, the three rates and the happiness index;
- ``/staff/planning/township/<id>/``: one township's barrel and villages;
- ``/staff/planning/map.geojson``: the map layer; ``/staff/planning/download/``: the tables
  as CSV/XLSX; ``/staff/planning/report/``: the monthly PDF.

The figures are read from the snapshot by ``insights.plank``; the charts are SVG drawn here
(barrels, Lorenz curves) or by ``planning.js`` (the trends, the map), each beside a table of
the same figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from minsheng.accounts.decorators import allowed
from minsheng.core.exports import Table
from minsheng.core.inputs import Invalid, read_month
from minsheng.insights import plank, policy, report
from minsheng.insights.views import EXPORT_FORMATS
from minsheng.regions.models import Region

# One colour per service area (in the areas' order) on the map and its legend.
PALETTE = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
]
TABLES = ("attainment", "values")


class BadParameter(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _scope(request: HttpRequest) -> Region:
    scope = policy.planning_scope(request.user)
    assert scope is not None, "ask policy.can_see_planning first"
    return scope


def _month(request: HttpRequest, months: list[date]) -> date | None:
    """The month asked for (``?month=YYYY-MM``, a computed one), else the latest computed;
    None when nothing has been computed yet."""
    raw = request.GET.get("month", "").strip()
    if not raw:
        return months[0] if months else None
    try:
        month = read_month(raw)
    except Invalid as exc:
        raise BadParameter("month", str(exc.detail("month").message)) from None
    if month not in months:
        raise BadParameter(
            "month",
            _("%(month)s has not been computed: choose a computed month.")
            % {"month": f"{month:%Y-%m}"},
        )
    return month


def _bad(request: HttpRequest, error: BadParameter, months: list[date]) -> HttpResponse:
    return render(
        request,
        "insights/planning/dashboard_bad.html",
        {"errors": {error.field: error.message}, "months": months},
        status=400,
    )


# --- charts drawn here -----------------------------------------------------------------------

BARREL_W, BARREL_H, TOP, BOTTOM, LEFT = 320, 200, 12, 170, 34


def _y(value: float) -> float:
    return round(BOTTOM - value / plank.DISPLAY_CAP * (BOTTOM - TOP), 1)


def barrel_svg(barrel: plank.Barrel, areas: list[Any]) -> dict[str, Any]:
    """The barrel's geometry: one stave per area (height = attainment capped at 1.2), the
    standard's line at 1, the axis ticks at 0, 0.5 and 1."""
    n = max(1, len(areas))
    step = (BARREL_W - LEFT - 6) / n
    weakest = barrel.weakest
    bars = []
    for k, area in enumerate(areas):
        stave = barrel.stave(area)
        if stave is None:
            continue
        top = _y(stave.height)
        bars.append(
            {
                "x": round(LEFT + k * step + 2, 1),
                "y": top,
                "w": round(step - 4, 1),
                "h": round(BOTTOM - top, 1),
                "label_x": round(LEFT + k * step + step / 2, 1),
                "n": k + 1,
                "fill": "#c0392b"
                if weakest is not None and stave.area.pk == weakest.area.pk
                else ("#e6a23c" if stave.below else "#2e7d32"),
                "stave": stave,
            }
        )
    return {
        "width": BARREL_W,
        "height": BARREL_H,
        "left": LEFT,
        "right": BARREL_W - 4,
        "bottom": BOTTOM,
        "standard_y": _y(1.0),
        "ticks": [{"y": _y(v), "label": f"{v:g}"} for v in (0.0, 0.5, 1.0)],
        "bars": bars,
        "label_y": BOTTOM + 16,
    }


LORENZ = 160


def lorenz_svg(item: plank.AreaInequality) -> dict[str, Any]:
    """The Lorenz curve in a square of ``LORENZ`` units (y up), with the line of equality."""
    pad = 8
    size = LORENZ - 2 * pad
    points = " ".join(
        f"{pad + x * size:.1f},{pad + (1 - y) * size:.1f}"
        for x, y in zip(item.lorenz_x, item.lorenz_y, strict=True)
    )
    return {
        "size": LORENZ,
        "pad": pad,
        "far": LORENZ - pad,
        "points": points,
        "item": item,
    }


def _rates_chart(series: list[plank.RateSeries]) -> dict[str, Any]:
    labels = [f"{p.month:%Y-%m}" for p in series[0].points] if series else []
    names = _rate_names()
    return {
        "labels": labels,
        "axis": _("Per cent"),
        "series": [
            {
                "label": names[s.code],
                "data": [None if p.value is None else round(p.value * 100, 1) for p in s.points],
            }
            for s in series
        ],
    }


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _rate_rows(series: list[plank.RateSeries]) -> list[tuple[str, list[float | None]]]:
    if not series:
        return []
    return [
        (
            f"{p.month:%Y-%m}",
            [_percent(s.points[k].value) for s in series],
        )
        for k, p in enumerate(series[0].points)
    ]


def _rate_names() -> dict[str, str]:
    return {
        "response_rate": _("Response rate"),
        "resolution_rate": _("Resolution rate"),
        "satisfaction_rate": _("Satisfaction rate"),
    }


def _line(label: str, axis: str, points: list[tuple[date, float | None]]) -> dict[str, Any]:
    return {
        "labels": [f"{m:%Y-%m}" for m, _v in points],
        "axis": axis,
        "series": [
            {"label": label, "data": [None if v is None else round(v, 1) for _m, v in points]}
        ],
    }


def _headline(barrel: plank.Barrel | None) -> str:
    weakest = barrel.weakest if barrel else None
    if barrel is None or weakest is None:
        return ""
    return _(
        "Shortest plank of %(place)s: %(area)s, attainment %(percent).0f%%; "
        "%(people).0f residents' worth of service short of the standard."
    ) % {
        "place": barrel.region.name,
        "area": weakest.area.name,
        "percent": weakest.percent,
        "people": weakest.gap_people,
    }


# --- pages -----------------------------------------------------------------------------------


@allowed(policy.can_see_planning)
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    months = plank.computed_months()
    try:
        month = _month(request, months)
    except BadParameter as error:
        return _bad(request, error, months)
    context: dict[str, Any] = {
        "months": months,
        "month": month,
        "month_value": f"{month:%Y-%m}" if month else "",
        "scope": scope,
        "may_report": policy.can_download_report(request.user),
        "may_run": policy.can_run_plans(request.user),
        "may_configure": policy.can_configure_indicators(request.user),
    }
    if month is None:
        return render(request, "insights/planning/dashboard.html", context)
    planks = plank.planks(scope, month)
    county = planks.county
    place = county.region if county else plank.county_of(scope)
    focus = scope if scope.level == Region.Level.TOWNSHIP else place
    weakest = county.weakest if county else None
    happiness = plank.happiness_trend(focus, month)
    rates = plank.rate_trend(focus, month)
    inequalities = plank.inequalities(scope, month)
    context.update(
        {
            "planks": planks,
            "headline": _headline(county),
            "county_weakest": weakest,
            "county_trend": plank.stave_trend(place, weakest.area, month) if weakest else [],
            "barrels": [
                {"barrel": b, "svg": barrel_svg(b, planks.areas)}
                for b in ([county] if county else []) + planks.townships
            ],
            "palette": [
                {"area": a, "colour": PALETTE[k % len(PALETTE)]} for k, a in enumerate(planks.areas)
            ],
            "colours": [PALETTE[k % len(PALETTE)] for k in range(len(planks.areas))],
            "village_rows": [
                (
                    b,
                    PALETTE[planks.areas.index(b.weakest.area) % len(PALETTE)]
                    if b.weakest
                    else None,
                )
                for b in planks.villages
            ],
            "lorenz": [lorenz_svg(i) for i in inequalities],
            "rates": rates,
            "rate_names": _rate_names(),
            "rates_chart": _rates_chart(rates),
            "rate_rows": _rate_rows(rates),
            "happiness": happiness,
            "happiness_partial": any(h.partial for h in happiness),
            "happiness_chart": _line(
                _("Happiness index"), _("Index (0-100)"), [(h.month, h.value) for h in happiness]
            ),
            "happiness_weights": plank.happiness_weights(),
            "focus": focus,
        }
    )
    return render(request, "insights/planning/dashboard.html", context)


def _township(request: HttpRequest, pk: int) -> Region:
    found = Region.objects.filter(pk=pk, level=Region.Level.TOWNSHIP).defer("boundary").first()
    if found is None or not policy.can_see_planning_region(request.user, found):
        raise Http404(_("No such township."))
    return found


@allowed(policy.can_see_planning)
def township(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    place = _township(request, pk)
    months = plank.computed_months()
    try:
        month = _month(request, months)
    except BadParameter as error:
        return _bad(request, error, months)
    context: dict[str, Any] = {
        "months": months,
        "month": month,
        "month_value": f"{month:%Y-%m}" if month else "",
        "township": place,
    }
    if month is None:
        return render(request, "insights/planning/township.html", context)
    planks = plank.planks(scope, month)
    barrel = next((b for b in planks.townships if b.region.pk == place.pk), None)
    villages = [b for b in planks.villages if b.region.parent_id == place.pk]
    weakest = barrel.weakest if barrel else None
    trend = plank.stave_trend(place, weakest.area, month) if weakest else []
    context.update(
        {
            "planks": planks,
            "barrel": barrel,
            "township_item": {"barrel": barrel, "svg": barrel_svg(barrel, planks.areas)}
            if barrel
            else None,
            "headline": _headline(barrel),
            "weakest": weakest,
            "villages": [
                {"barrel": v, "cells": [v.stave(a) for a in planks.areas]} for v in villages
            ],
            "trend": trend,
            "trend_chart": _line(
                weakest.area.name if weakest else "",
                _("Attainment (%)"),
                [(p.month, None if p.value is None else p.value * 100) for p in trend],
            ),
        }
    )
    return render(request, "insights/planning/township.html", context)


@allowed(policy.can_see_planning)
def map_layer(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    months = plank.computed_months()
    try:
        month = _month(request, months)
    except BadParameter as error:
        return JsonResponse({"errors": {error.field: error.message}}, status=400)
    if month is None:
        return JsonResponse({"type": "FeatureCollection", "features": []})
    return JsonResponse(
        plank.village_map(plank.planks(scope, month)), json_dumps_params={"ensure_ascii": False}
    )


# --- downloads -------------------------------------------------------------------------------


def _number(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def attainment_table(planks: plank.Planks) -> Table:
    """Region × area: each cell the attainment (1 = the standard), with the weakest area
    and the gaps of each row's weakest plank."""
    header = [
        _("Code"),
        _("Region"),
        _("Level"),
        _("Township"),
        *[a.name for a in planks.areas],
        _("Weakest area"),
        _("Gap in people"),
        _("Gap in yuan"),
    ]
    rows: list[list[Any]] = []
    barrels = ([planks.county] if planks.county else []) + planks.townships + planks.villages
    for b in barrels:
        w = b.weakest
        rows.append(
            [
                b.region.code,
                b.region.name,
                b.region.get_level_display(),
                b.region.township.name if b.region.township else "",
                *[_number(s.attainment if s else None) for s in (b.stave(a) for a in planks.areas)],
                w.area.name if w else "",
                _number(w.gap_people, 1) if w else None,
                _number(w.gap_yuan, 0) if w else None,
            ]
        )
    return Table(
        title=_("Attainment %(month)s") % {"month": f"{planks.month:%Y-%m}"},
        header=header,
        rows=rows,
    )


def values_table(scope: Region, month: date) -> Table:
    rows: list[list[Any]] = [
        [
            v.region.code,
            v.region.name,
            v.indicator.code,
            v.indicator.name,
            v.indicator.area.name if v.indicator.area else _("The service as a whole"),
            _number(v.value, 6),
            v.indicator.unit,
            _number(v.standard, 6),
            _number(v.attainment),
            v.population,
        ]
        for v in plank.indicator_values(scope, month)
    ]
    return Table(
        title=_("Indicator values %(month)s") % {"month": f"{month:%Y-%m}"},
        header=[
            _("Code"),
            _("Region"),
            _("Indicator code"),
            _("Indicator"),
            _("Service area"),
            _("Value"),
            _("Unit"),
            _("Standard"),
            _("Attainment"),
            _("Population"),
        ],
        rows=rows,
    )


@allowed(policy.can_see_planning)
def download(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    months = plank.computed_months()
    try:
        month = _month(request, months)
        fmt = request.GET.get("format", "csv")
        if fmt not in EXPORT_FORMATS:
            raise BadParameter("format", _("Choose the format csv or xlsx."))
        which = request.GET.get("table", "attainment")
        if which not in TABLES:
            raise BadParameter("table", _("Choose the table attainment or values."))
    except BadParameter as error:
        return _bad(request, error, months)
    if month is None:
        return _bad(request, BadParameter("month", _("Nothing has been computed yet.")), months)
    table = (
        attainment_table(plank.planks(scope, month))
        if which == "attainment"
        else values_table(scope, month)
    )
    content_type, write = EXPORT_FORMATS[fmt]
    response = HttpResponse(write([table]), content_type=content_type)
    name = f"planning-{which}-{scope.code}-{month:%Y-%m}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@allowed(policy.can_download_report)
def report_pdf(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    months = plank.computed_months()
    try:
        month = _month(request, months)
    except BadParameter as error:
        return _bad(request, error, months)
    if month is None:
        return _bad(request, BadParameter("month", _("Nothing has been computed yet.")), months)
    pdf = report.monthly_report(plank.county_of(scope), month)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="planning-report-{month:%Y-%m}.pdf"'
    return response
