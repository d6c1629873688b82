"""Rating by the signed link, without logging in: good, altered, expired and used links."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from minsheng.orders.models import Order, OrderEvent, Rating, Status
from minsheng.orders.rating_links import rating_path, token_for
from tests.helpers import order_at
from tests.orders.conftest import snapshot

ANSWERS = {"contacted": "yes", "solved": "yes", "satisfaction": "satisfied", "comment": "很好"}


def client() -> Client:
    c = Client()
    c.cookies["django_language"] = "en"
    return c


@pytest.mark.django_db
def test_good_link_shows_the_order_and_rates_it(world):
    order = order_at(world, Status.DELIVERED)
    path = rating_path(order_id=order.pk, round=order.round)
    page = client().get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html
    with translation.override("en"):
        assert f"<h1>{order.title} " in html
    assert 'name="satisfaction"' in html
    # Nothing of the order but its number and title: not the resident's words or address.
    assert order.description == "" or order.description not in html

    done = client().post(path, ANSWERS)
    assert done.status_code == 200
    assert "Thank you: your rating has been recorded." in done.content.decode()
    rating = Rating.objects.get(order=order)
    assert (rating.via, rating.rated_by, rating.solved, rating.satisfaction, rating.comment) == (
        "resident",
        None,
        True,
        "satisfied",
        "很好",
    )
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    last = OrderEvent.objects.filter(order=order).last()
    assert (last.action, last.actor_id) == ("rate", None)


@pytest.mark.django_db
def test_not_solved_through_the_link_reopens_the_order(world):
    order = order_at(world, Status.DELIVERED)
    path = rating_path(order_id=order.pk, round=order.round)
    response = client().post(path, {**ANSWERS, "solved": "no", "satisfaction": "dissatisfied"})
    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.round) == (Status.REOPENED, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_altered_link_is_refused_and_nothing_written(world, method):
    order = order_at(world, Status.DELIVERED)
    token = token_for(order_id=order.pk, round=order.round)
    forged = token_for(order_id=order.pk + 1, round=0).split(":")[0] + ":" + token.split(":", 1)[1]
    before = snapshot(order)
    response = getattr(client(), method)(f"/r/{forged}/", ANSWERS)
    assert response.status_code == 400
    assert (
        "This rating link is not valid: it may have been altered or copied incompletely."
        in response.content.decode()
    )
    assert 'name="satisfaction"' not in response.content.decode()
    assert snapshot(order) == before


@pytest.mark.django_db
def test_expired_link_is_refused(world, settings):
    order = order_at(world, Status.DELIVERED)
    settings.MINSHENG_RATING_LINK_DAYS = -1
    before = snapshot(order)
    response = client().post(rating_path(order_id=order.pk, round=order.round), ANSWERS)
    assert response.status_code == 400
    assert "This rating link has expired." in response.content.decode()
    assert snapshot(order) == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_used_link_is_refused_and_nothing_written(world, method):
    order = order_at(world, Status.DELIVERED)
    path = rating_path(order_id=order.pk, round=order.round)
    assert client().post(path, ANSWERS).status_code == 200
    order.refresh_from_db()
    before = snapshot(order)
    response = getattr(client(), method)(path, ANSWERS)
    assert response.status_code == 409
    assert (
        "This order has already been rated: thank you. The link cannot be used again."
        in response.content.decode()
    )
    assert snapshot(order) == before
    assert Order.objects.get(pk=order.pk).status == Status.CLOSED


@pytest.mark.django_db
def test_a_reopened_rounds_link_is_spent(world):
    order = order_at(world, Status.DELIVERED)
    path = rating_path(order_id=order.pk, round=0)
    client().post(path, {**ANSWERS, "solved": "no"})
    before = snapshot()
    response = client().get(path)
    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.django_db
def test_bad_answers_are_refused_with_the_field_named(world):
    order = order_at(world, Status.DELIVERED)
    before = snapshot(order)
    response = client().post(
        rating_path(order_id=order.pk, round=order.round), {"contacted": "yes"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say whether it was solved." in html
    assert "Choose how satisfied you are." in html
    assert snapshot(order) == before
