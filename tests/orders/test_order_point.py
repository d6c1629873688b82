"""An order's point on the map must be in the place chosen for it (when the place has a
boundary): a point in another village is refused naming that village, a point outside the
county says so; nothing is written."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from tests.helpers import submit
from tests.orders.conftest import refused
from tests.regions.maps import draw


@pytest.fixture(autouse=True)
def _english_and_reach():
    with (
        translation.override("en"),
        override_settings(MINSHENG_LOCATE_MAX_KM=2.0, MINSHENG_BORDER_TOLERANCE_KM=0.1),
    ):
        yield


def test_a_point_inside_the_chosen_village_is_kept(world):
    draw(world)
    order = submit(world, latitude=30.005, longitude=110.015)
    assert (order.region.code, order.latitude, order.longitude) == ("V1", 30.005, 110.015)


def test_a_point_just_across_the_border_is_kept(world):
    draw(world)
    order = submit(world, latitude=30.01, longitude=110.0205)  # 48 m into V3
    assert order.region.code == "V1"


def test_a_point_in_another_village_is_refused_naming_it(world):
    draw(world)
    error = refused(
        lambda: submit(world, latitude=30.01, longitude=110.03),
        errors=[("point_not_in_region", "region")],
    )
    assert str(error.errors[0].message) == (
        f"The point on the map is in Bing, not in {world.village_a.name_en}: "
        "choose Bing, or move the point."
    )


def test_a_point_outside_the_county_is_refused(world):
    draw(world)
    refused(
        lambda: submit(world, latitude=29.0, longitude=110.01),
        errors=[("outside_county", "latitude")],
    )


def test_a_place_without_a_boundary_keeps_any_point(world):
    # no boundaries drawn: the point is the resident's word, as before
    order = submit(world, latitude=30.51, longitude=110.51)
    assert order.region.code == "V1"
