"""The demo county's made-up boundaries: a Voronoi diagram of its village centres clipped
to an irregular county outline."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
import shapely
from shapely.geometry import Point

from minsheng.demo.regions import build_regions, voronoi_boundaries
from minsheng.regions.geometry import as_shape, read_boundary
from minsheng.regions.models import Region


def test_four_villages_in_a_square_split_the_land_between_them_evenly():
    # four centres 2 km apart at the corners of a square (0.018° ≈ 2 km north-south)
    centres = [(30.0, 110.0), (30.0, 110.0208), (30.018, 110.0), (30.018, 110.0208)]
    drawn = voronoi_boundaries(centres, margin_km=1.0, hug=1.0)
    cells = [as_shape(c) for c in drawn.cells]
    for cell, (lat, lon) in zip(cells, centres, strict=True):
        assert cell.contains(Point(lon, lat))
    areas = [round(c.area / cells[0].area, 2) for c in cells]
    assert areas == [1.0, 1.0, 1.0, 1.0]
    # the cells meet where the centres' perpendicular bisectors cross: the square's middle
    middle = Point(110.0104, 30.009)
    assert all(c.distance(middle) < 1e-5 for c in cells)


@pytest.mark.django_db
def test_every_demo_village_gets_a_valid_cell_holding_its_centre_and_none_overlap():
    county, _towns, places = build_regions(random.Random(1))
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("code"))
    assert len(villages) == len(places) == 193
    shapes = {}
    for village in villages:
        assert read_boundary(village.boundary) == village.boundary  # valid, as an import reads it
        shape = as_shape(village.boundary)
        assert shape.geom_type == "Polygon"
        assert shape.contains(Point(village.longitude, village.latitude)), village.code
        shapes[village.code] = shape
    overlaps = [
        (a, b)
        for (a, sa), (b, sb) in combinations(shapes.items(), 2)
        if sa.intersection(sb).area > 1e-9  # a shared edge has no area
    ]
    assert overlaps == []
    land = shapely.union_all(list(shapes.values()))
    outline = as_shape(Region.objects.get(pk=county.pk).boundary)
    assert outline.geom_type == "Polygon"
    assert abs(land.area - outline.area) / outline.area < 1e-4  # the cells tile the county
    for town in Region.objects.filter(level=Region.Level.TOWNSHIP):
        mine = [shapes[v.code] for v in villages if v.parent_id == town.pk]
        assert as_shape(town.boundary).symmetric_difference(shapely.union_all(mine)).area < 1e-9


@pytest.mark.django_db
def test_every_demo_orders_point_is_inside_its_village():
    from minsheng.demo.seed import seed_demo
    from minsheng.orders.models import Order

    seed_demo(scale=0.02)
    orders = Order.objects.select_related("region").exclude(latitude=None)
    assert orders.count() == Order.objects.count() > 100
    outside = [
        o.pk
        for o in orders
        if not as_shape(o.region.boundary).contains(Point(o.longitude, o.latitude))
    ]
    assert outside == []
