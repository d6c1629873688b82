"""The codes of the regions app's refusals, and the words for a boundary's faults."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.regions import geometry


class RegionCode(StrEnum):
    # importing boundaries (GeoJSON)
    NOT_GEOJSON = geometry.NOT_GEOJSON
    GEOMETRY_TYPE = geometry.GEOMETRY_TYPE
    RING_NOT_CLOSED = geometry.RING_NOT_CLOSED
    RING_TOO_SHORT = geometry.RING_TOO_SHORT
    COORDINATE_RANGE = geometry.COORDINATE_RANGE
    GEOMETRY_INVALID = geometry.NOT_VALID
    REGION_CODE_MISSING = "region_code_missing"
    REGION_UNKNOWN = "region_unknown"
    DUPLICATE_FEATURE = "duplicate_feature"
    # placing a point
    OUTSIDE_COUNTY = "outside_county"
    POINT_NOT_IN_REGION = "point_not_in_region"


_GEOMETRY_WORDS: dict[str, Promise] = {
    geometry.GEOMETRY_TYPE: _("a boundary is a Polygon or a MultiPolygon, not %(type)r"),
    geometry.RING_NOT_CLOSED: _("the ring is not closed: its last position must repeat its first"),
    geometry.RING_TOO_SHORT: _("a ring needs at least 4 positions, this one has %(count)d"),
    geometry.COORDINATE_RANGE: _("%(value)s is outside %(low)s to %(high)s"),
    geometry.NOT_VALID: _("not a valid shape (%(why)s)"),
}


_SHAPES: dict[str, Promise] = {
    "geometry": _("not a GeoJSON geometry (an object with a type and coordinates)"),
    "multipolygon": _("a MultiPolygon's coordinates are a non-empty list of polygons"),
    "polygon": _("a polygon is a non-empty list of rings"),
    "ring": _("a ring is a list of positions"),
    "position": _("a position is [longitude, latitude], two numbers"),
}


def geometry_words(error: geometry.GeometryError) -> str:
    """A boundary's fault in the reader's language."""
    if error.code == geometry.NOT_GEOJSON:
        return str(_SHAPES[error.params["shape"]])
    params: dict[str, Any] = dict(error.params)
    return str(_GEOMETRY_WORDS[error.code] % params)
