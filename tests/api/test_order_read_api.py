"""GET /api/v1/orders/ and /api/v1/orders/<id>/: the caller's visible orders only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.orders.models import Order
from tests.api.conftest import URL, token_client
from tests.helpers import MINUTE, T0, submit


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def orders(world) -> dict[str, Order]:
    return {
        "a1": submit(world, now=T0),
        "a2": submit(world, now=T0 + MINUTE),
        "b1": submit(world, region_code="V2", now=T0 + 2 * MINUTE),
    }


def test_resident_lists_only_their_own_orders_newest_first(world, orders):
    response = token_client(world.resident).get(URL)

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert (data["next"], data["previous"]) == (None, None)
    assert [o["id"] for o in data["results"]] == [orders["a2"].pk, orders["a1"].pk]
    assert data["results"][0]["number"] == orders["a2"].number
    assert data["results"][0]["service"] == "meal-delivery"
    assert data["results"][0]["region"] == "V1"


def test_township_dispatcher_lists_their_township_only(world, orders):
    response = token_client(world.dispatcher_b).get(URL)

    assert [o["id"] for o in response.json()["results"]] == [orders["b1"].pk]


def test_county_admin_lists_everything_paginated(world, orders):
    client = token_client(world.county_admin)

    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(URL, {"page_size": 2, "page": 2}).json()

    assert first["count"] == 3
    assert [o["id"] for o in first["results"]] == [orders["b1"].pk, orders["a2"].pk]
    assert first["next"].endswith("?page=2&page_size=2")
    assert [o["id"] for o in second["results"]] == [orders["a1"].pk]
    assert second["next"] is None


def test_page_beyond_the_end_is_404(world, orders):
    response = token_client(world.resident).get(URL, {"page": 9})

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_provider_staff_with_nothing_assigned_sees_an_empty_list(world, orders):
    response = token_client(world.provider_staff).get(URL)

    assert response.json()["count"] == 0


def test_anonymous_list_is_401(world, orders):
    response = APIClient().get(URL)

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_resident_reads_their_order(world, orders):
    order = orders["a1"]

    response = token_client(world.resident).get(f"{URL}{order.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == order.pk
    assert response.json()["status"] == "submitted"


@pytest.mark.parametrize("who", ["resident2", "dispatcher_b", "provider_staff"])
def test_order_outside_the_callers_scope_is_404(world, orders, who):
    response = token_client(getattr(world, who)).get(f"{URL}{orders['a1'].pk}/")

    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"code": "order_not_found", "field": None, "message": "No such order."}]
    }


@pytest.mark.parametrize("order_id", ["999999", "9" * 30])
def test_unknown_or_huge_id_is_404(world, orders, order_id):
    response = token_client(world.county_admin).get(f"{URL}{order_id}/")

    assert response.status_code == 404


def test_session_login_reads_the_list(world, orders):
    client = APIClient()
    assert client.login(username="resident", password="pass-word-123")

    response = client.get(URL)

    assert response.json()["count"] == 2


def test_delete_is_not_allowed(world, orders):
    response = token_client(world.resident).delete(f"{URL}{orders['a1'].pk}/")

    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"
    assert Order.objects.count() == 3


def test_inactive_users_token_is_refused(world, orders):
    client = token_client(world.resident)
    world.resident.is_active = False
    world.resident.save(update_fields=["is_active"])

    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_superuser_without_profile_reads_as_county_admin(world, orders):
    root = User.objects.create_superuser("root", password=None)

    response = token_client(root).get(URL)

    assert response.json()["count"] == 3


def test_token_request_loads_the_profile_with_the_token(world, orders):
    client = token_client(world.resident)

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{URL}{orders['a1'].pk}/")

    assert response.status_code == 200
    assert [q["sql"] for q in ctx.captured_queries if 'FROM "accounts_profile"' in q["sql"]] == []


def token_queries(client: APIClient, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if 'FROM "authtoken_token"' in q["sql"]]


def test_a_token_is_looked_up_once_per_process_while_fresh(world, orders):
    client = token_client(world.resident)

    assert len(token_queries(client, URL)) == 1
    assert token_queries(client, URL) == []


def test_token_cache_can_be_turned_off(world, orders, settings):
    settings.MINSHENG_REFERENCE_CACHE_SECONDS = 0
    client = token_client(world.resident)

    assert len(token_queries(client, URL)) == 1
    assert len(token_queries(client, URL)) == 1


def test_revoked_token_is_refused_at_once_in_this_process(world, orders):
    client = token_client(world.resident)
    assert client.get(URL).status_code == 200

    Token.objects.filter(user=world.resident).delete()

    assert client.get(URL).status_code == 401


def test_cached_user_is_copied_per_request(world, orders):
    client = token_client(world.resident)
    first = client.get(URL).wsgi_request
    second = client.get(URL).wsgi_request

    assert first.user is not second.user
    assert first.user.pk == second.user.pk == world.resident.pk
