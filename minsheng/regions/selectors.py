from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from minsheng.core.errors import ErrorDetail, NotFound
from minsheng.core.geo import haversine_km
from minsheng.core.refcache import RefCache
from minsheng.regions.errors import RegionCode
from minsheng.regions.geometry import Locator, Placed, covers
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
    villages = Region.objects.filter(level=Region.Level.VILLAGE).defer("boundary")
    for v in villages.order_by("code"):
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


# Every village's boundary and centre, for finding the village that holds a point.
_locator: RefCache[Locator[Region]] = RefCache("regions-locator")


def _village_locator() -> Locator[Region]:
    def load() -> Locator[Region]:
        villages = Region.objects.select_related("parent").filter(level=Region.Level.VILLAGE)
        return Locator((v, v.boundary, v.latitude, v.longitude) for v in villages.order_by("code"))

    return _locator.get("villages", load)


def village_at(latitude: float, longitude: float, *, max_km: float) -> Placed[Region] | None:
    """The village holding the point: the one whose boundary contains it (on a border
    shared by two, the first by code), else the one whose centre is nearest, within
    ``max_km``; None when neither.

    ``inside`` on the answer says which: a point inside no boundary of a county that has
    boundaries is outside the county, and a caller may refuse it rather than take the
    nearest village.
    """
    return _village_locator().locate(latitude, longitude, max_km=max_km)


def locate(latitude: float, longitude: float, *, field: str = "latitude") -> Placed[Region]:
    """The village a resident's point is in (``village_at`` within the
    ``MINSHENG_LOCATE_MAX_KM`` of a centre), or NotFound saying the point is outside the
    county (on ``field``, the caller's name for the latitude)."""
    max_km = settings.MINSHENG_LOCATE_MAX_KM
    placed = village_at(latitude, longitude, max_km=max_km)
    if placed is None:
        raise NotFound(_outside(max_km, field))
    return placed


def _outside(max_km: float, field: str = "latitude") -> ErrorDetail:
    return ErrorDetail(
        RegionCode.OUTSIDE_COUNTY,
        _("This point is outside the county: it is in no village, nor within %(km)s km of one.")
        % {"km": f"{max_km:g}"},
        field,
    )


def point_refusal(region: Region, latitude: float, longitude: float) -> ErrorDetail | None:
    """Why a point cannot be the place of an order in ``region`` (a village or a township),
    or None when it fits.

    It fits when the region has no boundary (nothing to check against); when its boundary
    holds the point or passes within ``MINSHENG_BORDER_TOLERANCE_KM`` of it (a phone's
    position wanders, a tap on a border lands either side); or when ``locate`` places the
    point in the region. Otherwise the refusal names the village the point is in, or says
    it is outside the county.
    """
    if region.boundary is None:
        return None
    if covers(region.boundary, latitude, longitude, km=settings.MINSHENG_BORDER_TOLERANCE_KM):
        return None
    max_km = settings.MINSHENG_LOCATE_MAX_KM
    placed = village_at(latitude, longitude, max_km=max_km)
    if placed is None:
        return _outside(max_km)
    village = placed.key
    if region.pk in (village.pk, village.parent_id):
        return None
    return ErrorDetail(
        RegionCode.POINT_NOT_IN_REGION,
        _(
            "The point on the map is in %(found)s, not in %(chosen)s: choose %(found)s, or move the point."
        )
        % {"found": village.name, "chosen": region.name},
        "region",
    )


def region_at(latitude: float, longitude: float, *, max_km: float) -> Region | None:
    """The village whose boundary holds the point; else the village whose centre is
    nearest the point, within ``max_km``; failing that, the nearest township's. Villages
    are compared only with villages: a township's centre is just another point in one of
    its villages, not a rival place.
    """
    holder = _village_locator().containing(latitude, longitude)
    if holder is not None:
        return holder
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


# The public GeoJSON of every boundary, per language; cleared when a region is written.
BOUNDARIES_CACHE_SECONDS = 3600
_BOUNDARIES_KEY = "regions:boundaries:{lang}"
_BOUNDARY_LANGUAGES = ("zh-hans", "en")


def boundaries_collection() -> dict[str, Any]:
    """The townships' and villages' boundaries as a GeoJSON FeatureCollection, townships
    first (drawn underneath), each feature's properties naming the region in the current
    language. Cached in the shared cache until a region changes."""
    lang = "en" if (get_language() or "").startswith("en") else "zh-hans"
    key = _BOUNDARIES_KEY.format(lang=lang)
    cached = cache.get(key)
    if cached is not None:
        return cached
    regions = (
        Region.objects.select_related("parent")
        .filter(boundary__isnull=False)
        .exclude(level=Region.Level.COUNTY)
    )
    rank: dict[str, int] = {Region.Level.TOWNSHIP: 0, Region.Level.VILLAGE: 1}
    features = [
        {
            "type": "Feature",
            "id": r.code,
            "geometry": r.boundary,
            "properties": {
                "code": r.code,
                "name": r.name,
                "level": r.level,
                "parent": r.parent.code if r.parent is not None else None,
                "latitude": r.latitude,
                "longitude": r.longitude,
            },
        }
        for r in sorted(regions, key=lambda r: (rank.get(r.level, 2), r.code))
    ]
    collection = {"type": "FeatureCollection", "features": features}
    cache.set(key, collection, BOUNDARIES_CACHE_SECONDS)
    return collection


def forget_boundaries(*args: Any, **kwargs: Any) -> None:
    """Drop the cached collection (a signal receiver: a region was written)."""
    cache.delete_many([_BOUNDARIES_KEY.format(lang=lang) for lang in _BOUNDARY_LANGUAGES])
