"""API fixtures: an authenticated client per role, built on the shared ``world``."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

URL = "/api/v1/orders/"


def token_client(user: Any) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def resident_api(world: Any) -> APIClient:
    return token_client(world.resident)


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """The world's eight users with the default PBKDF2 cost take seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
