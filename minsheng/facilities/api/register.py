"""``/api/v1/facilities/``: the public facility register (issue 10, items 1 and 2), read by
anyone, through the same selectors and policy as the pages.

- ``GET /api/v1/facilities/``: the facilities anyone may see (open, or closed for a while),
  filtered by ``township``, ``village`` (region codes), ``kind`` and ``q`` (name or
  address), paginated;
- ``GET /api/v1/facilities/<id>/``: one, with its hours ("open now"), services, collection
  highlights, upcoming activities and residents who used it this month;
- ``GET /api/v1/facilities.geojson``: the open facilities with a location, as points.

Viewing through the API does not count as a portal view (the page does).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import PublicReadBase
from minsheng.api.regions import GeoJSONRenderer
from minsheng.api.schema import errors
from minsheng.core.ids import as_id
from minsheng.regions.models import Region

from ..models import Facility, Kind
from ..selectors import register as sel


class FacilitySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request language.")
    region = serializers.SerializerMethodField()
    township = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Facility
        fields = [
            "id",
            "code",
            "name",
            "name_zh",
            "name_en",
            "kind",
            "status",
            "region",
            "township",
            "latitude",
            "longitude",
            "address",
            "opening_hours",
            "hours_note",
            "contact_name",
            "contact_phone",
            "services",
            "capacity",
            "population_served",
            "opened_on",
            "url",
        ]
        read_only_fields = fields

    def get_region(self, obj: Facility) -> str:
        return obj.region.code

    def get_township(self, obj: Facility) -> str | None:
        return obj.township.code if obj.township is not None else None

    def get_services(self, obj: Facility) -> list[str]:
        """The menu services' codes."""
        return sorted(s.code for s in obj.services.all() if s.published)

    def get_url(self, obj: Facility) -> str:
        return reverse("facility_detail", args=[obj.pk])


class TitleSerializer(serializers.Serializer):
    title = serializers.CharField()
    author = serializers.CharField()
    year = serializers.IntegerField()
    subject = serializers.CharField()


class ClassSerializer(serializers.Serializer):
    letter = serializers.CharField()
    name = serializers.CharField()
    copies = serializers.IntegerField()


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField(source="kind.code")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class PhotoSerializer(serializers.Serializer):
    url = serializers.CharField()
    thumbnail = serializers.CharField()
    caption = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class FacilityDetailSerializer(FacilitySerializer):
    open_now = serializers.SerializerMethodField()
    used_this_month = serializers.SerializerMethodField()
    highlights = serializers.SerializerMethodField()
    classes = serializers.SerializerMethodField()
    upcoming = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta(FacilitySerializer.Meta):
        fields = [
            *FacilitySerializer.Meta.fields,
            "open_now",
            "used_this_month",
            "highlights",
            "classes",
            "upcoming",
            "photos",
        ]
        read_only_fields = fields

    def _page(self) -> sel.PublicPage:
        page: sel.PublicPage = self.context["page"]
        return page

    def get_open_now(self, obj: Facility) -> bool | None:
        """Null: no opening hours recorded."""
        return self._page().open_now

    def get_used_this_month(self, obj: Facility) -> int:
        """Residents' uses from the 1st of this month to today (visits, consultations,
        bookings, orders delivered; not loans)."""
        return self._page().used_this_month

    def get_highlights(self, obj: Facility) -> list[dict[str, Any]]:
        return list(TitleSerializer(self._page().highlights, many=True).data)

    def get_classes(self, obj: Facility) -> list[dict[str, Any]]:
        return list(ClassSerializer(self._page().classes, many=True).data)

    def get_upcoming(self, obj: Facility) -> list[dict[str, Any]]:
        return list(ActivitySerializer(self._page().upcoming, many=True).data)

    def get_photos(self, obj: Facility) -> list[dict[str, Any]]:
        return [
            {
                "url": reverse("facility_photo", args=[obj.pk, p.pk]),
                "thumbnail": reverse("facility_photo_thumb", args=[obj.pk, p.pk]),
                "caption": p.caption,
                "width": p.width,
                "height": p.height,
            }
            for p in self._page().photos
        ]


