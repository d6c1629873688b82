"""``/api/v1/regions/boundaries.geojson`` and ``/api/v1/regions/locate/``: public reads; bad
input is a 400 naming the parameter, a point outside the county a 404 saying so."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from minsheng.regions.models import Region
from tests.api.conftest import token_client
from tests.regions.maps import T1, V1, V2, V3, draw

pytestmark = pytest.mark.django_db

BOUNDARIES = "/api/v1/regions/boundaries.geojson"
LOCATE = "/api/v1/regions/locate/"


def test_the_boundaries_are_a_public_geojson_collection_townships_first(world):
    draw(world)
    response = APIClient().get(BOUNDARIES, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [
        (f["id"], f["properties"]["level"], f["properties"]["parent"]) for f in body["features"]
    ] == [
        ("T1", "township", "C"),
        ("T2", "township", "C"),
        ("V1", "village", "T1"),
        ("V2", "village", "T2"),
        ("V3", "village", "T1"),
    ]
    geometries = {f["id"]: f["geometry"] for f in body["features"]}
    assert geometries == {"T1": T1, "T2": V2, "V1": V1, "V2": V2, "V3": V3}
    v3 = body["features"][-1]["properties"]
    assert v3 == {
        "code": "V3",
        "name": "Bing",
        "level": "village",
        "parent": "T1",
        "latitude": 30.01,
        "longitude": 110.03,
    }


def test_the_boundaries_name_places_in_the_request_language(world):
    draw(world)
    body = APIClient().get(BOUNDARIES, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["features"][-1]["properties"]["name"] == "丙村"


def test_a_changed_boundary_is_served_at_once_though_the_collection_is_cached(world):
    draw(world)
    assert len(APIClient().get(BOUNDARIES).json()["features"]) == 5
    v3 = Region.objects.get(code="V3")
    v3.boundary = None
    v3.save(update_fields=["boundary"])
    assert [f["id"] for f in APIClient().get(BOUNDARIES).json()["features"]] == [
        "T1",
        "T2",
        "V1",
        "V2",
    ]


def test_a_county_without_boundaries_serves_an_empty_collection(world):
    assert APIClient().get(BOUNDARIES).json() == {"type": "FeatureCollection", "features": []}


def test_a_bad_token_is_still_refused_on_a_public_read(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get(BOUNDARIES).status_code == 401
    assert client.get(LOCATE, {"lat": 30.01, "lon": 110.01}).status_code == 401


def test_locate_finds_the_village_holding_the_point(world):
    draw(world)
    response = APIClient().get(LOCATE, {"lat": "30.01", "lon": "110.03"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.json() == {
        "code": "V3",
        "name": "Bing",
        "township": {"code": "T1", "name": world.town_a.name_en},
        "inside": True,
        "distance_km": 0.0,
    }
    # signed in, the same answer
    assert (
        token_client(world.resident).get(LOCATE, {"lat": 30.01, "lon": 110.03}).json()["code"]
        == "V3"
    )


@override_settings(MINSHENG_LOCATE_MAX_KM=2.0)
def test_locate_falls_back_to_the_nearest_centre_within_reach(world):
    draw(world)
    Region.objects.filter(code="V2").update(boundary=None)
    body = APIClient().get(LOCATE, {"lat": 30.52, "lon": 110.51}).json()
    assert (body["code"], body["inside"], body["distance_km"]) == ("V2", False, 1.112)


@override_settings(MINSHENG_LOCATE_MAX_KM=2.0)
def test_a_point_outside_the_county_says_so(world):
    draw(world)
    response = APIClient().get(LOCATE, {"lat": 31, "lon": 111}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {
        "errors": [
            {
                "code": "outside_county",
                "field": "lat",
                "message": "This point is outside the county: it is in no village, nor within 2 km of one.",
            }
        ]
    }


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, [("required", "lat")]),
        ({"lat": "", "lon": " "}, [("required", "lat")]),
        ({"lat": "30.01"}, [("location_incomplete", "lon")]),
        ({"lon": "110"}, [("location_incomplete", "lat")]),
        ({"lat": "north", "lon": "110"}, [("not_number", "lat")]),
        ({"lat": "nan", "lon": "inf"}, [("not_number", "lat"), ("not_number", "lon")]),
        ({"lat": "91", "lon": "110"}, [("latitude_range", "lat")]),
        ({"lat": "30", "lon": "-180.5"}, [("longitude_range", "lon")]),
        ({"lat": "1e400", "lon": "110"}, [("not_number", "lat")]),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(world, params, errors):
    response = APIClient().get(LOCATE, params)
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == errors
