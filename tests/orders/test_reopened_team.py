"""A reopened order (rated not solved) never goes back by itself to the team that failed it:
automatic dispatch, the sweep's re-dispatch and grabs skip that team; the candidates list
marks it; a dispatcher may still choose it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.catalog.models import Provider, Service
from minsheng.core.errors import PermissionDenied
from minsheng.orders import candidates, policy, selectors
from minsheng.orders import services as s
from minsheng.orders.models import Order, Status
from tests.helpers import MINUTE, advance, submit
from tests.orders.conftest import refused, set_mode

pytestmark = pytest.mark.django_db

NOT_SOLVED = s.RatingInput(contacted=True, solved=False, satisfaction="dissatisfied")


@pytest.fixture(autouse=True)
def _capacity(world: Any) -> None:
    Provider.objects.update(daily_capacity=50)


def reopened(
    world: Any, *, failed_by: Any = None, mode: str = Service.DispatchMode.MANUAL
) -> Order:
    """The resident's order in V1, delivered by ``failed_by`` (the township team by
    default), then rated not solved: reopened into round 1."""
    set_mode(world, Service.DispatchMode.MANUAL)
    order = advance(world, submit(world), Status.DELIVERED, provider=failed_by or world.provider)
    set_mode(world, mode)
    s.order_rate(
        order_id=order.pk, actor=world.resident, data=NOT_SOLVED, now=order.updated_at + MINUTE
    )
    order.refresh_from_db()
    return order


def test_the_team_that_failed_is_read_from_the_not_solved_rating(world):
    order = reopened(world)
    assert order.status == Status.REOPENED
    assert order.round == 1
    assert policy.failed_rounds(order) == {world.provider.pk: 0}


def test_the_candidates_list_marks_the_team_that_failed_and_never_offers_it_first(world):
    order = reopened(world)
    rows = [(c.provider.pk, c.failed_round, c.available) for c in candidates.candidates(order)]
    assert rows == [(world.provider2.pk, None, True), (world.provider.pk, 0, False)]
    assert candidates.best_candidate(order).provider == world.provider2


def test_the_staff_page_and_the_rest_api_mark_the_team_that_failed(world):
    order = reopened(world)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.dispatcher_a)
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert html.count("Failed this order in round 1") == 1
    mark = html.index("Failed this order in round 1")
    assert html.rfind(world.provider.name, 0, mark) > html.rfind(world.provider2.name, 0, mark)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.dispatcher_a)}")
    rows = api.get(f"/api/v1/orders/{order.pk}/candidates/").json()
    assert [(r["provider"]["id"], r["failed_round"], r["available"]) for r in rows] == [
        (world.provider2.pk, None, True),
        (world.provider.pk, 0, False),
    ]


def test_automatic_dispatch_on_reopening_skips_the_team_that_failed(world):
    order = reopened(world, mode=Service.DispatchMode.AUTO)
    assert (order.status, order.provider_id) == (Status.DISPATCHED, world.provider2.pk)


def test_automatic_dispatch_leaves_the_order_queued_when_only_the_failed_team_serves(world):
    world.provider2.active = False
    world.provider2.save(update_fields=["active"])
    order = reopened(world, mode=Service.DispatchMode.AUTO)
    assert order.status == Status.REOPENED
    assert candidates.best_candidate(order) is None
    assert [e.action for e in order.events.order_by("pk")][-2:] == ["deliver", "reopen"]


def test_a_dispatcher_may_still_choose_the_team_that_failed(world):
    order = reopened(world)
    s.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher_a,
        provider_id=world.provider.pk,
        now=order.updated_at + MINUTE,
    )
    order.refresh_from_db()
    assert (order.status, order.provider_id) == (Status.DISPATCHED, world.provider.pk)


def test_the_sweep_does_not_redispatch_to_the_team_that_failed(world):
    order = reopened(world)
    s.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher_a,
        provider_id=world.provider2.pk,
        now=order.updated_at + MINUTE,
    )
    set_mode(world, Service.DispatchMode.AUTO)
    order.refresh_from_db()
    result = s.sweep(now=order.step_deadline + timedelta(minutes=1))
    order.refresh_from_db()
    # The county centre let it time out; the township team failed it: nobody is left.
    assert (result.redispatched, result.requeued) == (0, 1)
    assert (order.status, order.provider_id) == (Status.APPROVED, None)


def test_a_grab_skips_the_team_that_failed(world):
    order = reopened(world, mode=Service.DispatchMode.GRAB)
    assert order.status == Status.REOPENED
    assert order not in selectors.grabbable_orders(world.provider_staff)
    assert order in selectors.grabbable_orders(world.provider2_staff)
    assert policy.can_grab(world.provider_staff, order) is False
    assert policy.can_grab(world.provider2_staff, order) is True
    refused(
        lambda: s.order_grab(order_id=order.pk, actor=world.provider_staff),
        error=PermissionDenied,
        errors=[("failed_this_order", "order")],
        order=order,
    )
    s.order_grab(order_id=order.pk, actor=world.provider2_staff)
    order.refresh_from_db()
    assert (order.status, order.provider_id) == (Status.ACCEPTED, world.provider2.pk)


def test_a_grab_on_the_web_by_the_team_that_failed_is_refused_and_writes_nothing(world):
    order = reopened(world, mode=Service.DispatchMode.GRAB)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.provider_staff)
    assert (
        f"/staff/provider/orders/{order.pk}/grab/"
        not in client.get("/staff/provider/").content.decode()
    )
    before = Order.objects.filter(pk=order.pk).values().get()
    response = client.post(f"/staff/provider/orders/{order.pk}/grab/")
    assert response.status_code == 403
    assert "only a dispatcher can send it back to you" in response.content.decode()
    assert Order.objects.filter(pk=order.pk).values().get() == before


def test_a_grab_through_the_rest_api_by_the_team_that_failed_is_refused(world):
    order = reopened(world, mode=Service.DispatchMode.GRAB)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.provider_staff)}")
    before = Order.objects.filter(pk=order.pk).values().get()
    response = api.post(f"/api/v1/orders/{order.pk}/grab/", {}, format="json")
    assert response.status_code == 403
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("failed_this_order", "order")
    ]
    assert Order.objects.filter(pk=order.pk).values().get() == before
