"""Reaching the resident: who reads the contact in full (a ``tel:`` link) and who masked,
on the staff page, the provider console, the order page and the REST API; and the log that
records every showing in full, exactly when it happens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.catalog.models import Provider
from minsheng.orders import policy
from minsheng.orders import services as s
from minsheng.orders.models import ContactView, Order, Status
from tests.helpers import MINUTE, T0, advance, submit

pytestmark = pytest.mark.django_db

NAME, PHONE, TEL = "王秀英", "13800138000", "tel:+8613800138000"
MASKED_NAME, MASKED_PHONE = "王**", "138****8000"
FULL, MASKED, NONE = "full", "masked", "none"

# Who reads the contact of the resident's order in V1 (township T1), accepted by the
# township team after the county centre had it (re-dispatched away from it).
TABLE = {
    "dispatcher_a": FULL,  # dispatcher of the order's township
    "dispatcher_b": NONE,  # dispatcher of the other township: does not see the order
    "county_admin": FULL,
    "grid_worker": FULL,  # grid worker of V1: records callbacks there
    "provider_staff": FULL,  # the team the order is assigned to
    "provider2_staff": MASKED,  # the team that handed it on
    "resident": MASKED,  # the resident herself
    "resident2": NONE,
    "anonymous": NONE,
}


def user_of(world: Any, who: str) -> Any:
    return AnonymousUser() if who == "anonymous" else getattr(world, who)


def api_client(user: Any) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def web_client(user: Any) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user.is_authenticated:
        client.force_login(user)
    return client


def handed_on_order(world: Any) -> Order:
    """The resident's order with her own contact (written as people write numbers),
    dispatched to the county centre, re-dispatched to the township team, accepted."""
    Provider.objects.update(daily_capacity=50)
    order = submit(world, contact_name=NAME, contact_phone="+86 138-0013-8000")
    assert (order.contact_name, order.contact_phone) == (NAME, PHONE)
    advance(world, order, Status.APPROVED)
    s.order_dispatch(
        order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk, now=T0
    )
    s.order_redispatch(
        order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk, now=T0
    )
    return advance(world, order, Status.ACCEPTED, now=T0 + MINUTE)


def views(order: Order) -> list[tuple[str, str]]:
    return list(
        ContactView.objects.filter(order=order)
        .order_by("pk")
        .values_list("user__username", "where")
    )


@pytest.mark.parametrize("who", list(TABLE))
def test_each_role_reads_the_contact_in_full_masked_or_not_at_all(world, who):
    order = handed_on_order(world)
    user = user_of(world, who)
    expected = TABLE[who]

    # The rule.
    if expected != NONE:
        assert policy.can_see_contact(user, order) is (expected == FULL)
        contact = policy.contact_of(user, order)
        if expected == FULL:
            assert contact == policy.Contact(NAME, PHONE, TEL, full=True)
        else:
            assert contact == policy.Contact(MASKED_NAME, MASKED_PHONE, "", full=False)
    else:
        assert policy.can_see_contact(user, order) is False

    # The order page every reader of the order opens.
    page = web_client(user).get(f"/me/orders/{order.pk}/")
    if expected == NONE:
        assert page.status_code == (302 if who == "anonymous" else 404)
    else:
        html = page.content.decode()
        assert page.status_code == 200
        assert (f'href="{TEL}"' in html) is (expected == FULL)
        assert (PHONE in html) is (expected == FULL)
        assert (MASKED_PHONE in html) is (expected == MASKED)
        assert (NAME in html) is (expected == FULL)

    # The REST detail and list.
    detail = api_client(user).get(f"/api/v1/orders/{order.pk}/")
    if expected == NONE:
        assert detail.status_code == (401 if who == "anonymous" else 404)
    else:
        data = detail.json()
        shown = (PHONE, NAME, False) if expected == FULL else (MASKED_PHONE, MASKED_NAME, True)
        assert (data["contact_phone"], data["contact_name"], data["contact_masked"]) == shown
        rows = api_client(user).get("/api/v1/orders/").json()["results"]
        row = next(r for r in rows if r["id"] == order.pk)
        assert (row["contact_phone"], row["contact_name"], row["contact_masked"]) == shown

    # Each showing in full was recorded: the page, the detail, the list; nothing else.
    username = getattr(user, "username", "")
    expected_views = (
        [(username, "order_page"), (username, "rest"), (username, "rest")]
        if expected == FULL
        else []
    )
    assert views(order) == expected_views


def test_the_staff_page_shows_the_number_to_call_and_who_viewed_it(world):
    order = handed_on_order(world)
    client = web_client(world.dispatcher_a)
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert f'href="{TEL}"' in html
    assert views(order) == [("disp_a", "staff_page")]
    # The county administrator's visit is in the log the township's dispatcher reads next.
    web_client(world.county_admin).get(f"/staff/orders/{order.pk}/")
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert views(order) == [
        ("disp_a", "staff_page"),
        ("admin", "staff_page"),
        ("disp_a", "staff_page"),
    ]
    assert html.count("Staff order page</li>") == 3
    assert "admin · Staff order page" in html


def test_the_callback_form_shows_the_number_to_call(world):
    order = handed_on_order(world)
    advance(world, order, Status.DELIVERED)
    html = web_client(world.dispatcher_a).get(f"/staff/orders/{order.pk}/").content.decode()
    callback = html[html.index('id="callback-h"') :]
    callback = callback[: callback.index("</section>")]
    assert f'href="{TEL}"' in callback
    # A grid worker records callbacks from the order page: the number is there too.
    html = web_client(world.grid_worker).get(f"/me/orders/{order.pk}/").content.decode()
    assert f'action="/me/orders/{order.pk}/callback/"' in html
    assert f'href="{TEL}"' in html


def test_the_provider_console_shows_the_assigned_team_the_number(world):
    order = handed_on_order(world)
    html = web_client(world.provider_staff).get("/staff/provider/").content.decode()
    assert f'href="{TEL}"' in html
    assert views(order) == [("p1staff", "provider_console")]
    # The team that handed it on has no such row on its console, and nothing is logged.
    html = web_client(world.provider2_staff).get("/staff/provider/").content.decode()
    assert PHONE not in html
    assert views(order) == [("p1staff", "provider_console")]


def test_the_assigned_team_reads_the_contact_until_the_rating_then_masked(world):
    order = handed_on_order(world)
    advance(world, order, Status.DELIVERED)
    order.refresh_from_db()
    assert policy.can_see_contact(world.provider_staff, order) is True
    s.order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=s.RatingInput(contacted=True, solved=True, satisfaction="satisfied"),
        now=order.updated_at + timedelta(hours=1),
    )
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert policy.contact_of(world.provider_staff, order) == policy.Contact(
        MASKED_NAME, MASKED_PHONE, "", full=False
    )
    # The dispatcher still reads it in full.
    assert policy.can_see_contact(world.dispatcher_a, order) is True


def test_an_order_without_a_phone_logs_no_view(world):
    order = submit(world)  # the resident's profile has a name and no phone
    assert (order.contact_name, order.contact_phone) == ("resident", "")
    web_client(world.dispatcher_a).get(f"/staff/orders/{order.pk}/")
    assert views(order) == []


def test_the_contact_view_log_is_append_only(world):
    order = handed_on_order(world)
    web_client(world.dispatcher_a).get(f"/staff/orders/{order.pk}/")
    row = ContactView.objects.get()
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        ContactView.objects.all().update(where="rest")
    with pytest.raises(TypeError):
        ContactView.objects.all().delete()


def test_masks_keep_what_chinese_services_show():
    assert policy.mask_name("王秀英") == "王**"
    assert policy.mask_name("李") == "*"
    assert policy.mask_name("") == ""


def test_open311_never_shows_the_contact(world):
    order = handed_on_order(world)
    for fmt in ("json", "xml"):
        for url, query in (
            (f"/open311/v2/requests.{fmt}", {"start_date": "2026-05-01T00:00:00Z"}),
            (f"/open311/v2/requests/{order.pk}.{fmt}", {}),
        ):
            body = Client().get(url, {**query, "extensions": "true"}).content.decode()
            assert str(order.pk) in body
            assert "8000" not in body and NAME not in body
    assert views(order) == []


def test_the_admins_order_page_shows_the_contact_and_logs_it(world):
    from tests.factories import UserFactory

    order = handed_on_order(world)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    html = web_client(root).get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert f"{NAME} {PHONE}" in html
    assert views(order) == [("root", "admin")]
    # The Open311 request's copy of the phone is not shown there: the order is where it is read.
    from minsheng.open311.models import ServiceRequest
    from minsheng.open311.services import api_key_create

    key, _raw = api_key_create(name="app")
    extra = ServiceRequest.objects.create(order=order, api_key=key, token="t", phone=PHONE)
    html = web_client(root).get(f"/admin/open311/servicerequest/{extra.pk}/change/")
    assert PHONE not in html.content.decode()
