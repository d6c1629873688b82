"""An app signs in by phone: POST /api/v1/auth/code/ sends a code (throttled per number and
address), POST /api/v1/auth/phone-token/ exchanges it once for the resident's token. Every
refusal in the API's error shape, with its code and field, and nothing written."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from minsheng.accounts.models import PhoneCode
from tests.accounts.phone import (
    MOBILE,
    console_outbox,
    last_code,
    other_code,
    snapshot,
    with_mobile,
)

pytestmark = pytest.mark.django_db

CODE_URL = "/api/v1/auth/code/"
TOKEN_URL = "/api/v1/auth/phone-token/"


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    console_outbox(settings, tmp_path)
    settings.MINSHENG_LOGIN_ADDRESS_RATE = "1000/min"
    settings.MINSHENG_CLIENT_IP_HEADER = ""
    monkeypatch.setattr(
        SimpleRateThrottle, "cache_format", f"throttle:test:{uuid.uuid4().hex}:%(scope)s:%(ident)s"
    )


@pytest.fixture
def resident(world: Any) -> User:
    return with_mobile(world.resident)


@pytest.fixture
def post(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def call(url: str, body: dict[str, Any], address: str = "10.0.0.1") -> Any:
        client = APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, body, format="json")

    return call


def refused(
    post: Callable[..., Any],
    url: str,
    body: dict[str, Any],
    status: int,
    rows: list[tuple[str, str | None]],
) -> dict[str, Any]:
    before = snapshot()
    response = post(url, body)
    assert response.status_code == status, response.content
    assert [(r["code"], r["field"]) for r in response.json()["errors"]] == rows
    assert snapshot() == before
    return response.json()["errors"][0]


def test_a_code_then_the_token(resident, post):
    sent = post(CODE_URL, {"phone": "+86 138 0000 0001"})
    assert sent.status_code == 200
    assert sent.json() == {
        "sent_to": "138****0001",
        "purpose": "login",
        "expires_in": 300,
        "resend_after": 60,
    }
    response = post(TOKEN_URL, {"phone": MOBILE, "code": last_code(MOBILE)})
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=resident).key}
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.get("/api/v1/me/").json()["username"] == resident.username


def test_a_code_is_spent_once(resident, post):
    post(CODE_URL, {"phone": MOBILE})
    code = last_code(MOBILE)
    assert post(TOKEN_URL, {"phone": MOBILE, "code": code}).status_code == 200
    row = refused(post, TOKEN_URL, {"phone": MOBILE, "code": code}, 400, [("code_used", "code")])
    assert row["message"] == "This code has already been used. Ask for a new code."


def test_a_wrong_code_counts_a_try(resident, post):
    post(CODE_URL, {"phone": MOBILE})
    response = post(TOKEN_URL, {"phone": MOBILE, "code": other_code(last_code(MOBILE))})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "code_wrong",
            "field": "code",
            "message": "Wrong code. 4 more tries before this code stops working.",
        }
    ]
    assert PhoneCode.objects.get().failures == 1
    assert not Token.objects.exists()


def test_codes_asked_too_often_are_429(resident, post):
    post(CODE_URL, {"phone": MOBILE})
    refused(post, CODE_URL, {"phone": MOBILE}, 429, [("code_too_soon", "phone")])


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        ({"phone": "12345"}, [("not_phone", "phone")]),
        ({"phone": "0743-6100059"}, [("not_mobile", "phone")]),
        ({"phone": "13900000009"}, [("no_account", "phone")]),
        ({"phone": MOBILE, "purpose": "anything"}, [("invalid_choice", "purpose")]),
        ({"phone": MOBILE, "extra": 1}, [("unknown_field", "extra")]),
        ({}, [("required", "phone")]),
    ],
)
def test_bad_code_requests_are_refused(resident, post, body, rows):
    refused(post, CODE_URL, body, 400, rows)


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        ({"phone": MOBILE, "code": "12ab56"}, [("not_code", "code")]),
        ({"phone": MOBILE, "code": "123456"}, [("code_missing", "code")]),
        ({"phone": "13900000009", "code": "123456"}, [("no_account", "phone")]),
        ({"phone": "1380000", "code": "123456"}, [("not_phone", "phone")]),
    ],
)
def test_bad_token_requests_are_refused(resident, post, body, rows):
    refused(post, TOKEN_URL, body, 400, rows)


def test_the_endpoints_are_throttled_per_address_in_the_cache(resident, post, settings):
    settings.MINSHENG_LOGIN_ADDRESS_RATE = "2/min"
    for _try in range(2):
        post(TOKEN_URL, {"phone": MOBILE, "code": "123456"})
    response = post(TOKEN_URL, {"phone": MOBILE, "code": "123456"})
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "throttled"
    assert "Retry-After" in response
