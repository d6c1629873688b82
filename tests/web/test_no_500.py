"""No input gives a 500: garbage sent to every page and action, as every kind of user."""

from __future__ import annotations

from django.test import Client

from minsheng.orders.models import Status
from tests.helpers import order_at
from tests.web.conftest import logged_in

BAD_POSTS = [
    {},
    {
        "provider_id": "9" * 30,
        "reason": "x" * 5000,
        "note": "y" * 5000,
        "contacted": ["yes", "no"],
        "solved": "peut-être",
        "satisfaction": "z" * 100,
        "comment": "c" * 5000,
        "region": "C",
        "area": "'; drop table orders; --",
        "channel": "api",
        "attribute[mobility]": ["unaided", "aided"],
        "attribute[people]": "1e999",
        "attribute[nope]": "?",
        "attribute[": "x",
        "latitude": "1e400",
        "longitude": "-inf",
        "description": "d" * 5000,
        "address": "a" * 400,
        "contact_name": "n" * 200,
        "contact_phone": "p" * 200,
    },
]
BAD_QUERY = {"region": "V9", "area": "x" * 300, "q": "%_" * 80, "month": "0000-00", "page": "-1"}
PAGES = [
    "/",
    "/ranking/",
    "/need/",
    "/me/",
    "/services/home-repair/",
    "/services/home-repair/order/",
    "/staff/dispatch/",
    "/staff/escalations/",
    "/staff/provider/",
    "/staff/orders/",
]
STAFF_ACTIONS = ("approve", "reject", "dispatch", "cancel", "callback")
PROVIDER_ACTIONS = ("accept", "decline", "start", "deliver", "grab")


def actions_for(pk: int) -> list[str]:
    return [
        "/services/home-repair/order/",
        "/need/",
        f"/me/orders/{pk}/cancel/",
        f"/me/orders/{pk}/rate/",
        *(f"/staff/orders/{pk}/{a}/" for a in STAFF_ACTIONS),
        *(f"/staff/provider/orders/{pk}/{a}/" for a in PROVIDER_ACTIONS),
    ]


def test_garbage_never_gives_a_server_error(world, repair):
    orders = [
        order_at(world, Status.DISPATCHED, provider=world.provider2).pk,
        order_at(world, Status.DELIVERED, provider=world.provider2).pk,
        99999999,
    ]
    clients = {
        "anonymous": Client(),
        "resident": logged_in(world.resident),
        "dispatcher": logged_in(world.dispatcher_a),
        "provider": logged_in(world.provider2_staff),
    }
    for who, client in clients.items():
        for url in [*PAGES, *(f"/me/orders/{pk}/" for pk in orders), f"/staff/orders/{orders[0]}/"]:
            response = client.get(url, BAD_QUERY)
            assert response.status_code < 500, (who, "GET", url, response.status_code)
        pks = orders[:1] if who == "anonymous" else orders[:2]
        if who == "resident":
            pks = orders  # and an order that does not exist
        for pk in pks:
            for url in actions_for(pk):
                for data in BAD_POSTS[1:] if who == "anonymous" else BAD_POSTS:
                    response = client.post(url, data)
                    assert response.status_code < 500, (who, "POST", url, response.status_code)


def test_nul_characters_are_a_400(world, repair):
    client = logged_in(world.resident)
    assert client.get("/", {"region": "V1\x00"}).status_code == 400
    assert client.get("/ranking/", {"month": "\x00"}).status_code == 400
    response = client.post("/services/home-repair/order/", {"region": "V1", "description": "\x00"})
    assert response.status_code == 400
    assert "The request could not be understood." in response.content.decode()
