"""``/api/v1/``: the service menu and who delivers it, as the public portal shows them.

Anyone may read published services, service areas, categories, urgency classes and the
providers' public fields. Dispatchers and county administrators also see unpublished
services, inactive providers and the providers' capacity, phone and base point.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from minsheng.accounts.types import Actor
from minsheng.api.base import BooleanFilter, PublicReadBase, StrictOrderingFilter
from minsheng.api.schema import errors
from minsheng.catalog.models import (
    Category,
    Provider,
    Service,
    ServiceArea,
    UrgencyClass,
)
from minsheng.catalog.policy import can_see_whole_catalog
from minsheng.catalog.selectors import ATTRIBUTES_IN_ORDER, covering, matching
from minsheng.catalog.serializers import (
    CategorySerializer,
    ProviderSerializer,
    ServiceAreaSerializer,
    ServiceDetailSerializer,
    ServiceSerializer,
    UrgencyClassSerializer,
)
from minsheng.regions.selectors import region_by_code

CODE = 100  # longer than any code column: a longer value cannot match anything


def _serving(queryset: QuerySet[Any], code: str) -> QuerySet[Any]:
    """Services offered at, or providers serving, the region ``code``: directly or through
    an ancestor (both through their ``regions``)."""
    region = region_by_code(code)
    if region is None:
        return queryset.none()
    return covering(queryset, region)


LIST_ERRORS = errors(400, 401, 404)
DETAIL_ERRORS = errors(401, 404)


@extend_schema(tags=["catalog"], responses={200: ServiceAreaSerializer(many=True), **LIST_ERRORS})
class AreaList(PublicReadBase, generics.ListAPIView):
    """The service areas: the national standard's nine, then local ones."""

    serializer_class = ServiceAreaSerializer
    queryset = ServiceArea.objects.all()


class CategoryFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__code", max_length=CODE)

    class Meta:
        model = Category
        fields = ["area"]


@extend_schema(tags=["catalog"], responses={200: CategorySerializer(many=True), **LIST_ERRORS})
class CategoryList(PublicReadBase, generics.ListAPIView):
    serializer_class = CategorySerializer
    queryset = Category.objects.select_related("area")
    filter_backends = [DjangoFilterBackend]
    filterset_class = CategoryFilter


@extend_schema(tags=["catalog"], responses={200: UrgencyClassSerializer(many=True), **LIST_ERRORS})
class UrgencyClassList(PublicReadBase, generics.ListAPIView):
    """Time limits per step: review, acceptance and resolution, in seconds."""

    serializer_class = UrgencyClassSerializer
    queryset = UrgencyClass.objects.all()


class ServiceFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="category__area__code", max_length=CODE)
    category = django_filters.CharFilter(field_name="category__code", max_length=CODE)
    region = django_filters.CharFilter(
        method="offered_at",
        max_length=CODE,
        help_text="A region code: services offered there (or at its township or county).",
    )
    q = django_filters.CharFilter(
        method="search", max_length=200, help_text="Text in the name or keywords."
    )
    published = BooleanFilter(
        help_text="Dispatch staff only; everyone else sees published services only."
    )

    class Meta:
        model = Service
        fields = ["area", "category", "region", "q", "published"]

    def offered_at(self, queryset: QuerySet[Service], name: str, value: str) -> QuerySet[Service]:
        return _serving(queryset, value)

    def search(self, queryset: QuerySet[Service], name: str, value: str) -> QuerySet[Service]:
        value = value.strip()
        return matching(queryset, value) if value else queryset


def _services(user: Actor) -> QuerySet[Service]:
    qs = Service.objects.select_related("category__area", "urgency")
    return qs if can_see_whole_catalog(user) else qs.filter(published=True)


@extend_schema(tags=["catalog"], responses={200: ServiceSerializer(many=True), **LIST_ERRORS})
class ServiceList(PublicReadBase, generics.ListAPIView):
    """The menu: published services (dispatch staff: all), by area, category, place, text."""

    serializer_class = ServiceSerializer
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = ServiceFilter
    ordering_fields = ["code", "name_zh"]
    ordering = ["category__area__position", "category__position", "code"]

    def get_queryset(self) -> QuerySet[Service]:
        return _services(self.request.user)


@extend_schema(tags=["catalog"], responses={200: ServiceDetailSerializer, **DETAIL_ERRORS})
class ServiceDetail(PublicReadBase, generics.RetrieveAPIView):
    """One service with its questions and where it is offered; unpublished ones are 404
    except for dispatch staff."""

    serializer_class = ServiceDetailSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Service]:
        return _services(self.request.user).prefetch_related(ATTRIBUTES_IN_ORDER, "regions")


class ProviderFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Provider.Kind.choices)
    region = django_filters.CharFilter(
        method="serving",
        max_length=CODE,
        help_text="A region code: providers serving it (or its township or county).",
    )
    category = django_filters.CharFilter(
        field_name="categories__code", max_length=CODE, distinct=True
    )
    active = BooleanFilter(
        help_text="Dispatch staff only; everyone else sees active providers only."
    )

    class Meta:
        model = Provider
        fields = ["kind", "region", "category", "active"]

    def serving(self, queryset: QuerySet[Provider], name: str, value: str) -> QuerySet[Provider]:
        return _serving(queryset, value)


def _providers(user: Actor) -> QuerySet[Provider]:
    qs = Provider.objects.prefetch_related("regions", "categories")
    return qs if can_see_whole_catalog(user) else qs.filter(active=True)


class _ProviderContext:
    request: Any

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        context["staff"] = can_see_whole_catalog(self.request.user)
        return context


@extend_schema(tags=["providers"], responses={200: ProviderSerializer(many=True), **LIST_ERRORS})
class ProviderList(_ProviderContext, PublicReadBase, generics.ListAPIView):
    """Departments, volunteer teams, social organisations and enterprises that deliver."""

    serializer_class = ProviderSerializer
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = ProviderFilter
    ordering_fields = ["name_zh", "kind"]
    ordering = ["name_zh", "pk"]

    def get_queryset(self) -> QuerySet[Provider]:
        return _providers(self.request.user)


@extend_schema(tags=["providers"], responses={200: ProviderSerializer, **DETAIL_ERRORS})
class ProviderDetail(_ProviderContext, PublicReadBase, generics.RetrieveAPIView):
    serializer_class = ProviderSerializer
    lookup_url_kwarg = "provider_id"

    def get_queryset(self) -> QuerySet[Provider]:
        return _providers(self.request.user)
