"""``/api/v1/regions/``: the administrative tree, public as on the portal's place picker."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from minsheng.api.base import PublicReadBase, StrictOrderingFilter
from minsheng.api.schema import errors
from minsheng.regions.models import Region


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
        return Region.objects.select_related("parent")


@extend_schema(tags=["regions"], responses={200: RegionSerializer, **errors(401, 404)})
class RegionDetail(PublicReadBase, generics.RetrieveAPIView):
    serializer_class = RegionSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.select_related("parent")
