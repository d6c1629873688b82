from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from minsheng.catalog.models import Category, Provider, Service, ServiceArea, ServiceAttribute
from minsheng.regions.models import Region


def published_menu(
    *, region: Region | None = None, area: ServiceArea | None = None, query: str = ""
) -> QuerySet[Service]:
    """Published services, offered at ``region`` (directly or through an ancestor)."""
    qs = Service.objects.filter(published=True)
    if region is not None:
        qs = qs.filter(regions__in=region.ancestor_ids()).distinct()
    if area is not None:
        qs = qs.filter(category__area=area)
    if query:
        from django.db.models import Q

        qs = qs.filter(
            Q(name_zh__icontains=query) | Q(name_en__icontains=query) | Q(keywords__icontains=query)
        )
    return qs.select_related("category__area", "urgency")


def service_with_attributes(code: str) -> Service | None:
    return (
        Service.objects.select_related("category__area", "urgency")
        .prefetch_related(
            Prefetch("attributes", queryset=ServiceAttribute.objects.order_by("position", "pk"))
        )
        .filter(code=code)
        .first()
    )


def service_offered_at(service: Service, region: Region) -> bool:
    return service.regions.filter(pk__in=region.ancestor_ids()).exists()


def areas_with_categories() -> QuerySet[ServiceArea]:
    return ServiceArea.objects.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("position", "code"))
    )


def providers_serving(*, region: Region, category: Category | None) -> QuerySet[Provider]:
    """Active providers whose coverage includes ``region`` and who serve ``category``."""
    qs = Provider.objects.filter(active=True, regions__in=region.ancestor_ids())
    if category is not None:
        qs = qs.filter(categories=category)
    return qs.distinct()
