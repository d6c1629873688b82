"""The Content-Security-Policy header: our own origin only, no inline script or style; the
API docs page adds the one inline style drf-spectacular's page carries, by its hash."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy_of(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [d.strip().split() for d in header.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/ranking/", "/nope/", "/admin/login/", "/api/v1/regions/"]
)
def test_pages_and_api_answers_carry_the_policy(world: Any, url: str) -> None:
    response = Client().get(url)

    assert policy_of(response) == POLICY


def test_the_docs_page_adds_only_the_hash_of_its_inline_style(world: Any) -> None:
    response = Client().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert policy_of(response) == {**POLICY, "style-src": ["'self'", f"'sha256-{digest}'"]}
    # Swagger UI's start-up script is a file of its own, not inline.
    assert "<script>" not in html
    script = re.search(r'<script src="([^"]*script=[^"]*)"></script>', html)
    assert script is not None
    init = Client().get(script[1].replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()
