"""A provider's team that handed an order on (declined it, let it time out, or was
re-dispatched away) keeps its own past steps and nothing else: not the resident's words or
place, not the next team's notes, not the resident's rating of the next team; the contact
it reads masked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minsheng.catalog.models import Provider
from minsheng.orders import services as s
from minsheng.orders.models import Audience, Status
from tests.api.conftest import token_client
from tests.helpers import T0, advance, submit

PRIVATE = {
    "description": "老人独居，门禁密码 4321",
    "address": "3组12号",
    "latitude": 30.011,
    "longitude": 110.012,
    "contact_name": "张秀英",
    "contact_phone": "13800001234",
}
NEXT_TEAM_NOTE = "已上门，血压偏高"


def placed(world):
    """A grid worker's order for a resident, with every private field filled in."""
    return submit(
        world,
        actor=world.grid_worker,
        channel="grid_worker",
        description=PRIVATE["description"],
        address=PRIVATE["address"],
        latitude=PRIVATE["latitude"],
        longitude=PRIVATE["longitude"],
        contact_name=PRIVATE["contact_name"],
        contact_phone=PRIVATE["contact_phone"],
    )


def finish_with_next_team(world, order):
    """The second team takes the order and delivers with a note for the resident; the
    dispatcher records the resident's rating on the phone."""
    at = order.updated_at + timedelta(minutes=1)
    s.order_accept(order_id=order.pk, actor=world.provider2_staff, now=at)
    s.order_start(order_id=order.pk, actor=world.provider2_staff, now=at)
    s.order_deliver(
        order_id=order.pk,
        actor=world.provider2_staff,
        note=NEXT_TEAM_NOTE,
        audience=Audience.RESIDENT,
        now=at,
    )
    s.order_callback(
        order_id=order.pk,
        actor=world.dispatcher_a,
        data=s.RatingInput(True, True, "satisfied", "第二队很好"),
        now=at,
    )


def declined(world):
    order = advance(world, placed(world), Status.DISPATCHED)
    s.order_decline(
        order_id=order.pk,
        actor=world.provider_staff,
        reason="人手不足",
        now=T0 + timedelta(hours=1),
    )
    s.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher_a,
        provider_id=world.provider2.pk,
        now=T0 + timedelta(hours=2),
    )
    return order, ["dispatch", "decline"]


def timed_out(world):
    order = advance(world, placed(world), Status.DISPATCHED)
    late = T0 + timedelta(days=3)
    s.sweep(now=late)  # not taken in time: back to the queue
    s.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher_a,
        provider_id=world.provider2.pk,
        now=late + timedelta(hours=1),
    )
    return order, ["dispatch", "accept_timeout"]


def redispatched(world):
    order = advance(world, placed(world), Status.DISPATCHED)
    s.order_redispatch(
        order_id=order.pk,
        actor=world.dispatcher_a,
        provider_id=world.provider2.pk,
        now=T0 + timedelta(hours=1),
    )
    return order, ["dispatch"]


@pytest.mark.parametrize("hand_on", [declined, timed_out, redispatched])
def test_a_team_that_handed_an_order_on_sees_only_its_own_steps(world, hand_on):
    Provider.objects.update(daily_capacity=50)
    order, own_steps = hand_on(world)
    finish_with_next_team(world, order)
    api = token_client(world.provider_staff)

    detail = api.get(f"/api/v1/orders/{order.pk}/").json()
    assert {name: detail[name] for name in PRIVATE} == {
        "description": "",
        "address": "",
        "latitude": None,
        "longitude": None,
        # Masked, as for everyone with no part in reaching the resident now.
        "contact_name": "张**",
        "contact_phone": "138****1234",
    }
    assert detail["contact_masked"] is True
    assert detail["answers"] == {}
    assert [e["action"] for e in detail["events"]] == own_steps
    assert {e["provider"] for e in detail["events"]} == {world.provider.pk}
    assert detail["ratings"] == []
    assert NEXT_TEAM_NOTE not in str(detail) and "第二队很好" not in str(detail)

    listed = api.get("/api/v1/orders/").json()["results"]
    row = next(r for r in listed if r["id"] == order.pk)
    assert {name: row[name] for name in PRIVATE} == {name: detail[name] for name in PRIVATE}

    ratings = api.get("/api/v1/ratings/").json()["results"]
    assert ratings == []


def test_the_team_holding_the_order_sees_it_whole(world):
    Provider.objects.update(daily_capacity=50)
    order, _steps = declined(world)
    detail = token_client(world.provider2_staff).get(f"/api/v1/orders/{order.pk}/").json()
    assert {name: detail[name] for name in PRIVATE} == PRIVATE
    assert [e["action"] for e in detail["events"]] == [
        "submit",
        "approve",
        "dispatch",
        "decline",
        "dispatch",
    ]


def test_a_team_keeps_its_own_delivery_and_rating_after_a_reopening(world):
    """Reopened (not solved) and sent to another team: the first team still reads the
    rating of its own delivery, and nothing of the second round."""
    Provider.objects.update(daily_capacity=50)
    order = advance(world, placed(world), Status.DELIVERED)
    at = order.updated_at + timedelta(minutes=1)
    s.order_callback(
        order_id=order.pk,
        actor=world.dispatcher_a,
        data=s.RatingInput(True, False, "dissatisfied", "没修好"),
        now=at,
    )
    s.order_dispatch(
        order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk, now=at
    )
    finish_with_next_team(world, order)
    detail = token_client(world.provider_staff).get(f"/api/v1/orders/{order.pk}/").json()
    assert [e["action"] for e in detail["events"]] == [
        "dispatch",
        "accept",
        "start",
        "deliver",
        "reopen",
    ]
    assert [(r["round"], r["comment"]) for r in detail["ratings"]] == [(0, "没修好")]
    assert detail["description"] == ""


@pytest.mark.parametrize("hand_on", [declined, redispatched])
def test_the_web_page_of_an_order_handed_on_shows_the_team_only_its_own_steps(world, hand_on):
    from tests.web.conftest import logged_in

    Provider.objects.update(daily_capacity=50)
    order, own_steps = hand_on(world)
    finish_with_next_team(world, order)
    response = logged_in(world.provider_staff).get(f"/me/orders/{order.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for private in (
        "老人独居",
        "3组12号",
        "30.011",
        "张秀英",
        "13800001234",
        NEXT_TEAM_NOTE,
        "第二队很好",
    ):
        assert private not in page
    assert [e.event.action for e in response.context["timeline"]] == own_steps
    assert response.context["ratings"] == []
