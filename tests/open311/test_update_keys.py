"""Who may post to ``servicerequestupdates``: a client application's key adds updates only to
the requests it created (or to none, by setting). Anything else is refused in the
specification's error format, and nothing is written."""

from __future__ import annotations

import pytest

from minsheng.open311.services import api_key_create
from minsheng.orders import services as s
from minsheng.orders.models import OrderEvent, Status
from tests.helpers import order_at, submit
from tests.open311.conftest import BASE, counts, create_request, errors_json, json_of


def update(client, raw_key, order_id, text="Please hurry, the old man is alone"):
    return client.post(
        f"{BASE}/servicerequestupdates.json",
        {"api_key": raw_key, "service_request_id": str(order_id), "description": text},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_key_adds_an_update_to_a_request_it_created(client, world, key):
    order = create_request(key[0]).order
    response = update(client, key[1], order.pk)
    assert response.status_code == 201
    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert json_of(response) == [{"update_id": str(event.pk)}]
    assert (event.action, event.note, event.audience) == (
        "comment",
        "Please hurry, the old man is alone",
        "public",
    )


def test_a_key_may_not_write_into_a_residents_web_order(client, world, key):
    order = submit(world)  # placed on the web by the resident: no key created it
    before = counts()
    response = update(client, key[1], order.pk)
    assert errors_json(response, 403) == [
        {
            "code": 403,
            "description": "service_request_id: this API key did not create request "
            f"{order.pk}: it may add updates only to its own requests",
        }
    ]
    assert counts() == before


def test_a_key_may_not_write_into_another_keys_request(client, world, key):
    _other, other_raw = api_key_create(name="Another app")
    order = create_request(key[0]).order
    before = counts()
    response = update(client, other_raw, order.pk)
    assert errors_json(response, 403)[0]["description"].startswith(
        "service_request_id: this API key did not create request"
    )
    assert counts() == before


def test_a_key_may_not_write_into_a_cancelled_request_of_its_own(client, world, key):
    order = create_request(key[0]).order
    s.order_cancel(order_id=order.pk, actor=world.dispatcher_a, reason="duplicate")
    before = counts()
    response = update(client, key[1], order.pk)
    assert errors_json(response, 409) == [
        {
            "code": 409,
            "description": "service_request_id: This order is Cancelled: "
            "it can no longer be updated.",
        }
    ]
    assert counts() == before


def test_updates_from_keys_can_be_turned_off(client, world, key, settings):
    settings.MINSHENG_OPEN311_KEY_UPDATES = False
    order = create_request(key[0]).order
    before = counts()
    response = update(client, key[1], order.pk)
    assert errors_json(response, 403) == [
        {
            "code": 403,
            "description": "service_request_id: this server does not take updates from "
            "client applications",
        }
    ]
    assert counts() == before


def test_a_refused_update_never_reaches_the_residents_page_or_the_api(client, world, key):
    order = order_at(world, Status.DISPATCHED)
    update(client, key[1], order.pk, text="Official: your case is closed")
    from tests.api.conftest import token_client
    from tests.web.conftest import logged_in

    page = logged_in(world.resident).get(f"/me/orders/{order.pk}/")
    assert "Official: your case is closed" not in page.content.decode()
    detail = token_client(world.dispatcher_a).get(f"/api/v1/orders/{order.pk}/").json()
    assert [e["action"] for e in detail["events"]] == ["submit", "approve", "dispatch"]


@pytest.mark.parametrize("raw_id", ["999999", "0"])
def test_an_update_to_no_request_is_404(client, world, key, raw_id):
    before = counts()
    response = update(client, key[1], raw_id)
    assert errors_json(response, 404)[0]["description"].startswith("service_request_id:")
    assert counts() == before
