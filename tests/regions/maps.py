"""Boundaries for the test world (``tests.conftest.world``): squares of 0.02° around its
villages, and a third village in township T1 beside V1.

    V1 甲村: longitude 110.00-110.02, latitude 30.00-30.02 (centre 30.01, 110.01)
    V3 丙村: longitude 110.02-110.04, latitude 30.00-30.02 (centre 30.01, 110.03), in T1
    V2 乙村: longitude 110.50-110.52, latitude 30.50-30.52 (centre 30.51, 110.51), in T2

and the townships the union of their villages'.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from minsheng.core.refcache import clear_all
from minsheng.regions.models import Region
from tests.factories import RegionFactory


def square(west: float, south: float, size: float = 0.02) -> dict[str, Any]:
    east, north = round(west + size, 6), round(south + size, 6)
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


V1 = square(110.0, 30.0)
V3 = square(110.02, 30.0)
V2 = square(110.5, 30.5)
T1 = {
    "type": "Polygon",
    "coordinates": [
        [[110.0, 30.0], [110.04, 30.0], [110.04, 30.02], [110.0, 30.02], [110.0, 30.0]]
    ],
}


def draw(world: Any) -> Region:
    """Give the world's villages their squares; return the new village V3."""
    v3 = RegionFactory(
        code="V3",
        name_zh="丙村",
        name_en="Bing",
        parent=world.town_a,
        latitude=30.01,
        longitude=110.03,
    )
    for code, boundary in (("V1", V1), ("V2", V2), ("V3", V3), ("T1", T1), ("T2", V2)):
        Region.objects.filter(code=code).update(boundary=boundary)
    for region in (world.village_a, world.village_b, world.town_a, world.town_b, v3):
        region.refresh_from_db()
    clear_all()  # update() sends no signal: forget the cached places
    cache.clear()
    return v3
