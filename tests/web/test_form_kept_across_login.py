"""A form sent after the session expired is not lost: it is kept in the session, the
resident logs in, and the form comes back filled in (once), for them to check and send."""

from __future__ import annotations

from django.test import Client

from minsheng.accounts.decorators import KEPT_FORM, MAX_KEPT_FORM
from minsheng.orders.models import Order, OrderEvent

NEED = {
    "area": "elderly",
    "description": "Grab bars in the bathroom, please",
    "region": "V1",
    "address": "3 Group, No. 12",
}


def expired_client() -> Client:
    """A browser whose session has expired: anonymous, with its language cookie."""
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def log_in(client: Client, username: str, next_url: str):
    return client.post(
        f"/accounts/login/?next={next_url}",
        {"username": username, "password": "pass-word-123", "next": next_url},
    )


def test_a_need_sent_after_the_session_expired_comes_back_after_login(world):
    client = expired_client()
    response = client.post("/need/", NEED)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/need/"
    assert (Order.objects.count(), OrderEvent.objects.count()) == (0, 0)

    login = log_in(client, "resident", "/need/")
    assert (login.status_code, login["Location"]) == (302, "/need/")
    page = client.get("/need/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Welcome back. What you entered is still here: check it and send it." in body
    assert ">Grab bars in the bathroom, please</textarea>" in body
    assert '<option value="elderly" selected>' in body
    assert '<option value="V1" selected>' in body
    assert 'value="3 Group, No. 12"' in body
    # Nothing was placed on the resident's behalf; the kept form is given back once.
    assert Order.objects.count() == 0
    again = client.get("/need/").content.decode()
    assert "Grab bars in the bathroom, please" not in again

    placed = client.post("/need/", NEED)
    assert placed.status_code == 302
    assert Order.objects.get().description == "Grab bars in the bathroom, please"


def test_a_menu_order_keeps_its_answers_across_the_login(world, questions):
    client = expired_client()
    url = "/services/meal-delivery/order/"
    client.post(url, {"region": "V1", "attribute[people]": "2", "attribute[extras]": ["tidy"]})
    log_in(client, "resident", url)
    body = client.get(url).content.decode()
    assert 'name="attribute[people]" value="2"' in body
    assert 'name="attribute[extras]" value="tidy" checked' in body


def test_the_kept_form_is_only_for_its_own_page(world):
    client = expired_client()
    client.post("/need/", NEED)
    log_in(client, "resident", "/need/")
    body = client.get("/services/meal-delivery/order/").content.decode()
    assert "Grab bars" not in body
    assert KEPT_FORM in client.session  # still waiting for its page


def test_an_oversized_form_is_not_kept(world):
    client = expired_client()
    client.post("/need/", {**NEED, "description": "x" * (MAX_KEPT_FORM + 1)})
    assert KEPT_FORM not in client.session
