"""Reading a boundary (GeoJSON Polygon/MultiPolygon) and finding the place holding a point:
pure code, no database."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.regions import geometry
from minsheng.regions.geometry import GeometryError, Locator, Placed, read_boundary
from tests.regions.maps import V1, V2, V3


def refusal(raw: Any) -> tuple[str, str]:
    with pytest.raises(GeometryError) as info:
        read_boundary(raw)
    return info.value.code, info.value.path


def test_a_polygon_and_a_multipolygon_are_read_and_rounded():
    raw = {
        "type": "Polygon",
        "coordinates": [[[110.0000001, 30], [110.02, 30], [110.02, 30.02], [110.0000001, 30]]],
    }
    assert read_boundary(raw) == {
        "type": "Polygon",
        "coordinates": [[[110.0, 30.0], [110.02, 30.0], [110.02, 30.02], [110.0, 30.0]]],
    }
    multi = {"type": "MultiPolygon", "coordinates": [V1["coordinates"], V2["coordinates"]]}
    assert read_boundary(multi) == multi


@pytest.mark.parametrize(
    ("raw", "code", "path"),
    [
        ([1, 2], geometry.NOT_GEOJSON, ""),
        ({"coordinates": []}, geometry.NOT_GEOJSON, ""),
        ({"type": "Point", "coordinates": [110, 30]}, geometry.GEOMETRY_TYPE, "type"),
        (
            {"type": "LineString", "coordinates": [[110, 30], [111, 30]]},
            geometry.GEOMETRY_TYPE,
            "type",
        ),
        ({"type": "Polygon", "coordinates": []}, geometry.NOT_GEOJSON, "coordinates"),
        (
            {"type": "Polygon", "coordinates": [[[110, 30], [111, 30], [111, 31], [110, 31]]]},
            geometry.RING_NOT_CLOSED,
            "coordinates[0]",
        ),
        (
            {"type": "Polygon", "coordinates": [[[110, 30], [111, 30], [110, 30]]]},
            geometry.RING_TOO_SHORT,
            "coordinates[0]",
        ),
        (
            {"type": "Polygon", "coordinates": [[[110, 30], [181, 30], [111, 31], [110, 30]]]},
            geometry.COORDINATE_RANGE,
            "coordinates[0][1][0]",
        ),
        (
            {"type": "Polygon", "coordinates": [[[110, 30], [111, -91], [111, 31], [110, 30]]]},
            geometry.COORDINATE_RANGE,
            "coordinates[0][1][1]",
        ),
        (
            {"type": "Polygon", "coordinates": [[[110, 30], ["111", 30], [111, 31], [110, 30]]]},
            geometry.NOT_GEOJSON,
            "coordinates[0][1]",
        ),
        (
            {"type": "Polygon", "coordinates": [[[110, 30], [True, 30], [111, 31], [110, 30]]]},
            geometry.NOT_GEOJSON,
            "coordinates[0][1]",
        ),
        (
            {"type": "MultiPolygon", "coordinates": [V1["coordinates"], [[[1, 1]]]]},
            geometry.RING_TOO_SHORT,
            "coordinates[1][0]",
        ),
        ({"type": "MultiPolygon", "coordinates": "x"}, geometry.NOT_GEOJSON, "coordinates"),
        # a bow tie: its ring crosses itself
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            geometry.NOT_VALID,
            "",
        ),
    ],
)
def test_a_geometry_that_is_no_boundary_is_refused_naming_the_part(raw, code, path):
    assert refusal(raw) == (code, path)


def locator() -> Locator[str]:
    return Locator(
        [
            ("V1", V1, 30.01, 110.01),
            ("V3", V3, 30.01, 110.03),
            ("V2", V2, 30.51, 110.51),
            ("V4", None, 30.2, 110.2),  # no boundary yet: found by its centre only
        ]
    )


def test_a_point_inside_a_boundary_is_in_that_village():
    assert locator().locate(30.005, 110.005, max_km=5) == Placed("V1", inside=True, km=0.0)
    assert locator().locate(30.515, 110.515, max_km=5) == Placed("V2", inside=True, km=0.0)


def test_a_point_on_a_shared_border_goes_to_the_first_village():
    assert locator().locate(30.01, 110.02, max_km=5) == Placed("V1", inside=True, km=0.0)
    # a corner of V1's square is on its boundary, so inside
    assert locator().containing(30.0, 110.0) == "V1"


def test_a_point_outside_every_boundary_goes_to_the_nearest_centre_within_reach():
    # 0.01° north of V4's centre: 1.11 km
    placed = locator().locate(30.21, 110.2, max_km=2)
    assert (placed.key, placed.inside, round(placed.km, 2)) == ("V4", False, 1.11)
    assert locator().locate(30.21, 110.2, max_km=1) is None
    assert locator().locate(45.0, 120.0, max_km=50) is None


def test_covers_allows_a_point_just_outside_the_border():
    # 0.0005° of latitude south of V1's southern edge: 56 m
    assert geometry.covers(V1, 29.9995, 110.01, km=0.1) is True
    assert geometry.covers(V1, 29.9995, 110.01, km=0.05) is False
    assert geometry.covers(V1, 30.01, 110.01, km=0) is True


def test_the_union_of_two_neighbours_is_one_polygon():
    merged = geometry.union([V1, V3])
    assert merged["type"] == "Polygon"
    both = {
        "type": "Polygon",
        "coordinates": [[[110, 30], [110.04, 30], [110.04, 30.02], [110, 30.02], [110, 30]]],
    }
    assert geometry.as_shape(merged).equals(geometry.as_shape(both))
