"""Placing a point or an address in the county: region_at and region_named_in."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.regions.models import Region
from minsheng.regions.selectors import region_at, region_named_in
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_a_point_goes_to_the_nearest_village_even_nearer_a_township_centre(world: Any) -> None:
    assert region_at(30.012, 110.012, max_km=5) == world.village_a
    # 1.5 km from township T2's centre, 2.9 km from village V2's: V2 is the place.
    assert region_at(30.49, 110.49, max_km=5) == world.village_b


def test_a_village_wins_over_its_township_at_the_same_distance(world: Any) -> None:
    RegionFactory(code="V3", name_zh="丙村", parent=world.town_a, latitude=30.0, longitude=110.0)
    assert region_at(30.0, 110.0, max_km=5).code == "V3"


def test_a_township_without_villages_near_the_point_is_used(world: Any) -> None:
    Region.objects.filter(code="V1").update(latitude=None, longitude=None)
    assert region_at(30.0, 110.0, max_km=5) == world.town_a


def test_a_point_beyond_the_radius_is_in_no_place(world: Any) -> None:
    # 0.01° of latitude is 1.11 km from village V1's centre.
    assert region_at(30.02, 110.01, max_km=1.0) is None
    assert region_at(30.02, 110.01, max_km=1.2) == world.village_a
    assert region_at(37.76, -122.46, max_km=50) is None


def test_the_longest_place_name_in_an_address_wins(world: Any) -> None:
    Region.objects.filter(code="V1").update(name_en="Jia Village")
    assert region_named_in("甲镇甲村 3 组") == world.village_a
    assert region_named_in("甲镇政府") == world.town_a
    assert region_named_in("near jia village school") == world.village_a
    assert region_named_in("8TH AVE and JUDAH ST") is None
    assert region_named_in("") is None


def test_the_county_is_never_a_place_to_order_at(world: Any) -> None:
    assert region_named_in("示范县") is None
