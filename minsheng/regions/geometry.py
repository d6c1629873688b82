"""Village boundaries as GeoJSON geometries: reading them, and finding which holds a point.

Pure computation over shapely, no Django: the importer, the demo and the locator share it.
Coordinates are WGS84 longitude, latitude (GeoJSON's order, RFC 7946); a boundary is a
Polygon or a MultiPolygon.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points
from shapely.validation import explain_validity

from minsheng.core.geo import haversine_km

AREAL_TYPES = ("Polygon", "MultiPolygon")
# Coordinates are kept to 6 decimals (about 0.1 m): more is noise, and makes files heavy.
PRECISION = 6


class GeometryError(ValueError):
    """A geometry that is not a usable boundary. ``code`` is stable; ``path`` names the
    part refused (``coordinates[0][3]``) for a person to find it in the file; ``params``
    are the values an interface puts in its own wording (``regions.errors``)."""

    def __init__(self, code: str, message: str, path: str = "", **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
        self.params = params


# Stable codes (regions.errors words them for people).
NOT_GEOJSON = "not_geojson"
GEOMETRY_TYPE = "geometry_type"
RING_NOT_CLOSED = "ring_not_closed"
RING_TOO_SHORT = "ring_too_short"
COORDINATE_RANGE = "coordinate_range"
NOT_VALID = "geometry_invalid"


def _position(raw: Any, path: str) -> tuple[float, float]:
    if (
        not isinstance(raw, list | tuple)
        or len(raw) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw[:2])
    ):
        raise GeometryError(
            NOT_GEOJSON, "a position is [longitude, latitude]", path, shape="position"
        )
    for index, name, limit in ((0, "longitude", 180), (1, "latitude", 90)):
        value = float(raw[index])
        if not (math.isfinite(value) and -limit <= value <= limit):
            raise GeometryError(
                COORDINATE_RANGE,
                f"{name} {raw[index]} is outside -{limit} to {limit}",
                f"{path}[{index}]",
                value=raw[index],
                low=-limit,
                high=limit,
            )
    return float(raw[0]), float(raw[1])


def _ring(raw: Any, path: str) -> list[list[float]]:
    if not isinstance(raw, list):
        raise GeometryError(NOT_GEOJSON, "a ring is a list of positions", path, shape="ring")
    points = [_position(p, f"{path}[{i}]") for i, p in enumerate(raw)]
    if len(points) < 4:
        raise GeometryError(
            RING_TOO_SHORT,
            f"a ring needs at least 4 positions, this has {len(points)}",
            path,
            count=len(points),
        )
    if points[0] != points[-1]:
        raise GeometryError(
            RING_NOT_CLOSED, "the ring is not closed: its last position must repeat its first", path
        )
    return [[round(lon, PRECISION), round(lat, PRECISION)] for lon, lat in points]


def _polygon(raw: Any, path: str) -> list[list[list[float]]]:
    if not isinstance(raw, list) or not raw:
        raise GeometryError(
            NOT_GEOJSON, "a polygon is a non-empty list of rings", path, shape="polygon"
        )
    return [_ring(r, f"{path}[{i}]") for i, r in enumerate(raw)]


def read_boundary(raw: Any) -> dict[str, Any]:
    """A GeoJSON Polygon or MultiPolygon geometry, checked and normalised (coordinates
    rounded to ``PRECISION``), or :class:`GeometryError` saying what is wrong and where.

    Checks, in order: it is a GeoJSON geometry object; its type is areal; every position is
    a [longitude, latitude] pair in range; every ring is closed with at least 4 positions;
    and the shape is valid (no self-crossing ring, holes inside their shell).
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise GeometryError(
            NOT_GEOJSON, "not a GeoJSON geometry (an object with a type)", shape="geometry"
        )
    kind = raw["type"]
    if kind not in AREAL_TYPES:
        raise GeometryError(
            GEOMETRY_TYPE,
            f"a boundary is a Polygon or a MultiPolygon, not {kind!r}",
            "type",
            type=kind,
        )
    coordinates = raw.get("coordinates")
    if kind == "Polygon":
        clean: Any = _polygon(coordinates, "coordinates")
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError(
                NOT_GEOJSON,
                "a MultiPolygon is a non-empty list of polygons",
                "coordinates",
                shape="multipolygon",
            )
        clean = [_polygon(p, f"coordinates[{i}]") for i, p in enumerate(coordinates)]
    geometry = {"type": kind, "coordinates": clean}
    figure = shape(geometry)
    if not figure.is_valid:
        why = explain_validity(figure)
        raise GeometryError(NOT_VALID, f"not a valid shape: {why}", why=why)
    return geometry


