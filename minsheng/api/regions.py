"""``/api/v1/regions/``: the administrative tree, public as on the portal's place picker;
its boundaries as GeoJSON, and which village holds a point."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import PublicReadBase, StrictOrderingFilter
from minsheng.api.schema import errors
from minsheng.core.errors import Code, DomainError
from minsheng.core.inputs import is_blank, read_point
from minsheng.regions.models import Region
from minsheng.regions.selectors import (
    BOUNDARIES_CACHE_SECONDS,
    boundaries_collection,
    locate,
)


class RegionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request language.")
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "name_zh",
            "name_en",
            "level",
            "kind",
            "parent",
            "population",
            "latitude",
            "longitude",
        ]
        read_only_fields = fields


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Region.Level.choices)
    kind = django_filters.ChoiceFilter(choices=Region.Kind.choices)
    parent = django_filters.CharFilter(
        field_name="parent__code", max_length=20, help_text="The parent region's code."
    )

    class Meta:
        model = Region
        fields = ["level", "kind", "parent"]


@extend_schema(
    tags=["regions"], responses={200: RegionSerializer(many=True), **errors(400, 401, 404)}
)
class RegionList(PublicReadBase, generics.ListAPIView):
    """The county, its townships and villages; filter by level, kind or parent."""

    serializer_class = RegionSerializer
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = RegionFilter
    ordering_fields = ["code", "name_zh", "population"]
    ordering = ["code"]

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.select_related("parent").defer("boundary", "parent__boundary")


@extend_schema(tags=["regions"], responses={200: RegionSerializer, **errors(401, 404)})
class RegionDetail(PublicReadBase, generics.RetrieveAPIView):
    serializer_class = RegionSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.select_related("parent")


# --- maps -------------------------------------------------------------------------------------


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


@extend_schema(
    tags=["regions"],
    # Content negotiation (application/geo+json or application/json), not a parameter.
    parameters=[OpenApiParameter("format", exclude=True)],
    responses={
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description=(
                "A GeoJSON FeatureCollection (RFC 7946, WGS84 longitude/latitude): every "
                "township's and village's boundary, townships first; each feature's "
                "properties are code, name (in the request language), level, parent (the "
                "parent region's code), latitude and longitude (its centre)."
            ),
        ),
        **errors(401),
    },
)
class RegionBoundaries(PublicReadBase, generics.GenericAPIView):
    """The county's village and township boundaries, as GeoJSON, for maps."""

    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    pagination_class = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = Response(boundaries_collection())
        patch_cache_control(response, public=True, max_age=min(BOUNDARIES_CACHE_SECONDS, 300))
        return response


class LocatedTownshipSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LocatedSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The village's code.")
    name = serializers.CharField(help_text="In the request language.")
    township = LocatedTownshipSerializer()
    inside = serializers.BooleanField(
        help_text="True: inside the village's boundary. False: inside no boundary, but "
        "within MINSHENG_LOCATE_MAX_KM of this village's centre, the nearest."
    )
    distance_km = serializers.FloatField(help_text="From the village's centre when not inside.")


@extend_schema(
    tags=["regions"],
    parameters=[
        OpenApiParameter("lat", float, required=True, description="Latitude, WGS84."),
        OpenApiParameter("lon", float, required=True, description="Longitude, WGS84."),
    ],
    responses={
        200: LocatedSerializer,
        **errors(400, 401),
        404: OpenApiResponse(
            description="The point is outside the county (code outside_county).",
        ),
    },
)
class RegionLocate(PublicReadBase, generics.GenericAPIView):
    """Which village holds a point: the one whose boundary contains it, else the one
    whose centre is nearest within a distance; 404 ``outside_county`` when neither."""

    pagination_class = None
    serializer_class = LocatedSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        lat_raw, lon_raw = request.query_params.get("lat"), request.query_params.get("lon")
        if is_blank(lat_raw) and is_blank(lon_raw):
            raise DomainError.single(Code.REQUIRED, _("Give lat and lon."), "lat")
        latitude, longitude = read_point(lat_raw, lon_raw, fields=("lat", "lon"))
        assert latitude is not None and longitude is not None
        placed = locate(latitude, longitude, field="lat")
        village = placed.key
        town = village.parent
        return Response(
            {
                "code": village.code,
                "name": village.name,
                "township": {"code": town.code, "name": town.name} if town else None,
                "inside": placed.inside,
                "distance_km": round(placed.km, 3),
            }
        )
