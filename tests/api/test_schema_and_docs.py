"""/api/schema/ (OpenAPI 3, valid, no generator warnings) and /api/docs/ (works offline)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_schema_validates_with_no_warnings(tmp_path: Any) -> None:
    out = tmp_path / "schema.yaml"

    # --fail-on-warn: any warning (an un-inferable field, a clashing enum) fails the command.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    text = out.read_text()
    assert text.startswith("openapi: 3.0.3")
    assert "/api/v1/orders/{order_id}/dispatch/:" in text


def test_schema_endpoint_serves_json_with_every_operation() -> None:
    response = Client().get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    schema = response.json()
    operations = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }
    actions = [
        "approve",
        "reject",
        "dispatch",
        "redispatch",
        "decline",
        "accept",
        "grab",
        "start",
        "deliver",
        "cancel",
        "rate",
        "callback",
        "comment",
        # a dispatcher's day (issue 8)
        "approve-dispatch",
        "reassign",
        "urge",
        "note",
        "escalate-county",
        "merge",
    ]
    assert operations == {
        ("POST", "/api/v1/auth/token/"),
        ("POST", "/api/v1/auth/code/"),
        ("POST", "/api/v1/auth/phone-token/"),
        ("GET", "/api/v1/me/"),
        ("POST", "/api/v1/me/password/"),
        ("GET", "/api/v1/regions/"),
        # the monthly topic (issue 9)
        ("GET", "/api/v1/topics/"),
        ("GET", "/api/v1/topics/{topic_id}/"),
        ("GET", "/api/v1/regions/{code}/"),
        ("GET", "/api/v1/regions/boundaries.geojson"),
        ("GET", "/api/v1/regions/locate/"),
        ("GET", "/api/v1/areas/"),
        ("GET", "/api/v1/categories/"),
        ("GET", "/api/v1/urgency-classes/"),
        ("GET", "/api/v1/services/"),
        ("GET", "/api/v1/services/{code}/"),
        ("GET", "/api/v1/providers/"),
        ("GET", "/api/v1/providers/{provider_id}/"),
        ("GET", "/api/v1/orders/"),
        ("POST", "/api/v1/orders/"),
        ("GET", "/api/v1/orders/{order_id}/"),
        ("GET", "/api/v1/orders/{order_id}/candidates/"),
        ("GET", "/api/v1/ratings/"),
        ("POST", "/api/v1/ratings/{rating_id}/validity/"),  # issue 8
        *{("POST", f"/api/v1/orders/{{order_id}}/{a}/") for a in actions},
        ("POST", "/api/v1/orders/{order_id}/photos/"),
        ("GET", "/api/v1/orders/{order_id}/photos/{photo_id}/"),
        ("GET", "/api/v1/orders/{order_id}/photos/{photo_id}/thumb/"),
        # issue 9, demand analysis
        ("GET", "/api/v1/demand/"),
        ("GET", "/api/v1/demand/villages.geojson"),
        ("POST", "/api/v1/demand/estimate/"),
        # issue 9: suggestions
        ("GET", "/api/v1/suggestions/"),
        ("POST", "/api/v1/suggestions/"),
        ("GET", "/api/v1/suggestions/{suggestion_id}/"),
        *{
            ("POST", f"/api/v1/suggestions/{{suggestion_id}}/{a}/")
            for a in ("support", "flag", "reply")
        },
        # surveys (issue 9)
        ("GET", "/api/v1/surveys/"),
        ("GET", "/api/v1/surveys/{survey_id}/"),
        ("POST", "/api/v1/surveys/{survey_id}/responses/"),
        ("GET", "/api/v1/surveys/{survey_id}/results/"),
        # issue 10, facilities: the register
        ("GET", "/api/v1/facilities/"),
        ("GET", "/api/v1/facilities/{facility_id}/"),
        ("GET", "/api/v1/facilities.geojson"),
        # issue 10, medicines
        ("GET", "/api/v1/medicines/"),
        ("GET", "/api/v1/facilities/{facility_id}/medicines/"),
        # issue 10: equipment
        ("GET", "/api/v1/facilities/{facility_id}/equipment/"),
        ("GET", "/api/v1/equipment/priority/"),
        ("GET", "/api/v1/idle-flags/"),  # issue 10, idle part
        # issue 10: use (devices post counts), collections, activities, maintenance
        ("POST", "/api/v1/facility-counts/"),
        ("GET", "/api/v1/facilities/{facility_id}/use/"),
        ("GET", "/api/v1/facilities/{facility_id}/collection/"),
        ("GET", "/api/v1/facilities/{facility_id}/collection/titles/"),
        ("GET", "/api/v1/activities/"),
        ("GET", "/api/v1/activities/{activity_id}/"),
        ("POST", "/api/v1/activities/{activity_id}/signup/"),
        ("GET", "/api/v1/work-orders/"),
        ("GET", "/api/v1/maintenance/projection/"),
    }
    # Every refusal is documented in the one error shape.
    dispatch = schema["paths"]["/api/v1/orders/{order_id}/dispatch/"]["post"]
    assert sorted(dispatch["responses"]) == ["200", "400", "401", "403", "404", "409", "413"]
    assert dispatch["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Errors"
    }
    assert dispatch["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DispatchBodyRequest"
    }
    listing = schema["paths"]["/api/v1/orders/"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedOrderList"
    }
    params = {p["name"]: p["schema"] for p in listing["parameters"]}
    assert params["overdue"] == {"type": "boolean"}
    assert params["provider"] == {"type": "integer", "format": "int64"}
    assert params["created_after"]["format"] == "date-time"
    assert params["status"]["type"] == "array"


ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"')


def test_docs_load_only_local_assets_that_are_served() -> None:
    client = Client()
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = ASSET.findall(html)
    assert assets, html
    start_up = ""  # the page's own start-up script, a file of its own (no inline script)
    for url in assets:
        # No CDN: the page works offline.
        assert url.startswith(("/static/", "/api/docs/?script")), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert len(body) > 100, url
        if url.startswith("/api/docs/"):
            start_up = body.decode()
    assert "/api/schema/" in start_up
    assert any("swagger-ui-bundle.js" in url for url in assets)
    assert any("swagger-ui.css" in url for url in assets)
    # Swagger UI's default validator badge would be fetched from validator.swagger.io.
    assert '"validatorUrl": null' in start_up


def test_schema_never_lists_the_catch_all(settings: Any) -> None:
    schema = Client().get("/api/schema/", {"format": "json"}).json()

    assert not [p for p in schema["paths"] if not p.startswith("/api/v1/")]
