from __future__ import annotations

from django.db.models import QuerySet

from minsheng.core.geo import haversine_km
from minsheng.core.refcache import RefCache
from minsheng.regions.models import Region


def townships(county: Region | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(level=Region.Level.TOWNSHIP)
    if county is not None:
        qs = qs.filter(parent=county)
    return qs.order_by("code")


def region_choices_tree() -> list[tuple[Region, list[Region]]]:
    """Townships with their villages, for pickers: two queries."""
    towns = list(townships())
    by_parent: dict[int, list[Region]] = {t.pk: [] for t in towns}
    for v in Region.objects.filter(level=Region.Level.VILLAGE).order_by("code"):
        if v.parent_id is not None and v.parent_id in by_parent:
            by_parent[v.parent_id].append(v)
    return [(t, by_parent[t.pk]) for t in towns]


_by_code: RefCache[Region | None] = RefCache("region-by-code")


def region_by_code(code: str) -> Region | None:
    """The region with this code, its parent loaded (so ``ancestor_ids()`` costs no query).

    Cached per process (see ``minsheng.core.refcache``): treat the result as read-only.
    """
    return _by_code.get(
        code, lambda: Region.objects.select_related("parent").filter(code=code).first()
    )


# Villages and townships with a centroid, for placing a point; cached like region_by_code.
_located: RefCache[list[tuple[Region, float, float]]] = RefCache("regions-located")


def _located_regions() -> list[tuple[Region, float, float]]:
    def load() -> list[tuple[Region, float, float]]:
        qs = (
            Region.objects.select_related("parent")
            .exclude(level=Region.Level.COUNTY)
            .filter(latitude__isnull=False, longitude__isnull=False)
            .order_by("code")
        )
        return [(r, float(r.latitude), float(r.longitude)) for r in qs]  # type: ignore[arg-type]

    return _located.get("all", load)


def region_at(latitude: float, longitude: float, *, max_km: float) -> Region | None:
    """The village whose centre is nearest the point, within ``max_km``; failing that, the
    nearest township's. Villages are compared only with villages: a township's centre is
    just another point in one of its villages, not a rival place.
    """
    best: dict[str, tuple[float, Region]] = {}
    for region, lat, lon in _located_regions():
        km = haversine_km(latitude, longitude, lat, lon)
        if km <= max_km and (region.level not in best or km < best[region.level][0]):
            best[region.level] = (km, region)
    for level in (Region.Level.VILLAGE, Region.Level.TOWNSHIP):
        if level in best:
            return best[level][1]
    return None


def region_named_in(text: str) -> Region | None:
    """The village or township whose name (Chinese or English) the text contains.

    The longest name wins, so "城关镇东关村" finds the village 东关村 rather than its township.
    """
    haystack = text.casefold()
    best: tuple[int, int, Region] | None = None
    for region, _lat, _lon in _located_regions():
        for name in (region.name_zh, region.name_en):
            needle = name.strip().casefold()
            if len(needle) >= 2 and needle in haystack:
                rank = 0 if region.level == Region.Level.VILLAGE else 1
                key = (-len(needle), rank)
                if best is None or key < (best[0], best[1]):
                    best = (key[0], key[1], region)
    return best[2] if best is not None else None
