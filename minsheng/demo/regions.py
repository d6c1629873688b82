"""The demo county's places: 青溪县 (Qingxi County), its twelve townships and about two
hundred villages and communities, ~300,000 people (~60% rural).

Fictional on purpose: the county code is one no real county has, so the demo can live
beside real regions and be removed without touching them (``demo_region_q``).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.db.models import Q
from scipy.spatial import Voronoi
from shapely.geometry import MultiPoint, Point, Polygon

from minsheng.regions.geometry import as_shape, to_geojson, union
from minsheng.regions.models import Region
from minsheng.regions.selectors import forget_boundaries

COUNTY_CODE = "439901"  # fictional: no real county has this code
COUNTY_NAME = ("青溪县", "Qingxi County")
CENTRE = (29.6, 109.4)
DEMO_TOWNSHIP = "longtan"  # the walk-through's township (see ``logins``)

# (key, name_zh, name_en, kind, communities, villages)
TOWNSHIPS: list[tuple[str, str, str, str, int, int]] = [
    ("chengguan", "城关镇", "Chengguan Town", "urban", 12, 8),
    ("xikou", "溪口镇", "Xikou Town", "urban", 3, 16),
    ("baisha", "白沙镇", "Baisha Town", "urban", 2, 16),
    ("longtan", "龙潭镇", "Longtan Town", "rural", 1, 18),
    ("shimen", "石门乡", "Shimen Township", "rural", 0, 16),
    ("chayuan", "茶园乡", "Chayuan Township", "rural", 0, 15),
    ("taohua", "桃花乡", "Taohua Township", "rural", 0, 14),
    ("shuanghe", "双河乡", "Shuanghe Township", "rural", 0, 16),
    ("yuntai", "云台乡", "Yuntai Township", "rural", 0, 14),
    ("shanmu", "杉木乡", "Shanmu Township", "rural", 0, 13),
    ("liuping", "柳坪乡", "Liuping Township", "rural", 0, 15),
    ("gaofeng", "高峰乡", "Gaofeng Township", "rural", 0, 14),
]
COMMUNITIES = [
    ("东门", "Dongmen"), ("西门", "Ximen"), ("南街", "Nanjie"), ("北街", "Beijie"),
    ("河滨", "Hebin"), ("解放", "Jiefang"), ("人民", "Renmin"), ("文化", "Wenhua"),
    ("新华", "Xinhua"), ("建设", "Jianshe"), ("幸福", "Xingfu"), ("和平", "Heping"),
    ("胜利", "Shengli"), ("滨江", "Binjiang"), ("桥头", "Qiaotou"), ("站前", "Zhanqian"),
    ("朝阳", "Chaoyang"), ("团结", "Tuanjie"), ("龙泉", "Longquan"), ("凤凰", "Fenghuang"),
]  # fmt: skip
VILLAGE_HEADS = [
    ("大", "Da"), ("小", "Xiao"), ("上", "Shang"), ("下", "Xia"), ("黄", "Huang"),
    ("青", "Qing"), ("石", "Shi"), ("龙", "Long"), ("马", "Ma"), ("杨", "Yang"),
    ("柳", "Liu"), ("桃", "Tao"), ("竹", "Zhu"), ("松", "Song"), ("金", "Jin"),
    ("新", "Xin"), ("长", "Chang"), ("高", "Gao"), ("田", "Tian"), ("三", "San"),
    ("双", "Shuang"), ("白", "Bai"), ("红", "Hong"), ("枫", "Feng"), ("茶", "Cha"),
    ("梅", "Mei"), ("岩", "Yan"), ("杉", "Shan"), ("鹿", "Lu"), ("凉", "Liang"),
]  # fmt: skip
VILLAGE_TAILS = [
    ("坪", "ping"), ("溪", "xi"), ("湾", "wan"), ("坝", "ba"), ("岭", "ling"),
    ("冲", "chong"), ("塘", "tang"), ("桥", "qiao"), ("坡", "po"), ("口", "kou"),
    ("山", "shan"), ("园", "yuan"), ("寨", "zhai"), ("河", "he"), ("峪", "yu"), ("垭", "ya"),
]  # fmt: skip


def demo_region_q() -> Q:
    """The demo county and everything below it."""
    return Q(code=COUNTY_CODE) | Q(code__startswith=COUNTY_CODE)


@dataclass
class Place:
    """A village or community where orders come from."""

    region: Region
    township: Region
    key: str  # the township's key
    weight: float  # demand weight
    _outline: Any = field(default=None, repr=False)

    def spot(self, north: float, east: float) -> dict[str, float]:
        """An order's point: ``north``/``east`` degrees from the village's centre, drawn
        nearer the centre until it is inside the village's boundary (so the point and the
        place agree, as the order form makes them). The caller draws the offsets, so the
        demo's random sequence does not depend on the boundaries."""
        lat = self.region.latitude if self.region.latitude is not None else CENTRE[0]
        lon = self.region.longitude if self.region.longitude is not None else CENTRE[1]
        if self._outline is None and self.region.boundary is not None:
            self._outline = as_shape(self.region.boundary)
            shapely.prepare(self._outline)
        for _ in range(8):
            point = {"latitude": round(lat + north, 5), "longitude": round(lon + east, 5)}
            if self._outline is None or self._outline.contains(
                Point(point["longitude"], point["latitude"])
            ):
                return point
            north, east = north / 2, east / 2
        return {"latitude": lat, "longitude": lon}


