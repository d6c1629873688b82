"""Api: the medicines part (issue 10, item 6), public reads.

- ``GET /api/v1/medicines/``: the reference list (the essential-medicines list as the
  county keeps it), filter by ``group`` and ``level``;
- ``GET /api/v1/facilities/<id>/medicines/``: what a public clinic or health centre may
  dispense, whether it is in stock, and its coverage of its level's essential list.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver, path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import PublicReadBase
from minsheng.api.schema import errors
from minsheng.core.ids import MAX_ID
from minsheng.facilities.models import Dispensing, Facility, Level, Medicine
from minsheng.facilities.policy import medicines as policy
from minsheng.facilities.selectors import medicines as selectors


class MedicineSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")

    class Meta:
        model = Medicine
        fields = ["code", "name", "name_zh", "name_en", "group", "level", "essential", "keywords"]
        read_only_fields = fields


class MedicineFilter(django_filters.FilterSet):
    group = django_filters.ChoiceFilter(choices=Medicine.Group.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices)

    class Meta:
        model = Medicine
        fields = ["group", "level"]


@extend_schema(
    tags=["medicines"], responses={200: MedicineSerializer(many=True), **errors(400, 401, 404)}
)
class MedicineList(PublicReadBase, generics.ListAPIView):
    """The essential-medicines reference list, village level first, then by code."""

    serializer_class = MedicineSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MedicineFilter

    def get_queryset(self) -> QuerySet[Medicine]:
        return selectors.reference()


class DispensedSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="medicine.code", read_only=True)
    name = serializers.CharField(source="medicine.name", read_only=True)
    group = serializers.CharField(source="medicine.group", read_only=True)
    level = serializers.CharField(source="medicine.level", read_only=True)

    class Meta:
        model = Dispensing
        fields = ["code", "name", "group", "level", "in_stock"]
        read_only_fields = fields


class CoverageSerializer(serializers.Serializer):
    expected = serializers.IntegerField(help_text="Essential medicines of its level(s).")
    covered = serializers.IntegerField(help_text="Of those, the ones it may dispense.")
    share = serializers.FloatField(allow_null=True, help_text="covered / expected.")


class FacilityMedicinesSerializer(serializers.Serializer):
    facility = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    coverage = CoverageSerializer()
    medicines = DispensedSerializer(many=True)


@extend_schema(tags=["medicines"], responses={200: FacilityMedicinesSerializer, **errors(401, 404)})
class FacilityMedicines(PublicReadBase):
    """What a public clinic or health centre may dispense (and whether it is in stock)."""

    pagination_class = None
    serializer_class = FacilityMedicinesSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pk = kwargs["facility_id"]
        facility = Facility.objects.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
        if facility is None or not policy.public_dispensing(facility):
            raise NotFound()
        cover = selectors.coverage_for([facility])[facility.pk]
        data = {
            "facility": facility.pk,
            "name": facility.name,
            "kind": facility.kind,
            "coverage": {
                "expected": cover.expected,
                "covered": cover.covered,
                "share": cover.share,
            },
            "medicines": DispensedSerializer(selectors.dispensing_of(facility.pk), many=True).data,
        }
        return Response(data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("medicines/", MedicineList.as_view(), name="medicines"),
    path(
        "facilities/<int:facility_id>/medicines/",
        FacilityMedicines.as_view(),
        name="facility-medicines",
    ),
]
