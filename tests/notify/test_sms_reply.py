"""A reply of 1/2/3 to the rating SMS rates the order; anything else is answered and
nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client

from minsheng.notify.models import Delivery
from minsheng.notify.sms import read_outbox
from minsheng.orders.models import Rating, Status
from tests.helpers import advance, submit
from tests.notify.conftest import RESIDENT_MOBILE
from tests.orders.conftest import snapshot

SECRET = "s3cret-from-the-provider"


@pytest.fixture
def inbound(settings):
    settings.MINSHENG_SMS_INBOUND_SECRET = SECRET

    def post(text, *, phone=RESIDENT_MOBILE, secret=SECRET, **extra):
        return Client().post(
            "/notify/sms/inbound/",
            {"phone": phone, "text": text, **extra},
            headers={"X-Minsheng-Secret": secret},
        )

    return post


@pytest.fixture
def delivered(phones, django_capture_on_commit_callbacks):
    """A delivered order whose rating SMS went to the resident's mobile."""
    with django_capture_on_commit_callbacks(execute=True):
        order = advance(phones, submit(phones), Status.DELIVERED)
    assert read_outbox()[-1]["template"] == "order_delivered"
    return order


def replies() -> list[str]:
    return [m["template"] for m in read_outbox() if m["template"].startswith("reply_")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "solved", "satisfaction", "status"),
    [
        ("1", True, "satisfied", Status.CLOSED),
        (" 2 ", True, "basic", Status.CLOSED),
        ("3", False, "dissatisfied", Status.REOPENED),
    ],
)
def test_reply_rates_the_order(
    delivered, inbound, django_capture_on_commit_callbacks, text, solved, satisfaction, status
):
    with django_capture_on_commit_callbacks(execute=True):
        response = inbound(text)
    assert response.status_code == 200
    assert response.json() == {"handled": True, "reply": "reply_rated"}
    rating = Rating.objects.get(order=delivered)
    assert (rating.via, rating.rated_by, rating.contacted, rating.solved) == (
        "resident",
        None,
        True,
        solved,
    )
    assert rating.satisfaction == satisfaction
    delivered.refresh_from_db()
    assert delivered.status == status
    [answer] = [m for m in read_outbox() if m["template"].startswith("reply_")]
    assert answer["phone"] == RESIDENT_MOBILE
    assert answer["text"] == f"【民生】谢谢！您对订单 {delivered.number} 的评价已记录。"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "满意", "4", "11", "1 2"])
def test_other_replies_are_refused_and_nothing_is_written(
    delivered, inbound, django_capture_on_commit_callbacks, text
):
    before = snapshot(delivered)
    with django_capture_on_commit_callbacks(execute=True):
        response = inbound(text)
    assert response.json() == {"handled": False, "reply": "reply_unknown"}
    assert snapshot(delivered) == before
    assert replies() == ["reply_unknown"]


@pytest.mark.django_db
def test_a_second_reply_finds_nothing_to_rate(
    delivered, inbound, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inbound("1", id="m1")
        before = snapshot(delivered)
        response = inbound("3", id="m2")
    assert response.json() == {"handled": False, "reply": "reply_nothing_to_rate"}
    assert snapshot(delivered) == before
    assert replies() == ["reply_rated", "reply_nothing_to_rate"]


@pytest.mark.django_db
def test_a_phone_that_was_sent_no_rating_sms_rates_nothing(
    delivered, inbound, django_capture_on_commit_callbacks
):
    before = snapshot(delivered)
    with django_capture_on_commit_callbacks(execute=True):
        response = inbound("1", phone="13900009999")
    assert response.json() == {"handled": False, "reply": "reply_nothing_to_rate"}
    assert snapshot(delivered) == before


@pytest.mark.django_db
def test_the_same_provider_message_is_answered_once(
    delivered, inbound, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inbound("x", id="m7")
        inbound("x", id="m7")
    assert replies() == ["reply_unknown"]


@pytest.mark.django_db
@pytest.mark.parametrize("secret", ["", "wrong"])
def test_wrong_secret_is_refused_and_nothing_written(delivered, inbound, secret):
    before = snapshot(delivered)
    deliveries = Delivery.objects.count()
    response = inbound("1", secret=secret)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_permitted"
    assert snapshot(delivered) == before
    assert Delivery.objects.count() == deliveries


@pytest.mark.django_db
def test_without_a_configured_secret_nothing_is_accepted(delivered, inbound, settings):
    settings.MINSHENG_SMS_INBOUND_SECRET = ""
    before = snapshot(delivered)
    assert inbound("1", secret="").status_code == 403
    assert snapshot(delivered) == before


@pytest.mark.django_db
def test_bad_phone_is_refused(delivered, inbound):
    before = snapshot(delivered)
    deliveries = Delivery.objects.count()
    response = inbound("1", phone="12345")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "not_phone"
    assert response.json()["errors"][0]["field"] == "phone"
    assert snapshot(delivered) == before
    assert Delivery.objects.count() == deliveries
    assert Rating.objects.count() == 0
