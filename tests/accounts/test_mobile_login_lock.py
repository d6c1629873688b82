"""A resident's mobile in place of the username: one name to the login lock however it is
written, on the login page and the REST token endpoint (three failures lock, see conftest)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from tests.accounts.conftest import PASSWORD
from tests.accounts.phone import with_mobile

pytestmark = pytest.mark.django_db

MOBILE = "13800000001"
WRITINGS = ["138 0000 0001", "+86 13800000001", "138-0000-0001"]


@pytest.fixture
def resident(world: Any) -> User:
    return with_mobile(world.resident)


def test_the_page_counts_every_writing_of_a_mobile_as_one_account(resident):
    for i, written in enumerate(WRITINGS):  # each from its own address: the account's lock
        client = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")
        response = client.post("/accounts/login/", {"username": written, "password": "wrong-1"})
        # The third failure, counted with the two before it, locks the account.
        assert response.status_code == (429 if i == 2 else 200)
    right = Client(REMOTE_ADDR="10.0.0.9")
    response = right.post("/accounts/login/", {"username": MOBILE, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in right.session


def test_the_token_endpoint_counts_every_writing_of_a_mobile_as_one_account(resident):
    for i, written in enumerate(WRITINGS):
        client = APIClient(REMOTE_ADDR=f"10.0.1.{i + 1}")
        body = {"username": written, "password": "wrong-1"}
        response = client.post("/api/v1/auth/token/", body, format="json")
        assert response.status_code == (429 if i == 2 else 400)
    right = APIClient(REMOTE_ADDR="10.0.1.9")
    body = {"username": MOBILE, "password": PASSWORD}
    response = right.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "locked_out"


def test_a_mobile_written_anyhow_logs_in(resident):
    client = APIClient(REMOTE_ADDR="10.0.2.1")
    body = {"username": "+86 138-0000-0001", "password": PASSWORD}
    assert client.post("/api/v1/auth/token/", body, format="json").status_code == 200
