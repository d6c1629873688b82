"""Likely duplicates (重复件): hits and near-misses of each rule, and the queue's marks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minsheng.accounts.models import Role
from minsheng.orders import duplicates, selectors
from minsheng.orders.models import Order, Status
from tests.factories import ServiceFactory, make_user
from tests.helpers import T0, advance, submit

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def found(order: Order, user) -> list[int]:
    return [o.pk for o in duplicates.likely_duplicates(order, selectors.orders_visible_to(user))]


def test_the_same_resident_service_and_place_within_the_window_is_a_duplicate(world):
    first = submit(world)
    second = submit(world, now=T0 + 71 * HOUR)
    assert found(second, world.dispatcher_a) == [first.pk]
    assert found(first, world.dispatcher_a) == [second.pk]


def test_the_same_contact_phone_counts_as_the_same_person(world):
    first = submit(
        world,
        actor=world.grid_worker,
        channel="hotline",
        contact_name="王奶奶",
        contact_phone="13800138000",
    )
    second = submit(
        world,
        actor=world.dispatcher_a,
        channel="visit",
        contact_name="王秀英",
        contact_phone="13800138000",
        now=T0 + HOUR,
    )
    assert found(second, world.dispatcher_a) == [first.pk]


@pytest.mark.parametrize("hours", [73, -73])
def test_outside_the_window_is_no_duplicate(world, hours):
    first = submit(world, now=T0 + 100 * HOUR)
    second = submit(world, now=T0 + (100 + hours) * HOUR)
    assert found(first, world.dispatcher_a) == []
    assert found(second, world.dispatcher_a) == []


def test_the_window_is_a_setting(world, settings):
    settings.MINSHENG_DUPLICATE_WINDOW_HOURS = 2
    first = submit(world)
    submit(world, now=T0 + 3 * HOUR)
    assert found(first, world.dispatcher_a) == []


def test_another_service_or_another_village_is_no_duplicate(world):
    other_service = ServiceFactory(code="bath-help", regions=[world.county])
    first = submit(world)
    submit(world, service_code=other_service.code, now=T0 + HOUR)
    assert found(first, world.dispatcher_a) == []
    villager = make_user(Role.RESIDENT, world.village_b, username="v2")
    submit(world, actor=villager, region_code=world.village_b.code, now=T0 + HOUR)
    assert found(first, world.county_admin) == []


def test_near_identical_text_in_the_same_village_from_anyone_is_a_duplicate(world):
    neighbour = make_user(Role.RESIDENT, world.village_a, username="neighbour")
    first = submit(world, description="村口的路灯坏了，晚上很黑，老人不敢出门")
    second = submit(
        world, actor=neighbour, description="村口的路灯坏了,晚上很黑,老人不敢出门。", now=T0 + HOUR
    )
    assert found(second, world.dispatcher_a) == [first.pk]


def test_different_text_or_too_short_text_from_another_person_is_no_duplicate(world):
    neighbour = make_user(Role.RESIDENT, world.village_a, username="neighbour")
    first = submit(world, description="村口的路灯坏了，晚上很黑")
    other = submit(world, actor=neighbour, description="家里的水管冻裂了，需要维修", now=T0 + HOUR)
    assert found(other, world.dispatcher_a) == []
    a = submit(world, description="帮忙", now=T0 + 2 * HOUR)
    b = submit(world, actor=neighbour, description="帮忙", now=T0 + 3 * HOUR)
    assert a.pk not in found(b, world.dispatcher_a)
    assert first.pk not in found(b, world.dispatcher_a)


def test_ended_orders_are_never_duplicates(world):
    first = submit(world)
    second = submit(world, now=T0 + HOUR)
    from minsheng.orders import services as s

    s.order_cancel(order_id=first.pk, actor=world.resident)
    assert found(second, world.dispatcher_a) == []


def test_only_orders_the_reader_sees_are_offered(world):
    first = submit(world)
    second = submit(world, now=T0 + HOUR)
    assert found(second, world.dispatcher_a) == [first.pk]
    assert found(second, world.dispatcher_b) == []


def test_the_queue_marks_orders_with_a_likely_duplicate_in_one_query(
    world, django_assert_num_queries
):
    first = submit(world)
    second = submit(world, now=T0 + HOUR)
    lone = advance(world, submit(world, region_code=world.village_b.code), Status.APPROVED)
    queue = [first, second, lone]
    scope = selectors.orders_visible_to(world.county_admin)
    with django_assert_num_queries(1):  # the nearby orders, all at once
        marks = duplicates.marked(queue, scope)
    assert marks == {first.pk, second.pk}
