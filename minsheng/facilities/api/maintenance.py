"""Api: the maintenance part (issue 10), for managers (``facilities.policy.maintenance``).

- ``GET /api/v1/work-orders/``: the work orders on the assets the caller maintains, due
  date first; ``?status=`` and ``?overdue=true|false`` (open work past its due date);
- ``GET /api/v1/maintenance/projection/?years=N&region=CODE``: the lifecycle projection of
  the county or a township (docs/maintenance.md defines every figure).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import APIBase, BooleanFilter
from minsheng.api.schema import READ_ERRORS, errors
from minsheng.core.errors import Code, DomainError, ErrorDetail, PermissionDenied
from minsheng.core.inputs import Invalid, read_int
from minsheng.regions.models import Region

from ..lifecycle import MAX_YEARS
from ..models import WorkOrder, WorkStatus
from ..policy import maintenance as policy
from ..selectors import maintenance as selectors


def _refuse() -> PermissionDenied:
    return PermissionDenied.single(Code.NOT_PERMITTED, _("You may not see maintenance."))


class WorkOrderSerializer(serializers.ModelSerializer):
    facility = serializers.IntegerField(source="facility_id", read_only=True)
    facility_name = serializers.CharField(source="facility.name", read_only=True)
    township = serializers.CharField(
        source="facility.township.code", read_only=True, allow_null=True
    )
    plan = serializers.IntegerField(source="plan_id", read_only=True, allow_null=True)
    order = serializers.IntegerField(source="order_id", read_only=True, allow_null=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "facility",
            "facility_name",
            "township",
            "plan",
            "order",
            "title",
            "status",
            "due_on",
            "estimated_cost",
            "actual_cost",
            "responsible",
            "completed_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WorkOrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WorkStatus.choices)
    overdue = BooleanFilter(method="filter_overdue")

    class Meta:
        model = WorkOrder
        fields = ["status", "overdue"]

    def filter_overdue(
        self, queryset: QuerySet[WorkOrder], name: str, value: bool | None
    ) -> QuerySet[WorkOrder]:
        if value is None:
            return queryset
        late = Q(status__in=selectors.OPEN_WORK, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


@extend_schema(
    tags=["maintenance"],
    responses={200: WorkOrderSerializer(many=True), **errors(*READ_ERRORS)},
)
class WorkOrderList(APIBase, generics.ListAPIView):
    """Work orders on the assets you maintain, due date first."""

    serializer_class = WorkOrderSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = WorkOrderFilter

    def get_queryset(self) -> QuerySet[WorkOrder]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator's probe
            return WorkOrder.objects.none()
        if not policy.can_see_maintenance(self.request.user):
            raise _refuse()
        return selectors.work_orders(self.request.user).order_by("due_on", "pk")


def _money(value: Any) -> str:
    return f"{value:.2f}"


@extend_schema(
    tags=["maintenance"],
    parameters=[
        OpenApiParameter("years", int, description=f"1 to {MAX_YEARS}; default 5."),
        OpenApiParameter("region", str, description="The county's or a township's code."),
    ],
    responses={
        200: OpenApiResponse(OpenApiTypes.OBJECT, description="See docs/maintenance.md."),
        **errors(*READ_ERRORS),
    },
)
class Projection(APIBase):
    """The lifecycle-cost projection: need, budget, funding gap (per year and cumulative),
    need per township and per asset, and the assets that fall into disrepair first."""

    pagination_class = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policy.can_see_maintenance(request.user):
            raise _refuse()
        regions = policy.regions_of(request.user)
        problems: list[ErrorDetail] = []
        years = 5
        raw = request.query_params.get("years", "").strip()
        if raw:
            try:
                years = read_int(raw, low=1, high=MAX_YEARS)
            except Invalid as exc:
                problems.append(exc.detail("years"))
        if problems:
            raise DomainError(problems)
        region = regions[0]
        code = request.query_params.get("region", "").strip()
        if code:
            found = next((r for r in regions if r.code == code), None)
            if found is None:
                raise exceptions.NotFound()
            region = found
        p = selectors.projection(region, timezone.localdate(), years)
        names = selectors.township_names()
        return Response(
            {
                "region": {"code": region.code, "name": region.name, "level": region.level},
                "years": p.years,
                "need": [_money(v) for v in p.need],
                "budget": [_money(v) for v in p.budget],
                "gap": [_money(v) for v in p.gap],
                "cumulative_gap": [_money(v) for v in p.cumulative_gap],
                "by_township": [
                    {"code": c, "name": names.get(c, c), "need": [_money(v) for v in sums]}
                    for c, sums in p.by_township.items()
                    if region.level == Region.Level.COUNTY or c == region.code
                ],
                "assets": [
                    {
                        "id": r.asset.id,
                        "name": r.asset.name,
                        "kind": r.asset.kind,
                        "township": r.asset.township,
                        "planned": [_money(n.planned) for n in r.needs],
                        "renewal": [_money(n.renewal) for n in r.needs],
                        "backlog": [_money(n.backlog) for n in r.needs],
                    }
                    for r in p.assets
                    if r.total > 0
                ],
                "unfunded": [
                    {
                        "id": u.asset.id,
                        "name": u.asset.name,
                        "township": u.asset.township,
                        "condition": u.asset.condition,
                        "year": u.year,
                        "amount": _money(u.amount),
                    }
                    for u in p.unfunded
                ],
            }
        )


urlpatterns: list[URLPattern | URLResolver] = [
    path("work-orders/", WorkOrderList.as_view(), name="work_orders"),
    path("maintenance/projection/", Projection.as_view(), name="maintenance_projection"),
]
