"""POST /api/v1/auth/token/, GET /api/v1/me/, and the two ways of signing in."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from minsheng.orders import services as s
from minsheng.orders.models import Order, OrderEvent
from tests.api.conftest import token_client

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"
PASSWORD = "pass-word-123"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _own_throttle_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    """The login throttles count in this test's own cache keys (see tests/accounts)."""
    monkeypatch.setattr(
        SimpleRateThrottle, "cache_format", f"throttle:test:{uuid.uuid4().hex}:%(scope)s:%(ident)s"
    )


def test_right_password_gets_the_users_token_created_once(world: Any) -> None:
    client = APIClient()

    first = client.post(TOKEN_URL, {"username": "resident", "password": PASSWORD}, format="json")
    second = client.post(TOKEN_URL, {"username": "resident", "password": PASSWORD}, format="json")

    token = Token.objects.get()
    assert token.user == world.resident
    assert (first.status_code, first.json()) == (200, {"token": token.key})
    assert (second.status_code, second.json()) == (200, {"token": token.key})


def test_the_token_from_login_opens_the_api(world: Any) -> None:
    client = APIClient()
    key = client.post(
        TOKEN_URL, {"username": "disp_a", "password": PASSWORD}, format="json"
    ).json()["token"]

    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(ME_URL)

    assert response.status_code == 200
    assert response.json()["username"] == "disp_a"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"username": "resident", "password": "wrong"},
            [
                {
                    "code": "invalid_credentials",
                    "field": "password",
                    "message": "Wrong username or password.",
                }
            ],
        ),
        (
            {"username": "nobody", "password": PASSWORD},
            [
                {
                    "code": "invalid_credentials",
                    "field": "password",
                    "message": "Wrong username or password.",
                }
            ],
        ),
        (
            {"username": "resident"},
            [{"code": "required", "field": "password", "message": "This field is required."}],
        ),
        (
            {"username": "resident", "password": PASSWORD, "remember": True},
            [{"code": "unknown_field", "field": "remember", "message": "Unknown field."}],
        ),
        (
            ["resident", PASSWORD],
            [{"code": "not_object", "field": None, "message": "Give a JSON object."}],
        ),
    ],
)
def test_wrong_credentials_are_a_400_and_write_nothing(
    world: Any, body: Any, expected: list[dict[str, Any]]
) -> None:
    response = APIClient().post(TOKEN_URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"errors": expected}
    assert Token.objects.count() == 0


def test_an_inactive_user_gets_no_token(world: Any) -> None:
    world.resident.is_active = False
    world.resident.save(update_fields=["is_active"])

    response = APIClient().post(
        TOKEN_URL, {"username": "resident", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_credentials"
    assert Token.objects.count() == 0


def test_a_stale_token_header_does_not_block_logging_in(world: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = client.post(TOKEN_URL, {"username": "resident", "password": PASSWORD}, format="json")

    assert response.status_code == 200


def test_me_names_the_dispatchers_role_and_region(world: Any) -> None:
    response = token_client(world.dispatcher_a).get(ME_URL)

    assert response.status_code == 200
    assert response.json() == {
        "id": world.dispatcher_a.pk,
        "username": "disp_a",
        "display_name": "disp_a",
        "role": "dispatcher",
        "region": {
            "code": "T1",
            "name": world.town_a.name_en,  # English asked for, and given
            "name_zh": "甲镇",
            "name_en": world.town_a.name_en,
            "level": "township",
            "kind": "rural",
            "parent": "C",
            "population": 1000,
            "latitude": 30.0,
            "longitude": 110.0,
        },
        "provider_ids": [],
    }


def test_me_lists_the_provider_staffs_teams(world: Any) -> None:
    data = token_client(world.provider_staff).get(ME_URL).json()

    assert (data["role"], data["region"], data["provider_ids"]) == (
        "provider_staff",
        None,
        [world.provider.pk],
    )


def test_me_without_credentials_is_401(world: Any) -> None:
    response = APIClient().get(ME_URL)

    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {
                "code": "not_authenticated",
                "field": None,
                "message": "Authentication credentials were not provided.",
            }
        ]
    }


def test_an_unknown_token_is_401(world: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "f" * 40)

    response = client.get(ME_URL)

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_session_reads_work_and_session_writes_need_csrf(world: Any) -> None:
    order = s.order_submit(
        actor=world.resident, data=s.OrderInput(region_code="V1", service_code="meal-delivery")
    )
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.resident)

    read = client.get(f"/api/v1/orders/{order.pk}/")
    write = client.post(f"/api/v1/orders/{order.pk}/cancel/", {}, format="json")

    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["errors"][0]["code"] == "permission_denied"
    assert write.json()["errors"][0]["message"].startswith("CSRF Failed")
    order.refresh_from_db()
    assert order.status == "submitted"
    assert OrderEvent.objects.filter(order=order).count() == 1
    assert Order.objects.count() == 1


def test_unknown_api_path_is_a_json_404(world: Any) -> None:
    response = APIClient().post("/api/v1/orders/-1/approve/")

    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"code": "not_found", "field": None, "message": "Not found."}]
    }