def _offset(lat: float, lon: float, km_north: float, km_east: float) -> tuple[float, float]:
    return (
        round(lat + km_north / 111.0, 5),
        round(lon + km_east / (111.0 * math.cos(math.radians(lat))), 5),
    )


# How far the county's outline reaches beyond its outermost villages, and how closely it
# follows them (shapely's concave hull: 0 hugs the villages, 1 is the convex hull).
OUTLINE_MARGIN_KM = 3.0
OUTLINE_HUG = 0.35


@dataclass
class Boundaries:
    """The demo's made-up map: each village's cell, in the order of the centres given, and
    the county's outline, as GeoJSON geometries (longitude, latitude)."""

    cells: list[dict[str, Any]]
    outline: dict[str, Any]


def voronoi_boundaries(
    centres: Sequence[tuple[float, float]],
    *,
    margin_km: float = OUTLINE_MARGIN_KM,
    hug: float = OUTLINE_HUG,
) -> Boundaries:
    """Plausible village boundaries from village centres (latitude, longitude): the
    Voronoi diagram of the centres (each cell is the land nearer its village than any
    other) clipped to an irregular county outline (the villages' concave hull, widened by
    ``margin_km``).

    Computed on a local flat projection in kilometres (a degree of longitude is shorter
    than one of latitude away from the equator), then turned back into degrees. Four far
    corners are added to the diagram so every village's cell is bounded.
    """
    lat0 = sum(lat for lat, _lon in centres) / len(centres)
    lon0 = sum(lon for _lat, lon in centres) / len(centres)
    kx = 111.32 * math.cos(math.radians(lat0))
    ky = 110.57

    def to_km(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - lon0) * kx, (lat - lat0) * ky)

    points = [to_km(lon, lat) for lat, lon in centres]
    outline = shapely.concave_hull(MultiPoint(points), ratio=hug).buffer(margin_km)
    minx, miny, maxx, maxy = outline.bounds
    far = 10 * max(maxx - minx, maxy - miny, 1.0)
    corners = [(-far, -far), (-far, far), (far, -far), (far, far)]
    diagram = Voronoi(points + corners)
    cells: list[dict[str, Any]] = []
    for i in range(len(points)):
        region = diagram.regions[diagram.point_region[i]]
        assert region and -1 not in region, "the far corners bound every village's cell"
        # A centre lies well inside the outline (margin_km), so its clipped cell holds it.
        cell = Polygon([diagram.vertices[v] for v in region]).intersection(outline)
        cells.append(to_geojson(_to_degrees(cell, lon0, lat0, kx, ky)))
    return Boundaries(cells=cells, outline=to_geojson(_to_degrees(outline, lon0, lat0, kx, ky)))


def _to_degrees(figure: Any, lon0: float, lat0: float, kx: float, ky: float) -> Any:
    return shapely.transform(figure, lambda xy: xy / [kx, ky] + [lon0, lat0])


def _draw_boundaries(county: Region, towns: list[Region], villages: list[Region]) -> None:
    """Give every village its Voronoi cell, every township the union of its villages' and
    the county its outline."""
    drawn = voronoi_boundaries([(v.latitude, v.longitude) for v in villages])  # type: ignore[misc]
    by_town: dict[int, list[dict[str, Any]]] = {t.pk: [] for t in towns}
    for village, cell in zip(villages, drawn.cells, strict=True):
        village.boundary = cell
        by_town[village.parent_id].append(cell)  # type: ignore[index]
    Region.objects.bulk_update(villages, ["boundary"])
    for town in towns:
        town.boundary = union(by_town[town.pk])
    Region.objects.bulk_update(towns, ["boundary"])
    county.boundary = drawn.outline
    county.save(update_fields=["boundary"])
    forget_boundaries()


