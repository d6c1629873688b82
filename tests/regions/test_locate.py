"""Which village holds a point (point in polygon, else the nearest centre within reach), and
whether an order's point fits its chosen place."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from minsheng.core.errors import NotFound
from minsheng.regions.models import Region
from minsheng.regions.selectors import locate, point_refusal, region_at, village_at
from tests.factories import RegionFactory
from tests.regions.maps import draw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_point_inside_a_village_is_in_it(world):
    draw(world)
    placed = village_at(30.019, 110.001, max_km=0.5)
    assert (placed.key.code, placed.inside, placed.km) == ("V1", True, 0.0)
    # nearer V3's centre than V1's, but inside V1's boundary
    assert village_at(30.0, 110.019, max_km=5).key.code == "V1"


def test_a_point_on_the_border_of_two_villages_goes_to_the_first_by_code(world):
    draw(world)
    placed = village_at(30.01, 110.02, max_km=5)
    assert (placed.key.code, placed.inside) == ("V1", True)


def test_a_point_outside_every_boundary_goes_to_the_nearest_centre_within_reach(world):
    draw(world)
    RegionFactory(code="V4", parent=world.town_a, latitude=30.3, longitude=110.3)  # no boundary
    placed = village_at(30.31, 110.3, max_km=2)
    assert (placed.key.code, placed.inside, round(placed.km, 2)) == ("V4", False, 1.11)
    assert village_at(30.31, 110.3, max_km=1) is None


def test_region_at_prefers_the_boundary_to_the_nearest_centre(world):
    draw(world)
    # inside V3's square, nearer its centre than V1's
    assert region_at(30.01, 110.021, max_km=5).code == "V3"
    # inside V1's square though nearer township T1's centre (30.0, 110.0) than V1's
    assert region_at(30.001, 110.001, max_km=5).code == "V1"


@override_settings(MINSHENG_LOCATE_MAX_KM=2.0)
def test_locate_says_a_point_far_from_every_village_is_outside_the_county(world):
    draw(world)
    assert locate(30.01, 110.03).key.code == "V3"
    with pytest.raises(NotFound) as info:
        locate(31.0, 111.0)
    assert [(e.code, e.field, str(e.message)) for e in info.value.errors] == [
        (
            "outside_county",
            "latitude",
            "This point is outside the county: it is in no village, nor within 2 km of one.",
        )
    ]


@override_settings(MINSHENG_BORDER_TOLERANCE_KM=0.1, MINSHENG_LOCATE_MAX_KM=2.0)
def test_an_orders_point_must_be_in_its_place(world):
    v3 = draw(world)
    v1, town = world.village_a, world.town_a
    assert point_refusal(v1, 30.01, 110.01) is None
    assert point_refusal(town, 30.01, 110.03) is None  # in V3, a village of T1
    assert point_refusal(v1, 30.01, 110.0205) is None  # 48 m into V3: within the tolerance
    wrong = point_refusal(v1, 30.01, 110.03)
    assert (wrong.code, wrong.field, str(wrong.message)) == (
        "point_not_in_region",
        "region",
        f"The point on the map is in Bing, not in {v1.name_en}: choose Bing, or move the point.",
    )
    far = point_refusal(v3, 31.0, 111.0)
    assert (far.code, far.field) == ("outside_county", "latitude")
    assert point_refusal(world.town_b, 30.01, 110.01).code == "point_not_in_region"


def test_a_place_without_a_boundary_takes_any_point(world):
    draw(world)
    Region.objects.filter(code="V1").update(boundary=None)
    world.village_a.refresh_from_db()
    assert point_refusal(world.village_a, 30.51, 110.51) is None
