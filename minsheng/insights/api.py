"""REST adapter of the demand analysis (``/api/v1/demand/``): the same figures as the
pages, the village map layer as GeoJSON, and the estimate of a proposed menu item.

Who may call: ``insights.policy`` (403 for a signed-in user it refuses; a region outside
the caller's scope is a 404). Parameters are read by ``insights.queries`` as on the pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import APIBase
from minsheng.api.regions import GeoJSONRenderer
from minsheng.api.schema import READ_ERRORS, errors
from minsheng.core.errors import Code, DomainError, ErrorDetail, PermissionDenied
from minsheng.insights import estimates, policy, selectors
from minsheng.insights.demand import COUNT_NAMES, Figures, PlaceEstimate
from minsheng.insights.queries import default_month, read_query


def _refuse() -> PermissionDenied:
    return PermissionDenied.single(Code.NOT_PERMITTED, _("You may not see demand figures."))


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def figures_json(f: Figures) -> dict[str, Any]:
    return {
        "population": f.population,
        "counts": {n: getattr(f.counts, n) for n in COUNT_NAMES},
        "per_1000": {n: _num(v) for n, v in f.rates().items()},
        "unmet_share": _num(f.unmet_share),
    }


def _need(n: selectors.Need) -> dict[str, Any]:
    return {
        "code": n.code,
        "name": n.name,
        "area": n.area,
        "unmet": n.counts.unmet,
        "unmet_per_1000": _num(n.unmet_rate),
        "placed": n.counts.placed,
        "unmet_share": _num(n.unmet_share),
        "suggestions": n.counts.suggestions,
        "supports": n.counts.supports,
        "stated": n.counts.stated,
    }


QUERY = [
    OpenApiParameter("month", str, description="YYYY-MM; default the last full month."),
    OpenApiParameter("region", str, description="A region's code; default your scope."),
    OpenApiParameter("area", str, description="A service area's code; default all areas."),
]
MEASURE = OpenApiParameter(
    "measure",
    str,
    enum=["placed", "unmet", "stated", "suggestions"],
    description="The measure (per 1,000 residents); default placed.",
)
OBJECT = OpenApiResponse(OpenApiTypes.OBJECT, description="See docs/demand.md.")


@extend_schema(
    tags=["demand"],
    parameters=[*QUERY, MEASURE],
    responses={200: OBJECT, **errors(*READ_ERRORS)},
)
class DemandFigures(APIBase):
    """A region's demand in a month: its total, its townships' or villages', its areas',
    the top unmet needs and the 12-month trend (docs/demand.md defines every figure)."""

    pagination_class = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policy.can_see_demand(request.user):
            raise _refuse()
        q = read_query(request.user, request.query_params, measure=True)
        report = selectors.report(q.region, q.month, q.area)
        grid = selectors.matrix(q.region, q.month, q.measure)
        top = selectors.top_unmet(q.region, q.month)
        return Response(
            {
                "month": f"{q.month:%Y-%m}",
                "computed": report.computed,
                "region": {"code": q.region.code, "name": q.region.name, "level": q.region.level},
                "area": q.area.code if q.area else None,
                "total": figures_json(report.total),
                "rows": [
                    {"code": r.code, "name": r.name, "level": r.level, **figures_json(r.figures)}
                    for r in report.rows
                ],
                "by_area": [
                    {"code": r.code, "name": r.name, **figures_json(r.figures)}
                    for r in report.by_area
                ],
                "matrix": {
                    "measure": grid.measure,
                    "areas": [a.code for a in grid.areas],
                    "rows": [
                        {
                            "code": r.code,
                            "name": r.name,
                            "population": r.population,
                            "counts": [c for c, _v in r.cells],
                            "per_1000": [_num(v) for _c, v in r.cells],
                        }
                        for r in grid.rows
                    ],
                },
                "top_unmet": {
                    "months": [f"{m:%Y-%m}" for m in top.months],
                    "population": top.population,
                    "by_area": [_need(n) for n in top.by_area],
                    "by_service": [_need(n) for n in top.by_service],
                },
                "trend": [
                    {"month": f"{p.month:%Y-%m}", "computed": p.computed, **figures_json(p.figures)}
                    for p in selectors.trend(q.region, q.month, q.area)
                ],
            }
        )


@extend_schema(
    tags=["demand"],
    parameters=[
        *QUERY,
        MEASURE,
        OpenApiParameter("format", exclude=True),
    ],
    responses={
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="A GeoJSON FeatureCollection of the villages (their boundaries); "
            "properties: code, name, township, township_name, measure, population, count, "
            "per_1000 (null where the population is 0).",
        ),
        **errors(*READ_ERRORS),
    },
)
class DemandVillages(APIBase):
    """The villages' demand in a month as a map layer."""

    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    pagination_class = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policy.can_see_demand(request.user):
            raise _refuse()
        q = read_query(request.user, request.query_params, measure=True)
        figures = selectors.village_figures(q.region, q.month, q.measure, q.area)
        return Response(selectors.village_collection(figures, q.measure))


def _place(p: PlaceEstimate) -> dict[str, Any]:
    return {
        "population": p.population,
        "per_1000": _num(p.rate),
        "per_1000_low": _num(p.low),
        "per_1000_high": _num(p.high),
        "adjustment": _num(p.adjustment),
        "orders_per_month": _num(p.orders),
        "orders_low": _num(p.orders_low),
        "orders_high": _num(p.orders_high),
    }


class EstimateBody(serializers.Serializer):
    """The proposal (documentation of the body; ``insights.estimates.read_proposal`` reads
    it, every bad field refused by name)."""

    name = serializers.CharField(max_length=estimates.NAME_MAX, help_text="Required.")
    description = serializers.CharField(
        max_length=estimates.DESCRIPTION_MAX, required=False, allow_blank=True
    )
    keywords = serializers.CharField(
        max_length=estimates.KEYWORDS_MAX, required=False, allow_blank=True
    )
    area = serializers.CharField(max_length=40, help_text="A service area's code.")
    targets = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=estimates.TARGETS_MAX,
        help_text="Township codes, or the county's code for every township in your scope.",
    )


def _shape(data: Any) -> Mapping[str, Any]:
    """A JSON object with only the proposal's fields: a typo is refused, never ignored."""
    if not isinstance(data, Mapping):
        raise DomainError.single(Code.INVALID, _("Give a JSON object."), None)
    unknown = sorted(str(k) for k in data if k not in EstimateBody().fields)
    if unknown:
        raise DomainError([ErrorDetail("unknown_field", _("Unknown field."), k) for k in unknown])
    return data


@extend_schema(
    tags=["demand"],
    request=EstimateBody,
    responses={200: OBJECT, **errors(400, 401, 403, 413)},
)
class DemandEstimate(APIBase):
    """What people would order of a proposed menu item, per target township."""

    pagination_class = None

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policy.can_estimate(request.user):
            raise _refuse()
        proposal = estimates.read_proposal(request.user, _shape(request.data))
        result = estimates.estimate(proposal, default_month())
        return Response(
            {
                "month": f"{result.month:%Y-%m}",
                "months": result.months,
                "similar": [
                    {
                        "id": s.item.id,
                        "name": s.item.name,
                        "area": s.item.area,
                        "similarity": _num(s.similarity),
                        "weight": _num(s.weight),
                    }
                    for s in result.similar
                ],
                "townships": [
                    {"code": t.township.code, "name": t.township.name, **_place(t.figures)}
                    for t in result.townships
                ],
                "total_orders_per_month": _num(result.total),
            }
        )
