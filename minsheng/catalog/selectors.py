from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from minsheng.catalog.models import Category, Provider, Service, ServiceArea, ServiceAttribute
from minsheng.core.refcache import RefCache
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


def providers_serving(*, region: Region, category: Category | None) -> QuerySet[Provider]:
    """Active providers whose coverage includes ``region`` and who serve ``category``."""
    qs = Provider.objects.filter(active=True, regions__in=region.ancestor_ids())
    if category is not None:
        qs = qs.filter(categories=category)
    return qs.distinct()


@dataclass(frozen=True)
class MenuEntry:
    """A service as ordering needs it: with its questions and where it is offered."""

    service: Service
    attributes: tuple[ServiceAttribute, ...]
    offered_region_ids: frozenset[int]

    def offered_at(self, region: Region) -> bool:
        return not self.offered_region_ids.isdisjoint(region.ancestor_ids())


_menu: RefCache[MenuEntry | None] = RefCache("menu-entry")


def _load_menu_entry(code: str) -> MenuEntry | None:
    service = Service.objects.select_related("category__area", "urgency").filter(code=code).first()
    if service is None:
        return None
    return MenuEntry(
        service=service,
        attributes=tuple(ServiceAttribute.objects.filter(service=service)),
        offered_region_ids=frozenset(
            Service.regions.through.objects.filter(service=service).values_list(
                "region_id", flat=True
            )
        ),
    )


def menu_entry(code: str) -> MenuEntry | None:
    """The service with this code (published or not), cached per process: read-only."""
    return _menu.get(code, lambda: _load_menu_entry(code))
