"""GET service_request_id from a token: service_requests/request{service_request_id, token}."""

from __future__ import annotations

import pytest

from tests.open311.conftest import (
    BASE,
    children,
    create_request,
    errors_json,
    errors_xml,
    json_of,
    text,
    xml_root,
)


def test_token_resolves_to_the_request_in_json(client, world, key):
    extra = create_request(key[0])
    response = client.get(f"{BASE}/tokens/{extra.token}.json")
    assert response.status_code == 200
    assert json_of(response) == [{"service_request_id": str(extra.order_id), "token": extra.token}]


def test_token_resolves_to_the_request_in_xml(client, world, key):
    extra = create_request(key[0])
    root = xml_root(client.get(f"{BASE}/tokens/{extra.token}.xml"))
    assert root.tag == "service_requests"
    assert children(root) == ["request"]
    assert children(root[0]) == ["service_request_id", "token"]
    assert text(root[0], "service_request_id") == str(extra.order_id)
    assert text(root[0], "token") == extra.token


def test_token_posted_through_the_api_resolves(client, world, raw_key):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": raw_key,
            "service_code": "meal-delivery",
            "address_id": "V1",
            "extensions": "true",
        },
    )
    created = json_of(response)[0]
    resolved = json_of(client.get(f"{BASE}/tokens/{created['token']}.json"))
    assert resolved == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]


@pytest.mark.parametrize("token", ["0" * 32, "nope", "x" * 65])
def test_unknown_token_is_404(client, world, token):
    shown = token if len(token) <= 40 else token[:40] + "…"
    expected = f"token: no such token '{shown}'"
    assert errors_json(client.get(f"{BASE}/tokens/{token}.json"), 404) == [
        {"code": 404, "description": expected}
    ]
    assert errors_xml(client.get(f"{BASE}/tokens/{token}.xml"), 404) == [(404, expected)]


def test_token_with_another_jurisdiction_is_404(client, world, key):
    extra = create_request(key[0])
    response = client.get(f"{BASE}/tokens/{extra.token}.json", {"jurisdiction_id": "x"})
    assert errors_json(response, 404) == [
        {
            "code": 404,
            "description": "jurisdiction_id: this server answers for minsheng.local, not 'x'",
        }
    ]
