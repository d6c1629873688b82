"""Api: the use part (issue 10).

- ``POST /api/v1/facility-counts/``: a counter device posts a day's counts with its own key
  (``Authorization: Device <key>``), not a user's token (docs/facility-use.md);
- ``GET /api/v1/facilities/<id>/use/``: a facility's daily series, for those who keep it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import APIBase
from minsheng.api.schema import READ_ERRORS, errors
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.ids import as_id

from ..errors import UseCode
from ..policy import register as base_policy
from ..policy import use as policy
from ..selectors import use as selectors
from ..services import use as services

MAX_DAYS = 366
DEFAULT_DAYS = 30


class CountsInSerializer(serializers.Serializer):
    facility = serializers.IntegerField(help_text="The facility's id (the device's own).")
    date = serializers.DateField(help_text="The local day counted, YYYY-MM-DD; not in the future.")
    counts = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        help_text='Counts by kind, e.g. {"visits": 12, "loans": 3}.',
    )


class CountsOutSerializer(serializers.Serializer):
    facility = serializers.IntegerField()
    date = serializers.DateField()
    source = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    recorded_at = serializers.DateTimeField()


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Each kind's count (the largest source)."
    )
    people = serializers.IntegerField(help_text="Residents served: every kind but loans.")


class SeriesSerializer(serializers.Serializer):
    facility = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    kinds = serializers.ListField(child=serializers.CharField())
    days = DaySerializer(many=True)


def _device_key(request: Request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, key = header.strip().partition(" ")
    if scheme.lower() != "device" or not key.strip():
        raise services.Unauthorized.single(
            UseCode.DEVICE_KEY_INVALID,
            _('Send the device key as "Authorization: Device <key>".'),
            None,
        )
    return key.strip()


@extend_schema(tags=["facilities"])
class FacilityCounts(APIBase):
    """A counter device's counts of one day at its facility."""

    # The device's key is the credential, read from the header by the service; no user.
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class = None
    serializer_class = CountsOutSerializer

    @extend_schema(
        summary="Post a counter device's daily counts",
        description=(
            'Authenticate with the device\'s key: "Authorization: Device <key>". A count '
            "replaces the device's earlier post of the same day and kind. 401: a wrong or "
            "revoked key; 403: a key of another facility; 400: a future date, an unknown or "
            "unfitting kind, a negative count or one over ten times the facility's capacity."
        ),
        request=CountsInSerializer,
        responses={201: CountsOutSerializer, **errors(400, 401, 403, 404, 413)},
        parameters=[
            OpenApiParameter(
                "Authorization",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="Device <key>",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        key = _device_key(request)
        data = request.data
        if not isinstance(data, dict):
            raise exceptions.ValidationError({"body": [_("Send a JSON object.")]})
        written = services.device_counts_post(
            key=key,
            facility_id=data.get("facility"),
            day=data.get("date"),
            counts=data.get("counts"),
        )
        first = written[0]
        body = {
            "facility": first.facility_id,
            "date": first.day.isoformat(),
            "source": first.source,
            "counts": {w.kind: w.count for w in written},
            "recorded_at": first.recorded_at,
        }
        return Response(CountsOutSerializer(body).data, status=status.HTTP_201_CREATED)


def _day(request: Request, name: str, default: date) -> date:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    try:
        if len(raw) != 10:  # fromisoformat also reads 20260501 and week dates
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            ErrorDetail(UseCode.NOT_DATE, _("Give the date as YYYY-MM-DD."), name)
        ) from None


@extend_schema(tags=["facilities"])
class FacilityUseSeries(APIBase):
    """A facility's daily use (per day and kind the largest source), for its keepers and
    managers."""

    pagination_class = None
    serializer_class = SeriesSerializer

    @extend_schema(
        summary="A facility's daily use",
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATE,
                description="First day (default: 29 days before the end).",
            ),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (default: today)."),
        ],
        responses={200: SeriesSerializer, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, facility_id: int) -> Response:
        pk = as_id(facility_id)
        facility = selectors.facility_for_use(pk) if pk is not None else None
        if facility is None or not base_policy.can_see(request.user, facility):
            raise exceptions.NotFound()
        if not policy.can_see_use(request.user, facility):
            raise exceptions.PermissionDenied()
        today = timezone.localdate()
        end = _day(request, "end", today)
        start = _day(request, "start", end - timedelta(days=DEFAULT_DAYS - 1))
        if end > today:
            raise DomainError(
                ErrorDetail(UseCode.FUTURE_DATE, _("The last day is in the future."), "end")
            )
        if start > end or (end - start).days >= MAX_DAYS:
            raise DomainError(
                ErrorDetail(
                    UseCode.NOT_DATE,
                    _("Give a first day on or before the last, at most 366 days apart."),
                    "start",
                )
            )
        days = selectors.daily_series(facility.pk, start, end)
        body = {
            "facility": facility.pk,
            "start": start,
            "end": end,
            "kinds": selectors.kinds_for(facility),
            "days": [{"date": d.day, "counts": d.counts, "people": d.people} for d in days],
        }
        return Response(SeriesSerializer(body).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("facility-counts/", FacilityCounts.as_view(), name="facility-counts"),
    path("facilities/<int:facility_id>/use/", FacilityUseSeries.as_view(), name="facility-use"),
]
