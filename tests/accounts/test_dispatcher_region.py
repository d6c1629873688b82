"""A dispatcher (or county administrator) always has a region: the county is a region, and
a dispatcher without one must never see or act on the whole county."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from minsheng.accounts.models import Profile, Role
from minsheng.orders import policy, selectors
from minsheng.orders import services as s
from minsheng.orders.models import Order
from tests.api.conftest import token_client
from tests.factories import UserFactory, make_user
from tests.helpers import submit


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.COUNTY_ADMIN])
def test_the_database_refuses_a_dispatcher_without_a_region(world, role):
    user = UserFactory(username="noregion")
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.create(user=user, role=role, region=None)
    assert not Profile.objects.filter(user=user).exists()


def test_the_model_says_which_field_is_missing(world):
    from django.core.exceptions import ValidationError

    profile = Profile(user=UserFactory(username="noregion"), role=Role.DISPATCHER, region=None)
    with pytest.raises(ValidationError) as info:
        profile.full_clean()
    assert list(info.value.message_dict) == ["region"]


def test_the_admin_refuses_a_dispatcher_without_a_region(world, client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    user = UserFactory(username="newdispatcher")
    before = Profile.objects.count()
    response = client.post(
        "/admin/accounts/profile/add/",
        {"user": user.pk, "role": Role.DISPATCHER, "region": "", "display_name": "x", "phone": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["region"]
    assert Profile.objects.count() == before


def test_a_dispatcher_profile_without_a_region_sees_and_does_nothing(world):
    """However such a profile came about (an unsaved one, an old row), the rules refuse it."""
    order = submit(world)
    user = UserFactory(username="ghost")
    user._minsheng_profile = Profile(user=user, role=Role.DISPATCHER, region=None)
    assert (
        policy.visible_orders_q(user) is None
        or not Order.objects.filter(policy.visible_orders_q(user)).exists()
    )
    assert not policy.can_approve(user, order)
    assert list(selectors.orders_visible_to(user)) == []
    assert list(selectors.dispatch_queue(user)) == []


def test_a_superuser_without_a_profile_works_in_the_county(world):
    order = submit(world)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert list(selectors.orders_visible_to(root)) == [order]
    s.order_approve(order_id=order.pk, actor=root)


def test_a_township_dispatcher_through_the_api_sees_their_township_only(world):
    mine = submit(world)
    submit(world, actor=world.resident2, region_code="V2")
    other = make_user(Role.DISPATCHER, world.town_a, username="disp_a2")
    ids = [o["id"] for o in token_client(other).get("/api/v1/orders/").json()["results"]]
    assert ids == [mine.pk]