def build_regions(rng: random.Random) -> tuple[Region, list[Region], list[Place]]:
    """Write the county, its townships and villages; return them with the villages as
    places weighted by how much they order."""
    county = Region.objects.create(
        code=COUNTY_CODE,
        name_zh=COUNTY_NAME[0],
        name_en=COUNTY_NAME[1],
        level=Region.Level.COUNTY,
        kind=Region.Kind.RURAL,
        latitude=CENTRE[0],
        longitude=CENTRE[1],
    )
    towns: list[Region] = []
    n_town = n_xiang = 0
    for i, (_key, zh, en, kind, _c, _v) in enumerate(TOWNSHIPS):
        if zh.endswith("镇"):
            n_town += 1
            code = f"{COUNTY_CODE}{100 + n_town:03d}"
        else:
            n_xiang += 1
            code = f"{COUNTY_CODE}{200 + n_xiang:03d}"
        if i == 0:
            lat, lon = CENTRE
        else:
            angle = math.radians(i * (360 / (len(TOWNSHIPS) - 1)) + rng.uniform(-12, 12))
            radius = rng.uniform(12, 38)
            lat, lon = _offset(*CENTRE, radius * math.cos(angle), radius * math.sin(angle))
        towns.append(
            Region(
                code=code,
                name_zh=zh,
                name_en=en,
                level=Region.Level.TOWNSHIP,
                kind=kind,
                parent=county,
                latitude=lat,
                longitude=lon,
            )
        )
    Region.objects.bulk_create(towns)
    communities = list(COMMUNITIES)
    rng.shuffle(communities)
    used: set[str] = set()
    villages: list[Region] = []
    keys: list[str] = []
    for town, (key, _zh, _en, _kind, n_comm, n_vill) in zip(towns, TOWNSHIPS, strict=True):
        assert town.latitude is not None and town.longitude is not None
        for j in range(n_comm):
            czh, cen = communities.pop()
            lat, lon = _offset(town.latitude, town.longitude, rng.gauss(0, 1.2), rng.gauss(0, 1.2))
            villages.append(
                Region(
                    code=f"{town.code}{j + 1:03d}",
                    name_zh=f"{czh}社区",
                    name_en=f"{cen} Community",
                    level=Region.Level.VILLAGE,
                    kind=Region.Kind.URBAN,
                    parent=town,
                    population=rng.randint(4500, 8500)
                    if key == "chengguan"
                    else rng.randint(3000, 6000),
                    latitude=lat,
                    longitude=lon,
                )
            )
            keys.append(key)
        for j in range(n_vill):
            while True:
                head, tail = rng.choice(VILLAGE_HEADS), rng.choice(VILLAGE_TAILS)
                if head[0] + tail[0] not in used:
                    used.add(head[0] + tail[0])
                    break
            angle, radius = rng.uniform(0, 2 * math.pi), rng.uniform(1.5, 9)
            lat, lon = _offset(
                town.latitude, town.longitude, radius * math.cos(angle), radius * math.sin(angle)
            )
            villages.append(
                Region(
                    code=f"{town.code}{201 + j:03d}",
                    name_zh=f"{head[0]}{tail[0]}村",
                    name_en=f"{head[1]}{tail[1]} Village",
                    level=Region.Level.VILLAGE,
                    kind=Region.Kind.RURAL,
                    parent=town,
                    population=int(rng.triangular(400, 1900, 800)),
                    latitude=lat,
                    longitude=lon,
                )
            )
            keys.append(key)
    Region.objects.bulk_create(villages)
    totals: Counter[str] = Counter()
    for v in villages:
        assert v.parent is not None
        totals[v.parent.code] += v.population
    for town in towns:
        town.population = totals[town.code]
    Region.objects.bulk_update(towns, ["population"])
    county.population = sum(totals.values())
    county.save(update_fields=["population"])
    _draw_boundaries(county, towns, villages)
    by_code = {t.code: t for t in towns}
    places = [
        Place(
            region=v,
            township=by_code[v.parent.code],  # type: ignore[union-attr]
            key=k,
            # Townspeople order a little more per head than villagers.
            weight=v.population * (1.15 if v.kind == Region.Kind.URBAN else 1.0),
        )
        for v, k in zip(villages, keys, strict=True)
    ]
    return county, towns, places


def townships_for(spec: str | tuple[str, ...]) -> list[str]:
    """The township keys a menu or provider entry names: ``["county"]`` for county-wide."""
    if spec == "county":
        return ["county"]
    if spec in ("urban", "rural"):
        return [t[0] for t in TOWNSHIPS if t[3] == spec]
    assert isinstance(spec, tuple)
    return list(spec)
