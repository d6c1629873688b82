from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Prefetch, Q, QuerySet

from minsheng.catalog.models import (
    Category,
    Provider,
    Service,
    ServiceArea,
    ServiceAttribute,
    Synonym,
    UrgencyClass,
)
from minsheng.core.refcache import RefCache
from minsheng.regions.models import Region

M = TypeVar("M", Service, Provider)

# A service's questions in the order they are asked.
ATTRIBUTES_IN_ORDER = Prefetch(
    "attributes", queryset=ServiceAttribute.objects.order_by("position", "pk")
)


def covering(qs: QuerySet[M], region: Region) -> QuerySet[M]:
    """Services offered at, or providers serving, ``region``: their ``regions`` hold it or
    its township or county."""
    return qs.filter(regions__in=region.ancestor_ids()).distinct()


SEARCHED_FIELDS = ("name_zh", "name_en", "keywords", "description_zh", "description_en")


def search_terms(text: str) -> list[str]:
    """What a search for ``text`` looks for: the text itself, and what every synonym word
    it contains means (看病 → 医生 卫生院; "家里没电了" holds 没电 → 停电 用电)."""
    text = text.strip()
    if not text:
        return []
    terms = [text]
    lowered = text.lower()
    for synonym in Synonym.objects.all():
        if synonym.word.lower() in lowered:
            terms.extend(t for t in synonym.terms if t not in terms)
    return terms


def matching(qs: QuerySet[Service], text: str) -> QuerySet[Service]:
    """Services whose name (either language), keywords or description contain ``text`` or
    a word its synonyms stand for."""
    found = Q()
    for term in search_terms(text):
        for name in SEARCHED_FIELDS:
            found |= Q(**{f"{name}__icontains": term})
    return qs.filter(found)


def published_menu(
    *, region: Region | None = None, area: ServiceArea | None = None, query: str = ""
) -> QuerySet[Service]:
    """Published services, offered at ``region`` (directly or through an ancestor)."""
    qs = Service.objects.filter(published=True)
    if region is not None:
        qs = covering(qs, region)
    if area is not None:
        qs = qs.filter(category__area=area)
    if query:
        qs = matching(qs, query)
    return qs.select_related("category__area", "urgency")


def service_with_attributes(code: str) -> Service | None:
    return (
        Service.objects.select_related("category__area", "urgency")
        .prefetch_related(ATTRIBUTES_IN_ORDER)
        .filter(code=code)
        .first()
    )


def providers_serving(*, region: Region, category: Category | None) -> QuerySet[Provider]:
    """Active providers whose coverage includes ``region`` and who serve ``category``."""
    qs = covering(Provider.objects.filter(active=True), region)
    if category is not None:
        qs = qs.filter(categories=category)
    return qs


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


_urgency: RefCache[UrgencyClass | None] = RefCache("urgency-class")


def urgency_class(*, pk: int | None = None, code: str | None = None) -> UrgencyClass:
    """An urgency class by id or code, cached per process like the menu (read-only).

    Every step of an order reads its time limits; the four classes change a few times a
    year. Raises ``UrgencyClass.DoesNotExist`` for an unknown one (the migration seeds them).
    """
    key = ("pk", pk) if pk is not None else ("code", code)

    def load() -> UrgencyClass | None:
        lookup = {"pk": pk} if pk is not None else {"code": code}
        return UrgencyClass.objects.filter(**lookup).first()

    found = _urgency.get(key, load)
    if found is None:
        raise UrgencyClass.DoesNotExist(f"no urgency class {key[1]!r}")
    return found
