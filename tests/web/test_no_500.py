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


# --- getting in by phone, following an order without an account -------------------------------

SIGN_IN_PAGES = ["/accounts/phone/", "/accounts/signup/", "/accounts/reset/", "/track/"]
SIGN_IN_GARBAGE = [
    {},
    {"action": "send"},
    {"action": "send", "phone": ["13800000001", "13900000001"]},
    {"action": "send", "phone": "1" * 5000},
    {"action": "send", "phone": "+86-(138)-０００"},
    {"action": "login", "phone": "13800000001", "code": "9" * 5000},
    {
        "action": "signup",
        "phone": "13900000001",
        "code": "１２３４５６",
        "name": "n" * 5000,
        "village": "'; drop table regions; --",
        "password": "p" * 5000,
        "password2": "",
    },
    {"action": "reset", "phone": "13800000001", "code": "000000", "password": "x"},
    {"number": "9" * 5000, "phone": "p" * 200},
    {"number": "20260101-" + "9" * 40, "phone": "13800000001"},
    {"number": "99999999-999999999999", "phone": "13800000001", "next": "//evil.example/"},
]


def test_garbage_on_the_sign_in_and_track_pages_never_gives_a_server_error(
    world, settings, tmp_path
):
    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "sms.jsonl")
    settings.MINSHENG_SMS_ECHO = False
    for client in (Client(), logged_in(world.resident)):
        for url in SIGN_IN_PAGES:
            response = client.get(url, {"next": "https://evil.example/"})
            assert response.status_code == 200, url
            for data in SIGN_IN_GARBAGE:
                response = client.post(url, data)
                assert response.status_code < 500, ("POST", url, data, response.status_code)
