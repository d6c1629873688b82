"""Who may use the password pages and endpoints: one row per (path, method, who) with the
exact status, in the shape of the project's permission table."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ("resident", "grid_worker", "dispatcher", "provider_staff", "county_admin")
WHO = {
    "resident": "resident",
    "grid_worker": "grid_worker",
    "dispatcher": "dispatcher_a",
    "provider_staff": "provider_staff",
    "county_admin": "county_admin",
}
NEW = "a-new-pass-word-456"
PAGE_BODY = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
API_BODY = {"old_password": PASSWORD, "new_password": NEW}

# (path, method, body, who) → status. The page signs in with the session (anonymous: to the
# login page); the REST endpoint with a token, as apps do (anonymous: 401).
TABLE = [
    ("/accounts/password/", "get", None, "anonymous", 302),
    *[("/accounts/password/", "get", None, role, 200) for role in ROLES],
    ("/accounts/password/", "post", PAGE_BODY, "anonymous", 302),
    *[("/accounts/password/", "post", PAGE_BODY, role, 302) for role in ROLES],
    ("/api/v1/me/password/", "post", API_BODY, "anonymous", 401),
    *[("/api/v1/me/password/", "post", API_BODY, role, 204) for role in ROLES],
    ("/api/v1/me/password/", "get", None, "anonymous", 401),
    *[("/api/v1/me/password/", "get", None, role, 405) for role in ROLES],
]


@pytest.mark.parametrize(
    ("path", "method", "body", "who", "status"),
    TABLE,
    ids=[f"{m.upper()} {p} {w}" for p, m, _b, w, _s in TABLE],
)
def test_access(
    world: Any, path: str, method: str, body: dict[str, str] | None, who: str, status: int
) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    if who != "anonymous":
        user = getattr(world, WHO[who])
        if path.startswith("/api/"):
            key = Token.objects.create(user=user).key
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
        else:
            client.force_login(user)
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = (
            {"data": body, "content_type": "application/json"}
            if path.startswith("/api/")
            else {"data": body}
        )

    response = getattr(client, method)(path, **kwargs)

    assert response.status_code == status
    if who == "anonymous" and status == 302:
        assert response["Location"] == f"/accounts/login/?next={path}"