def to_geojson(figure: BaseGeometry) -> dict[str, Any]:
    """A shapely Polygon/MultiPolygon as a GeoJSON geometry with rounded coordinates."""
    rounded = shapely.set_precision(figure, 10**-PRECISION)
    raw = mapping(rounded)

    def lists(value: Any) -> Any:
        if isinstance(value, list | tuple):
            if value and isinstance(value[0], float | int):
                return [round(float(v), PRECISION) for v in value]
            return [lists(v) for v in value]
        return value

    return {"type": raw["type"], "coordinates": lists(raw["coordinates"])}


def as_shape(geometry: dict[str, Any]) -> Polygon | MultiPolygon:
    figure = shape(geometry)
    assert isinstance(figure, Polygon | MultiPolygon)
    return figure


K = TypeVar("K")


@dataclass(frozen=True)
class Placed(Generic[K]):
    """Where a point fell: the key of the place, and whether it lies inside its boundary
    (False: the nearest centre within reach)."""

    key: K
    inside: bool
    km: float


class Locator(Generic[K]):
    """Which place holds a point: the one whose boundary contains it (a point on a shared
    border goes to the first in the given order); else, for a point inside no boundary,
    the place with the nearest centre within ``max_km``.

    Built once from every place (shapely's STRtree makes each query a few comparisons).
    """

    def __init__(
        self,
        places: Iterable[tuple[K, dict[str, Any] | None, float | None, float | None]],
    ) -> None:
        """``places``: (key, boundary or None, centre latitude, centre longitude)."""
        self._keys: list[K] = []
        self._shapes: list[BaseGeometry] = []
        self._centres: list[tuple[K, float, float]] = []
        for key, boundary, lat, lon in places:
            if boundary is not None:
                figure = as_shape(boundary)
                shapely.prepare(figure)
                self._keys.append(key)
                self._shapes.append(figure)
            if lat is not None and lon is not None:
                self._centres.append((key, lat, lon))
        self._tree = shapely.STRtree(self._shapes) if self._shapes else None

    @property
    def has_boundaries(self) -> bool:
        return self._tree is not None

    def containing(self, latitude: float, longitude: float) -> K | None:
        """The place whose boundary covers the point (its border included)."""
        if self._tree is None:
            return None
        point = Point(longitude, latitude)
        hits = sorted(int(i) for i in self._tree.query(point, predicate="intersects"))
        return self._keys[hits[0]] if hits else None

    def nearest(self, latitude: float, longitude: float, *, max_km: float) -> Placed[K] | None:
        best: tuple[float, K] | None = None
        for key, lat, lon in self._centres:
            km = haversine_km(latitude, longitude, lat, lon)
            if km <= max_km and (best is None or km < best[0]):
                best = (km, key)
        return Placed(best[1], inside=False, km=best[0]) if best is not None else None

    def locate(self, latitude: float, longitude: float, *, max_km: float) -> Placed[K] | None:
        key = self.containing(latitude, longitude)
        if key is not None:
            return Placed(key, inside=True, km=0.0)
        return self.nearest(latitude, longitude, max_km=max_km)


def covers(geometry: dict[str, Any], latitude: float, longitude: float, *, km: float) -> bool:
    """Whether the boundary holds the point, or passes within ``km`` of it (a phone's
    position wanders a few metres; a tap on a border may land either side)."""
    figure = as_shape(geometry)
    point = Point(longitude, latitude)
    if figure.intersects(point):
        return True
    nearest = nearest_points(figure, point)[0]
    return haversine_km(latitude, longitude, nearest.y, nearest.x) <= km


def union(geometries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One boundary covering all of these (a township from its villages)."""
    return to_geojson(shapely.union_all([as_shape(g) for g in geometries]))
