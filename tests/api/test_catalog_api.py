"""Regions, areas, categories, urgency classes, services and providers: public reads, with
more for dispatch staff; filters, ordering and the pagination envelope."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from minsheng.catalog.models import Category, Provider, ServiceArea, ServiceAttribute
from tests.api.conftest import token_client
from tests.factories import ProviderFactory, ServiceFactory

V = "/api/v1/"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def codes(response: Any, key: str = "code") -> list[Any]:
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


# --- regions ----------------------------------------------------------------------------------


def test_anyone_lists_regions_by_code_with_the_envelope(world: Any) -> None:
    response = APIClient().get(V + "regions/")

    data = response.json()
    assert response.status_code == 200
    assert (data["count"], data["next"], data["previous"]) == (5, None, None)
    assert [r["code"] for r in data["results"]] == ["C", "T1", "T2", "V1", "V2"]
    assert data["results"][3] == {
        "code": "V1",
        "name": world.village_a.name_en,
        "name_zh": "甲村",
        "name_en": world.village_a.name_en,
        "level": "village",
        "kind": "rural",
        "parent": "T1",
        "population": 1000,
        "latitude": 30.01,
        "longitude": 110.01,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"level": "township"}, ["T1", "T2"]),
        ({"parent": "T2"}, ["V2"]),
        ({"parent": "nowhere"}, []),
        ({"level": "village", "ordering": "-code"}, ["V2", "V1"]),
        ({"kind": "urban"}, []),
    ],
)
def test_regions_filter_and_order(world: Any, query: dict[str, str], expected: list[str]) -> None:
    assert codes(APIClient().get(V + "regions/", query)) == expected


def test_regions_page_through(world: Any) -> None:
    client = APIClient()

    first = client.get(V + "regions/", {"page_size": 2}).json()
    last = client.get(V + "regions/", {"page_size": 2, "page": 3}).json()

    assert [r["code"] for r in first["results"]] == ["C", "T1"]
    assert first["next"] == "http://testserver/api/v1/regions/?page=2&page_size=2"
    assert first["previous"] is None
    assert [r["code"] for r in last["results"]] == ["V2"]
    assert (last["next"], last["previous"]) == (
        None,
        "http://testserver/api/v1/regions/?page=2&page_size=2",
    )


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"level": "city"}, "level", "invalid_choice"),
        ({"ordering": "secret"}, "ordering", "invalid_ordering"),
        ({"ordering": "-code,population,latitude"}, "ordering", "invalid_ordering"),
        ({"parent": "x\x00"}, "parent", "invalid"),
    ],
)
def test_bad_region_query_is_a_400_naming_the_parameter(
    world: Any, query: dict[str, str], field: str, code: str
) -> None:
    response = APIClient().get(V + "regions/", query)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)


def test_unknown_ordering_names_the_allowed_fields(world: Any) -> None:
    response = APIClient().get(V + "regions/", {"ordering": "secret"})

    assert response.json()["errors"][0]["message"] == (
        "Order by one of: code, name_zh, population (prefix - for descending)."
    )


def test_a_page_size_over_200_is_refused_not_capped(world: Any) -> None:
    response = APIClient().get(V + "regions/", {"page_size": 5000}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "invalid", "field": "page_size", "message": "A whole number from 1 to 200."}
    ]
    assert APIClient().get(V + "regions/", {"page_size": 200}).json()["count"] == 5


def test_region_detail_by_code_and_unknown_is_404(world: Any) -> None:
    client = APIClient()

    found = client.get(V + "regions/T2/")
    missing = client.get(V + "regions/T9/")

    assert (found.status_code, found.json()["parent"], found.json()["level"]) == (
        200,
        "C",
        "township",
    )
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "not_found"


# --- areas, categories, urgency classes -------------------------------------------------------


def test_areas_are_the_standards_nine_in_position_order(world: Any) -> None:
    data = APIClient().get(V + "areas/", {"page_size": 200}).json()

    assert data["count"] == ServiceArea.objects.count() == 9
    assert [a["code"] for a in data["results"]] == list(
        ServiceArea.objects.order_by("position").values_list("code", flat=True)
    )
    assert data["results"][0] == {
        "code": "childcare",
        "name": "Care for young children",
        "name_zh": "幼有所育",
        "name_en": "Care for young children",
        "national": True,
        "position": 1,
    }


def test_categories_filter_by_area(world: Any) -> None:
    response = APIClient().get(V + "categories/", {"area": "childcare"})

    assert codes(response) == ["prenatal", "child-health", "child-care"]
    assert response.json()["results"][0]["area"] == "childcare"


def test_urgency_classes_give_limits_in_seconds(world: Any) -> None:
    data = APIClient().get(V + "urgency-classes/").json()

    assert [u["code"] for u in data["results"]] == ["emergency", "utilities", "general", "complex"]
    assert data["results"][2] == {
        "code": "general",
        "name": "General",
        "name_zh": "一般",
        "name_en": "General",
        "review_limit_seconds": 86400,
        "accept_limit_seconds": 86400,
        "resolve_limit_seconds": 7 * 86400,
        "position": 3,
    }


# --- services ---------------------------------------------------------------------------------


@pytest.fixture
def menu(world: Any) -> dict[str, Any]:
    health = Category.objects.get(code="child-health")
    return {
        "checkup": ServiceFactory(
            code="child-checkup", name_zh="儿童体检", category=health, regions=[world.town_b]
        ),
        "draft": ServiceFactory(
            code="draft-service", name_zh="草稿服务", published=False, regions=[world.county]
        ),
    }


def test_public_sees_published_services_only(world: Any, menu: dict[str, Any]) -> None:
    assert codes(APIClient().get(V + "services/")) == ["child-checkup", "meal-delivery"]


def test_dispatch_staff_also_see_unpublished_services(world: Any, menu: dict[str, Any]) -> None:
    client = token_client(world.dispatcher_a)

    assert sorted(codes(client.get(V + "services/"))) == [
        "child-checkup",
        "draft-service",
        "meal-delivery",
    ]
    assert codes(client.get(V + "services/", {"published": "false"})) == ["draft-service"]


def test_a_resident_sees_published_only_even_asking_for_drafts(
    world: Any, menu: dict[str, Any]
) -> None:
    response = token_client(world.resident).get(V + "services/", {"published": "false"})

    assert codes(response) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"area": "childcare"}, ["child-checkup"]),
        ({"category": "elderly-care"}, ["meal-delivery"]),
        ({"region": "V2"}, ["child-checkup", "meal-delivery"]),  # its township, the county
        ({"region": "V1"}, ["meal-delivery"]),
        ({"region": "T9"}, []),
        ({"q": "体检"}, ["child-checkup"]),
        ({"q": "  "}, ["child-checkup", "meal-delivery"]),
        ({"ordering": "-code"}, ["meal-delivery", "child-checkup"]),
    ],
)
def test_services_filter(
    world: Any, menu: dict[str, Any], query: dict[str, str], expected: list[str]
) -> None:
    assert codes(APIClient().get(V + "services/", query)) == expected


def test_bad_published_flag_is_a_400(world: Any) -> None:
    response = APIClient().get(V + "services/", {"published": "maybe"})

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"code": "invalid", "field": "published", "message": "Give true or false."}]
    }


NO_BOUNDS = {
    "minimum": None,
    "maximum": None,
    "whole_number": False,
    "earliest_days": None,
    "latest_days": None,
}


def test_service_detail_has_questions_and_places(
    world: Any, menu: dict[str, Any], questions: list[ServiceAttribute]
) -> None:
    response = APIClient().get(V + "services/meal-delivery/")

    assert response.status_code == 200
    data = response.json()
    assert data["attributes"] == [
        {
            "code": "mobility",
            "label": "Mobility",
            "datatype": "singlevaluelist",
            "required": True,
            "position": 1,
            "choices": [
                {"key": "unaided", "name": "Walks unaided"},
                {"key": "aided", "name": "Needs a hand"},
            ],
            **NO_BOUNDS,
        },
        {
            "code": "people",
            "label": "How many people",
            "datatype": "number",
            "required": True,
            "position": 2,
            "choices": [],
            **NO_BOUNDS,
        },
        {
            "code": "when",
            "label": "When",
            "datatype": "datetime",
            "required": False,
            "position": 3,
            "choices": [],
            **NO_BOUNDS,
        },
        {
            "code": "landmark",
            "label": "Nearby landmark",
            "datatype": "string",
            "required": False,
            "position": 4,
            "choices": [],
            **NO_BOUNDS,
        },
        {
            "code": "details",
            "label": "Details",
            "datatype": "text",
            "required": False,
            "position": 5,
            "choices": [],
            **NO_BOUNDS,
        },
        {
            "code": "extras",
            "label": "Extras",
            "datatype": "multivaluelist",
            "required": False,
            "position": 6,
            "choices": [
                {"key": "carry", "name": "Carrying upstairs"},
                {"key": "company", "name": "Company"},
                {"key": "tidy", "name": "Tidying up"},
            ],
            **NO_BOUNDS,
        },
    ]
    assert data["offered_in"] == ["C"]
    assert (data["area"], data["category"], data["urgency"], data["published"]) == (
        "elderly",
        "elderly-care",
        "general",
        True,
    )


def test_unpublished_service_detail_is_404_except_for_dispatch_staff(
    world: Any, menu: dict[str, Any]
) -> None:
    assert APIClient().get(V + "services/draft-service/").status_code == 404
    assert token_client(world.resident).get(V + "services/draft-service/").status_code == 404
    staff = token_client(world.county_admin).get(V + "services/draft-service/")
    assert (staff.status_code, staff.json()["published"]) == (200, False)


# --- providers --------------------------------------------------------------------------------


@pytest.fixture
def retired(world: Any) -> Provider:
    return ProviderFactory(
        name_zh="停用队",
        regions=[world.town_b],
        categories=world.provider.categories.all(),
        active=False,
    )


def test_public_provider_fields_hide_capacity_phone_and_base(world: Any, retired: Provider) -> None:
    response = APIClient().get(V + "providers/")

    data = response.json()
    assert [p["id"] for p in data["results"]] == [world.provider2.pk, world.provider.pk]
    assert data["results"][1] == {
        "id": world.provider.pk,
        "name": world.provider.name_en,
        "name_zh": "甲镇志愿队",
        "name_en": world.provider.name_en,
        "kind": "volunteer",
        "active": True,
        "regions": ["T1"],
        "categories": ["elderly-care"],
        "daily_capacity": None,
        "phone": None,
        "latitude": None,
        "longitude": None,
    }


def test_dispatch_staff_see_capacity_and_inactive_providers(world: Any, retired: Provider) -> None:
    client = token_client(world.dispatcher_b)

    data = client.get(V + "providers/", {"ordering": "name_zh"}).json()
    inactive = client.get(V + "providers/", {"active": "false"}).json()

    assert data["count"] == 3
    row = next(p for p in data["results"] if p["id"] == world.provider.pk)
    assert (row["daily_capacity"], row["latitude"], row["longitude"]) == (5, 30.0, 110.0)
    assert [p["id"] for p in inactive["results"]] == [retired.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "social"}, ["provider2"]),
        ({"region": "V1"}, ["provider2", "provider"]),  # the township's, and the county's
        ({"region": "V2"}, ["provider2"]),
        ({"category": "child-health"}, []),
        ({"category": "elderly-care", "kind": "volunteer"}, ["provider"]),
    ],
)
def test_providers_filter(world: Any, query: dict[str, str], expected: list[str]) -> None:
    response = APIClient().get(V + "providers/", query)

    assert codes(response, "id") == [getattr(world, name).pk for name in expected]


def test_provider_detail_and_inactive_one_is_public_404(world: Any, retired: Provider) -> None:
    assert APIClient().get(V + f"providers/{world.provider.pk}/").json()["regions"] == ["T1"]
    assert APIClient().get(V + f"providers/{retired.pk}/").status_code == 404
    assert token_client(world.dispatcher_a).get(V + f"providers/{retired.pk}/").status_code == 200
    assert APIClient().get(V + f"providers/{2**63}/").status_code == 404
