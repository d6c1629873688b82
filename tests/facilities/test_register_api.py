"""``/api/v1/facilities/``: public reads of the register (list, one, GeoJSON points)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from minsheng.facilities.models import PortalViews, UseCount
from tests.facilities.factories import make_facility

pytestmark = pytest.mark.django_db


def test_the_list_is_public_paginated_and_filtered(world):
    shop = make_facility(world.village_a, code="a-shop", name_zh="甲村书屋", address="东街")
    shop.services.add(world.service)
    make_facility(world.village_b, "clinic", code="b-clinic", status="closed")
    make_facility(world.village_b, code="b-plan", status="planned")
    client = APIClient()
    body = client.get("/api/v1/facilities/").json()
    assert body["count"] == 2
    assert [r["code"] for r in body["results"]] == ["a-shop", "b-clinic"]
    first = body["results"][0]
    assert first["region"] == "V1"
    assert first["township"] == "T1"
    assert first["services"] == ["meal-delivery"]
    assert first["url"] == f"/facilities/{shop.pk}/"
    assert [r["code"] for r in client.get("/api/v1/facilities/?township=T2").json()["results"]] == [
        "b-clinic"
    ]
    assert [r["code"] for r in client.get("/api/v1/facilities/?village=V1").json()["results"]] == [
        "a-shop"
    ]
    assert [r["code"] for r in client.get("/api/v1/facilities/?kind=clinic").json()["results"]] == [
        "b-clinic"
    ]
    assert [r["code"] for r in client.get("/api/v1/facilities/?q=东街").json()["results"]] == [
        "a-shop"
    ]


def test_bad_filters_are_400(world):
    client = APIClient()
    assert client.get("/api/v1/facilities/?township=V1").status_code == 400  # a village
    assert client.get("/api/v1/facilities/?kind=castle").status_code == 400
    assert client.get("/api/v1/facilities.geojson?kind=castle").status_code == 400


def test_one_facility_with_its_figures_and_no_view_counted(world):
    shop = make_facility(world.village_a)
    today = timezone.localdate()
    UseCount.objects.create(
        facility=shop,
        day=today,
        kind="visits",
        count=8,
        source="staff",
        recorded_at=timezone.now(),
    )
    body = APIClient().get(f"/api/v1/facilities/{shop.pk}/").json()
    assert body["code"] == shop.code
    assert body["used_this_month"] == 8
    assert body["open_now"] is None  # no hours recorded
    assert (body["highlights"], body["classes"], body["upcoming"], body["photos"]) == (
        [],
        [],
        [],
        [],
    )
    assert PortalViews.objects.count() == 0
    assert date.today()


def test_a_facility_the_public_may_not_see_is_404(world):
    plan = make_facility(world.village_a, status="abandoned")
    assert APIClient().get(f"/api/v1/facilities/{plan.pk}/").status_code == 404
    assert APIClient().get("/api/v1/facilities/999999/").status_code == 404


def test_the_geojson_has_the_open_facilities_as_points(world):
    shop = make_facility(world.village_a, code="a-shop")
    make_facility(world.village_a, code="a-closed", status="closed")
    response = APIClient().get("/api/v1/facilities.geojson", HTTP_ACCEPT="application/geo+json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["id"] for f in body["features"]] == [shop.pk]
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [110.01, 30.01]}
    filtered = APIClient().get("/api/v1/facilities.geojson?township=T2").json()
    assert filtered["features"] == []
