"""Every order carries whom to call: the contact phone is read as a mainland mobile or
landline and stored in its normal form, from whatever the resident, staff or a client
application wrote; a resident ordering for herself gets her profile's name and phone unless
she gives others. A number that is not one is refused naming the field, on every interface,
and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.accounts.models import Profile, Role
from minsheng.orders.models import Channel, ContactView, Order
from tests.factories import UserFactory
from tests.helpers import submit
from tests.orders.conftest import refused, snapshot

pytestmark = pytest.mark.django_db

NOT_PHONE = (
    "Enter a mainland mobile number (11 digits starting with 13-19) or a landline with its "
    "area code, such as 0743-6100059."
)


def set_profile(user: Any, *, name: str, phone: str) -> None:
    Profile.objects.filter(user=user).update(display_name=name, phone=phone)
    user.__dict__.pop("_minsheng_profile", None)  # the profile cached on the user object


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("138 0013 8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("0743-6100059", "0743-6100059"),
        ("(010) 1234 5678", "010-12345678"),
    ],
)
def test_a_phone_is_stored_in_its_normal_form(world, written, stored):
    order = submit(
        world,
        actor=world.grid_worker,
        channel=Channel.VISIT,
        contact_name="李",
        contact_phone=written,
    )
    assert Order.objects.get(pk=order.pk).contact_phone == stored


def test_a_resident_ordering_for_herself_gets_her_profiles_name_and_phone(world):
    set_profile(world.resident, name="王秀英", phone="138-0013-8000")
    order = submit(world)
    assert (order.contact_name, order.contact_phone) == ("王秀英", "13800138000")


def test_a_resident_may_give_another_name_and_phone(world):
    set_profile(world.resident, name="王秀英", phone="13800138000")
    order = submit(world, contact_name="王大爷", contact_phone="0743 6100059")
    assert (order.contact_name, order.contact_phone) == ("王大爷", "0743-6100059")


def test_a_profile_phone_that_is_no_number_is_not_copied_onto_the_order(world):
    set_profile(world.resident, name="王秀英", phone="call my son")
    order = submit(world)
    assert (order.contact_name, order.contact_phone) == ("王秀英", "")


def test_staff_naming_a_residents_account_get_her_profiles_contact(world):
    from minsheng.orders import services as s

    set_profile(world.resident, name="王秀英", phone="13800138000")
    order = s.order_submit(
        actor=world.grid_worker,
        data=s.OrderInput(region_code="V1", service_code="meal-delivery", channel="visit"),
        resident=world.resident,
    )
    assert (order.contact_name, order.contact_phone) == ("王秀英", "13800138000")


@pytest.mark.parametrize("actor", ["resident", "grid_worker"])
@pytest.mark.parametrize("phone", ["12345", "1380013800", "23800138000", "138001380001", "电话"])
def test_a_phone_that_is_no_number_is_refused_and_nothing_written(world, actor, phone):
    fields: dict[str, Any] = {"contact_name": "李", "contact_phone": phone}
    if actor == "grid_worker":
        fields["channel"] = Channel.VISIT
    refused(
        lambda: submit(world, actor=getattr(world, actor), **fields),
        errors=[("not_phone", "contact_phone")],
    )


def test_the_web_form_refuses_a_bad_phone_next_to_its_field(world):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.resident)
    before = snapshot()
    response = client.post(
        "/services/meal-delivery/order/",
        {"region": "V1", "contact_name": "王", "contact_phone": "12345"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert NOT_PHONE in html
    assert 'href="#f-contact_phone"' in html
    assert snapshot() == before


def test_the_resident_form_starts_from_her_profiles_contact(world):
    set_profile(world.resident, name="王秀英", phone="13800138000")
    client = Client()
    client.force_login(world.resident)
    html = client.get("/services/meal-delivery/order/").content.decode()
    assert 'value="13800138000"' in html
    assert 'value="王秀英"' in html


def test_the_rest_api_refuses_a_bad_phone_naming_the_field(world):
    client = APIClient()
    token = Token.objects.create(user=world.resident)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    before = snapshot()
    response = client.post(
        "/api/v1/orders/",
        {"service": "meal-delivery", "region": "V1", "contact_phone": "12345"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"code": "not_phone", "field": "contact_phone", "message": NOT_PHONE}]
    }
    assert snapshot() == before
    assert ContactView.objects.count() == 0


def test_the_admin_refuses_a_profile_phone_that_is_no_number_and_stores_a_good_one(world):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    user = UserFactory(username="newresident")
    before = Profile.objects.count()
    body = {"user": user.pk, "role": Role.RESIDENT, "region": "", "display_name": "王"}
    response = client.post(
        "/admin/accounts/profile/add/", {**body, "phone": "12345"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [(field, e[0].code) for field, e in errors.items()] == [("phone", "not_phone")]
    assert Profile.objects.count() == before

    response = client.post(
        "/admin/accounts/profile/add/",
        {**body, "phone": "+86 138 0013 8000"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=user).phone == "13800138000"
