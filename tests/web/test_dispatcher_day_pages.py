"""A dispatcher's day on the web (issue 8): landing after login, one-step approve and
dispatch, the escalation actions, merging a duplicate."""

from __future__ import annotations

import pytest
from django.test import Client

from minsheng.accounts.models import Role
from minsheng.orders import services as s
from minsheng.orders.models import Status
from tests.factories import make_user
from tests.helpers import order_at, submit
from tests.orders.conftest import snapshot
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"


def sign_in(username: str, next_url: str = "") -> str:
    client = Client()
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    if response["Location"] != "/start/":
        return response["Location"]
    landed = client.get("/start/")
    assert landed.status_code == 302
    return landed["Location"]


@pytest.mark.parametrize(
    ("who", "where"),
    [
        ("disp_a", "/staff/dispatch/"),
        ("admin", "/staff/dispatch/"),
        ("p1staff", "/staff/provider/"),
        ("grid", "/need/"),  # nothing entered yet: the order form
        ("resident", "/"),
    ],
)
def test_each_person_lands_on_their_own_console(world, who, where):
    assert sign_in(who) == where


def test_a_grid_worker_who_has_entered_orders_lands_on_them(world):
    s.order_submit(
        actor=world.grid_worker,
        data=s.OrderInput(region_code="V1", service_code=world.service.code, channel="grid_worker"),
        resident=world.resident,
    )
    assert sign_in("grid") == "/me/"


def test_a_next_address_wins_over_the_console(world):
    assert sign_in("disp_a", "/staff/orders/") == "/staff/orders/"


def test_the_landing_page_sends_anonymous_visitors_to_log_in(world):
    response = Client().get("/start/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_approve_and_dispatch_from_the_order_page(world):
    order = submit(world)
    client = logged_in(world.dispatcher_a)
    response = client.post(
        f"/staff/orders/{order.pk}/approve-dispatch/", {"provider_id": world.provider2.pk}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.provider_id) == (Status.DISPATCHED, world.provider2.pk)


def test_approve_and_dispatch_without_a_provider_is_a_400_and_writes_nothing(world):
    order = submit(world)
    before = snapshot(order)
    response = logged_in(world.dispatcher_a).post(
        f"/staff/orders/{order.pk}/approve-dispatch/", {"provider_id": "abc"}
    )
    assert response.status_code == 400
    assert snapshot(order) == before


def test_urging_a_closed_order_on_the_web_is_refused_with_its_message(world):
    order = order_at(world, Status.ACCEPTED)
    s.order_cancel(order_id=order.pk, actor=world.dispatcher_a)
    before = snapshot(order)
    response = logged_in(world.dispatcher_a).post(f"/staff/orders/{order.pk}/urge/", {})
    assert response.status_code == 409
    assert "nobody left to urge" in response.content.decode()
    assert snapshot(order) == before


def test_a_duplicate_is_listed_and_merged_by_its_number(world):
    neighbour = make_user(Role.RESIDENT, world.village_a, username="neighbour")
    keep = submit(world, description="村口的路灯坏了，晚上很黑")
    duplicate = submit(world, actor=neighbour, description="村口的路灯坏了,晚上很黑!")
    client = logged_in(world.dispatcher_a)
    page = client.get(f"/staff/orders/{duplicate.pk}/")
    assert [o.pk for o in page.context["duplicates"]] == [keep.pk]
    assert f'value="{keep.number}"' in page.content.decode()
    response = client.post(f"/staff/orders/{duplicate.pk}/merge/", {"keep_id": keep.number})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (Status.MERGED, keep.pk)
    # The neighbour now follows the kept order on their own pages.
    assert logged_in(neighbour).get(f"/me/orders/{keep.pk}/").status_code == 200
    kept_page = client.get(f"/staff/orders/{keep.pk}/")
    assert [o.pk for o in kept_page.context["merged_duplicates"]] == [duplicate.pk]


def test_a_merge_across_townships_on_the_web_is_refused_and_writes_nothing(world):
    keep = submit(world)
    duplicate = submit(world, region_code=world.village_b.code)
    before = snapshot(duplicate)
    response = logged_in(world.county_admin).post(
        f"/staff/orders/{duplicate.pk}/merge/", {"keep_id": str(keep.pk)}
    )
    assert response.status_code == 409
    assert "different townships" in response.content.decode()
    assert snapshot(duplicate) == before


def test_a_county_dispatcher_sees_what_townships_escalated(world):
    order = order_at(world, Status.ACCEPTED)
    s.order_escalate_county(order_id=order.pk, actor=world.dispatcher_a, reason="队伍不够")
    county = logged_in(world.county_admin).get("/staff/escalations/")
    assert [o.pk for o in county.context["county_orders"]] == [order.pk]
    township = logged_in(world.dispatcher_a).get("/staff/escalations/")
    assert township.context["county_orders"] == []
    assert f'href="/staff/orders/{order.pk}/"' in county.content.decode()
