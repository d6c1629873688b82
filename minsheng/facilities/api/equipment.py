"""REST adapter of the equipment part (issue 10, part 7): a facility's register with its gaps
against the standard (``GET /api/v1/facilities/<id>/equipment/``: its keepers and managers)
and the replacement priority (``GET /api/v1/equipment/priority/``: managers, over their
scope). The figures are the pages' (``selectors.equipment``); docs/equipment.md defines them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import APIBase
from minsheng.api.schema import READ_ERRORS, errors
from minsheng.core.errors import Code, DomainError, ErrorDetail, NotFound, PermissionDenied
from minsheng.core.ids import as_id
from minsheng.core.inputs import Invalid, read_int

from ..errors import EquipmentCode
from ..models import Equipment, Facility
from ..policy import equipment as policy
from ..selectors import equipment as sel

MAX_LIMIT = 5000


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _item(i: Equipment, as_of: Any) -> dict[str, Any]:
    age = sel.rp.age_years(i.purchased_on, as_of)
    life = sel.life_of(i)
    return {
        "id": i.pk,
        "type": i.equipment_type.code,
        "type_name": i.equipment_type.name,
        "label": i.label,
        "purchased_on": i.purchased_on.isoformat(),
        "age_years": round(age, 3),
        "expected_life_years": life,
        "past_life": i.retired_on is None and sel.rp.past_life(age, life),
        "state": i.state,
        "last_service_on": i.last_service_on.isoformat() if i.last_service_on else None,
        "uses_per_month": i.uses_per_month,
        "replacement_cost": _money(i.replacement_cost),
        "retired_on": i.retired_on.isoformat() if i.retired_on else None,
    }


OBJECT = OpenApiResponse(OpenApiTypes.OBJECT, description="See docs/equipment.md.")


@extend_schema(tags=["facilities"], responses={200: OBJECT, **errors(*READ_ERRORS)})
class FacilityEquipment(APIBase):
    """A facility's items of equipment (retired ones too) and its lines of the standard
    configuration, on today's date."""

    pagination_class = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        facility = (
            Facility.objects.select_related("region")
            .filter(pk=as_id(kwargs["facility_id"]) or 0)
            .first()
        )
        if facility is None or policy.hides_facility(request.user, facility):
            raise NotFound.single(
                EquipmentCode.FACILITY_NOT_FOUND, _("No such facility."), "facility"
            )
        if not policy.can_see_equipment(request.user, facility):
            raise PermissionDenied.single(
                Code.NOT_PERMITTED, _("You may not see this facility's equipment.")
            )
        as_of = timezone.localdate()
        gaps = sel.facility_gaps(facility, as_of)
        return Response(
            {
                "facility": {"id": facility.pk, "code": facility.code, "name": facility.name},
                "as_of": as_of.isoformat(),
                "backward": gaps.backward,
                "items": [_item(i, as_of) for i in sel.facility_items(facility.pk)],
                "standard": [
                    {
                        "type": line.equipment_type.code,
                        "required": line.gap.required,
                        "quantity": line.gap.quantity,
                        "working": line.gap.working,
                        "missing": line.gap.missing,
                        "broken": line.gap.broken,
                        "degraded": line.gap.degraded,
                        "past_life": line.gap.past_life,
                        "backward": line.gap.backward,
                    }
                    for line in gaps.lines
                ],
            }
        )


@extend_schema(
    tags=["facilities"],
    parameters=[
        OpenApiParameter("region", str, description="A region's code; default your scope."),
        OpenApiParameter("as_of", str, description="YYYY-MM-DD, not in the future; default today."),
        OpenApiParameter("budget", str, description="Yuan: marks the rows the budget pays for."),
        OpenApiParameter(
            "limit", int, description=f"Rows from the top (1-{MAX_LIMIT}); default 100."
        ),
    ],
    responses={200: OBJECT, **errors(*READ_ERRORS)},
)
class EquipmentPriority(APIBase):
    """Items in use in a region ranked for replacement, with the score's parts, the cost and
    the running cost."""

    pagination_class = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policy.can_see_reports(request.user):
            raise PermissionDenied.single(
                Code.NOT_PERMITTED, _("You may not see the replacement priority.")
            )
        q = sel.read_report_query(request.user, request.query_params)
        problems = [ErrorDetail(Code.INVALID, message, name) for name, message in q.errors.items()]
        limit = 100
        raw = request.query_params.get("limit")
        if raw is not None:
            try:
                limit = read_int(raw, low=1, high=MAX_LIMIT)
            except Invalid as exc:
                problems.append(exc.detail("limit"))
        if problems:
            raise DomainError(problems)
        rows = sel.priority(q.region, q.as_of)
        line = sel.budget_line(rows, q.budget)
        return Response(
            {
                "region": q.region.code,
                "as_of": q.as_of.isoformat(),
                "budget": _money(q.budget),
                "within_budget": line,
                "count": len(rows),
                "results": [
                    {
                        "rank": r.ranked.rank,
                        "equipment": r.equipment.pk,
                        "facility": r.equipment.facility_id,
                        "facility_name": r.equipment.facility.name,
                        "type": r.equipment.equipment_type.code,
                        "label": r.equipment.label,
                        "state": r.equipment.state,
                        "age_years": round(r.ranked.item.age, 3),
                        "expected_life_years": r.life,
                        "uses_per_month": r.ranked.item.uses_per_month,
                        "type_median_uses": r.ranked.item.type_median,
                        "population": r.ranked.item.population,
                        "score": round(r.ranked.score.total, 6),
                        "parts": {
                            "age": round(r.ranked.score.age_part, 6),
                            "state": round(r.ranked.score.state_part, 6),
                            "use": round(r.ranked.score.use_part, 6),
                            "population": round(r.ranked.score.population_part, 6),
                        },
                        "replacement_cost": _money(r.ranked.item.cost),
                        "cumulative_cost": _money(r.ranked.cumulative_cost),
                    }
                    for r in rows[:limit]
                ],
            }
        )


urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "facilities/<int:facility_id>/equipment/",
        FacilityEquipment.as_view(),
        name="facility-equipment",
    ),
    path("equipment/priority/", EquipmentPriority.as_view(), name="equipment-priority"),
]