def _region(code: str, level: str, name: str) -> Region:
    region = Region.objects.defer("boundary").filter(code=code, level=level).first()
    if region is None:
        raise exceptions.ValidationError(
            {name: [exceptions.ErrorDetail(str(_("No such place.")), code="invalid")]}
        )
    return region


class FacilityFilter(django_filters.FilterSet):
    township = django_filters.CharFilter(
        method="by_township", max_length=20, help_text="A township's code."
    )
    village = django_filters.CharFilter(
        method="by_village", max_length=20, help_text="A village's code."
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    q = django_filters.CharFilter(
        method="by_text", max_length=100, help_text="Part of the name or address."
    )

    class Meta:
        model = Facility
        fields = ["township", "village", "kind", "q"]

    def by_township(self, qs: QuerySet[Facility], name: str, value: str) -> QuerySet[Facility]:
        return qs.filter(township=_region(value, Region.Level.TOWNSHIP, name))

    def by_village(self, qs: QuerySet[Facility], name: str, value: str) -> QuerySet[Facility]:
        return qs.filter(region=_region(value, Region.Level.VILLAGE, name))

    def by_text(self, qs: QuerySet[Facility], name: str, value: str) -> QuerySet[Facility]:
        return qs.filter(sel.text_q(value.strip()))


@extend_schema(tags=["facilities"])
class FacilityList(PublicReadBase, generics.ListAPIView):
    """The public facilities (open, or closed for a while)."""

    serializer_class = FacilitySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FacilityFilter

    def get_queryset(self) -> QuerySet[Facility]:
        return sel.public_facilities().prefetch_related("services")

    @extend_schema(
        summary="List the public facilities",
        responses={200: FacilitySerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["facilities"])
class FacilityDetail(PublicReadBase, generics.GenericAPIView):
    """One public facility, with what its public page shows."""

    serializer_class = FacilityDetailSerializer
    pagination_class = None

    @extend_schema(
        summary="One public facility",
        responses={200: FacilityDetailSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, facility_id: int, *args: Any, **kwargs: Any) -> Response:
        facility = sel.facility_for(None, as_id(facility_id))  # the public's view
        if facility is None:
            raise exceptions.NotFound()
        page = sel.public_page(facility)
        return Response(FacilityDetailSerializer(facility, context={"page": page}).data)


@extend_schema(
    tags=["facilities"],
    parameters=[
        OpenApiParameter("format", exclude=True),
        OpenApiParameter("township", str, description="A township's code."),
        OpenApiParameter("village", str, description="A village's code."),
        OpenApiParameter("kind", str, enum=Kind.values),
        OpenApiParameter("q", str, description="Part of the name or address."),
    ],
    responses={
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description=(
                "A GeoJSON FeatureCollection (RFC 7946, WGS84 longitude/latitude) of the open "
                "facilities with a location; each feature's properties are id, code, name "
                "(in the request language), kind, kind_label, place, township and url (the "
                "public page)."
            ),
        ),
        **errors(400, 401),
    },
)
class FacilityPoints(PublicReadBase, generics.GenericAPIView):
    """The open facilities as GeoJSON points, for the public map."""

    renderer_classes = [GeoJSONRenderer, JSONRenderer]
    pagination_class = None
    filter_backends: list[Any] = []

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        filters = sel.Filters(
            township=_region(params["township"], Region.Level.TOWNSHIP, "township")
            if params.get("township")
            else None,
            village=_region(params["village"], Region.Level.VILLAGE, "village")
            if params.get("village")
            else None,
            kind=self._kind(params.get("kind", "")),
            q=params.get("q", "").strip()[:100],
        )
        response = Response({"type": "FeatureCollection", "features": sel.public_points(filters)})
        patch_cache_control(response, public=True, max_age=60)
        return response

    @staticmethod
    def _kind(kind: str) -> str:
        if kind and kind not in Kind.values:
            raise exceptions.ValidationError(
                {
                    "kind": [
                        exceptions.ErrorDetail(str(_("No such kind of facility.")), code="invalid")
                    ]
                }
            )
        return kind


urlpatterns: list[URLPattern | URLResolver] = [
    path("facilities/", FacilityList.as_view(), name="facilities"),
    path("facilities.geojson", FacilityPoints.as_view(), name="facilities-geojson"),
    path("facilities/<int:facility_id>/", FacilityDetail.as_view(), name="facility"),
]
