"""The notification pages and endpoints: no input gives a 500, and every page passes the
structural accessibility checks of tests/web/test_accessibility.py."""

from __future__ import annotations

import pytest
from django.test import Client

from minsheng.orders.models import Status
from minsheng.orders.rating_links import rating_path
from tests.helpers import order_at
from tests.web.conftest import logged_in
from tests.web.test_accessibility import check
from tests.web.test_no_500 import BAD_POSTS

GARBAGE = [
    *BAD_POSTS,
    {"sms": ["yes", "no"], "email": "\u202e", "quiet_start": "１２:００", "quiet_end": "-1:00"},
    {"quiet_start": "1:2:3", "quiet_end": "99:99", "phone": "+8613812345678", "text": "1" * 5000},
    {"phone": ["13812345678", "x"], "text": ["1", "2"], "id": "i" * 500},
]


@pytest.mark.django_db
def test_garbage_never_gives_a_server_error(phones, settings):
    settings.MINSHENG_SMS_INBOUND_SECRET = "s"
    delivered = order_at(phones, Status.DELIVERED)
    link = rating_path(order_id=delivered.pk, round=0)
    clients = {"anonymous": Client(), "resident": logged_in(phones.resident)}
    for who, client in clients.items():
        for url in ("/me/inbox/", "/me/notifications/", link, "/r/x/", "/r/a:b:c/"):
            response = client.get(url, {"page": "-1", "x": "%_" * 50})
            assert response.status_code < 500, (who, url)
        for url in (
            "/me/notifications/",
            "/me/inbox/read-all/",
            "/me/inbox/99999999/read/",
            "/me/inbox/99999999/open/",
            "/r/garbage/",
            "/notify/sms/inbound/",
        ):
            for data in GARBAGE:
                response = client.post(url, data, headers={"X-Minsheng-Secret": "s"})
                assert response.status_code < 500, (who, url, data)
    # The unicode digits are refused, not read as 12:00.
    response = clients["resident"].post("/me/notifications/", GARBAGE[-3])
    assert response.status_code == 400


@pytest.mark.django_db
def test_pages_pass_the_structural_checks(phones, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivered = order_at(phones, Status.DELIVERED)
    client = logged_in(phones.resident)
    for url in ("/me/inbox/", "/me/notifications/"):
        check(client.get(url).content.decode(), url)
    check(
        client.post("/me/notifications/", {"quiet_start": "x", "email": "yes"}).content.decode(),
        "preferences refused",
    )
    link = rating_path(order_id=delivered.pk, round=0)
    anonymous = Client()
    check(anonymous.get(link).content.decode(), "rating link")
    check(anonymous.post(link, {"contacted": "maybe"}).content.decode(), "rating link refused")
    check(anonymous.get("/r/x/").content.decode(), "altered rating link")
