"""Who sees which orders: orders_visible_to, order_for, dispatch_queue, provider_orders,
grabbable_orders, for every role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minsheng.accounts.models import Role
from minsheng.catalog.models import Provider, Service
from minsheng.orders import policy
from minsheng.orders import services as s
from minsheng.orders.models import Channel, Status
from minsheng.orders.selectors import (
    dispatch_queue,
    grabbable_orders,
    order_for,
    orders_visible_to,
    provider_orders,
    timeline_for,
)
from tests.factories import ServiceFactory, make_user
from tests.helpers import MINUTE, T0, advance, order_at, submit

DAY = timedelta(days=1)


@pytest.fixture
def orders(world):
    """
    o1  resident, V1, dispatched to the township team
    o2  resident2, V2, dispatched to the county centre
    o3  grid worker for a neighbour, V1, submitted
    o4  township-B dispatcher for a hotline caller, V2, approved
    o5  resident, V1, dispatched to the township team then re-dispatched to the centre
    o6  resident, at township level T1 (no village), submitted
    """
    o1 = order_at(world, Status.DISPATCHED)
    o2 = order_at(
        world, Status.DISPATCHED, actor=world.resident2, region_code="V2", provider=world.provider2
    )
    o3 = submit(
        world,
        actor=world.grid_worker,
        channel=Channel.GRID_WORKER,
        contact_name="张",
        contact_phone="13700000137",
        now=T0 + MINUTE,
    )
    o4 = submit(
        world,
        actor=world.dispatcher_b,
        region_code="V2",
        channel=Channel.HOTLINE,
        contact_name="赵",
        contact_phone="13600000136",
        now=T0 + 2 * MINUTE,
    )
    s.order_approve(order_id=o4.pk, actor=world.dispatcher_b, now=T0 + 3 * MINUTE)
    o5 = advance(world, submit(world, now=T0 + 4 * MINUTE), Status.DISPATCHED, now=T0 + 5 * MINUTE)
    s.order_redispatch(
        order_id=o5.pk,
        actor=world.dispatcher_a,
        provider_id=world.provider2.pk,
        now=T0 + 10 * MINUTE,
    )
    o6 = submit(world, region_code="T1", now=T0 + 5 * MINUTE)
    return {"o1": o1, "o2": o2, "o3": o3, "o4": o4, "o5": o5, "o6": o6}


def names(qs, orders):
    by_pk = {o.pk: name for name, o in orders.items()}
    return sorted(by_pk[o.pk] for o in qs)


def test_a_resident_sees_only_their_own_orders(world, orders):
    assert names(orders_visible_to(world.resident), orders) == ["o1", "o5", "o6"]
    assert names(orders_visible_to(world.resident2), orders) == ["o2"]


def test_a_township_dispatcher_sees_only_their_township(world, orders):
    assert names(orders_visible_to(world.dispatcher_a), orders) == ["o1", "o3", "o5", "o6"]
    assert names(orders_visible_to(world.dispatcher_b), orders) == ["o2", "o4"]


def test_the_county_admin_sees_everything(world, orders):
    assert names(orders_visible_to(world.county_admin), orders) == [
        "o1",
        "o2",
        "o3",
        "o4",
        "o5",
        "o6",
    ]


def test_a_county_scoped_dispatcher_sees_everything(world, orders):
    county_dispatcher = make_user(Role.DISPATCHER, world.county, username="disp_c")
    assert len(orders_visible_to(county_dispatcher)) == 6


def test_provider_staff_see_what_they_hold_and_once_held(world, orders):
    # o5 was re-dispatched away from the township team: they still see its history.
    assert names(orders_visible_to(world.provider_staff), orders) == ["o1", "o5"]
    assert names(orders_visible_to(world.provider2_staff), orders) == ["o2", "o5"]


def test_a_grid_worker_sees_what_they_entered_and_their_village(world, orders):
    # V1 orders; o6 sits at township level, outside the village.
    assert names(orders_visible_to(world.grid_worker), orders) == ["o1", "o3", "o5"]


def test_a_grid_worker_moved_elsewhere_still_sees_what_they_entered(world, orders):
    world.grid_worker.profile.region = world.village_b
    world.grid_worker.profile.save()
    moved = type(world.grid_worker).objects.get(pk=world.grid_worker.pk)
    assert names(orders_visible_to(moved), orders) == ["o2", "o3", "o4"]


def test_a_grid_worker_without_a_region_sees_only_what_they_entered(world, orders):
    world.grid_worker.profile.region = None
    world.grid_worker.profile.save()
    unplaced = type(world.grid_worker).objects.get(pk=world.grid_worker.pk)
    assert names(orders_visible_to(unplaced), orders) == ["o3"]
    assert policy.can_view(unplaced, orders["o1"]) is False
    assert policy.can_view(unplaced, orders["o3"]) is True


def test_anonymous_and_profileless_users_see_nothing(world, orders):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory

    assert list(orders_visible_to(AnonymousUser())) == []
    assert list(orders_visible_to(UserFactory(username="nobody"))) == []


def test_order_for_returns_a_visible_order_and_none_otherwise(world, orders):
    o1 = orders["o1"]
    assert order_for(world.resident, o1.pk) == o1
    assert order_for(world.resident2, o1.pk) is None
    assert order_for(world.dispatcher_b, o1.pk) is None
    assert order_for(world.dispatcher_a, 999_999) is None
    assert order_for(world.resident, str(o1.pk)) == o1
    for malformed in ("abc", "", None, -1, 0, 2**70, 1.5, True, [o1.pk]):
        assert order_for(world.county_admin, malformed) is None


def test_dispatch_queue_holds_review_and_dispatch_work_in_scope_most_urgent_first(world, orders):
    queue = list(dispatch_queue(world.dispatcher_a))
    # o3 and o6 wait for review (due T0+1min+1d, T0+5min+1d); o1/o5 are with providers.
    assert [o.pk for o in queue] == [orders["o3"].pk, orders["o6"].pk]
    assert [o.pk for o in dispatch_queue(world.dispatcher_b)] == [orders["o4"].pk]
    assert len(dispatch_queue(world.county_admin)) == 3


def test_dispatch_queue_includes_escalated_orders_with_providers(world, orders):
    s.sweep(now=T0 + 3 * DAY)  # everything is overdue: o1 requeued, o3/o6 escalated, …
    queue = {o.pk: o.status for o in dispatch_queue(world.dispatcher_a)}
    assert queue == {
        orders["o1"].pk: Status.APPROVED,
        orders["o3"].pk: Status.SUBMITTED,
        orders["o5"].pk: Status.APPROVED,
        orders["o6"].pk: Status.SUBMITTED,
    }
    s.order_dispatch(
        order_id=orders["o1"].pk,
        actor=world.dispatcher_a,
        provider_id=world.provider.pk,
        now=T0 + 3 * DAY,
    )
    s.order_accept(order_id=orders["o1"].pk, actor=world.provider_staff, now=T0 + 3 * DAY)
    s.sweep(now=T0 + 8 * DAY)  # the accepted o1 passes its resolution deadline
    assert orders["o1"].pk in {o.pk for o in dispatch_queue(world.dispatcher_a)}


@pytest.mark.parametrize("who", ["resident", "grid_worker", "provider_staff"])
def test_only_dispatchers_and_admins_have_a_dispatch_queue(world, orders, who):
    assert list(dispatch_queue(getattr(world, who))) == []


def test_provider_orders_are_the_open_ones_assigned_to_the_team(world, orders):
    assert [o.pk for o in provider_orders(world.provider_staff)] == [orders["o1"].pk]
    assert sorted(o.pk for o in provider_orders(world.provider2_staff)) == sorted(
        [orders["o2"].pk, orders["o5"].pk]
    )
    assert list(provider_orders(world.resident)) == []


def test_provider_orders_can_include_finished_ones(world, orders):
    s.order_cancel(order_id=orders["o1"].pk, actor=world.resident)
    assert list(provider_orders(world.provider_staff)) == []
    assert [o.pk for o in provider_orders(world.provider_staff, open_only=False)] == [
        orders["o1"].pk
    ]


def test_inactive_provider_staff_see_nothing(world, orders):
    Provider.objects.filter(pk=world.provider.pk).update(active=False)
    staff = type(world.provider_staff).objects.get(pk=world.provider_staff.pk)
    assert list(orders_visible_to(staff)) == []
    assert list(provider_orders(staff)) == []


def test_grabbable_orders_are_queued_grab_orders_inside_the_teams_coverage(world):
    grab = ServiceFactory(
        code="grab-help", regions=[world.county], dispatch_mode=Service.DispatchMode.GRAB
    )
    g1 = order_at(world, Status.APPROVED, service_code=grab.code)
    g2 = order_at(world, Status.APPROVED, service_code=grab.code, region_code="V2", now=T0 + MINUTE)
    g3 = submit(world, service_code=grab.code, now=T0 + 2 * MINUTE)  # not yet reviewed
    order_at(world, Status.APPROVED, now=T0 + 3 * MINUTE)  # manual
    g4 = order_at(world, Status.APPROVED, service_code=grab.code, now=T0 + 4 * MINUTE)
    s.order_grab(order_id=g4.pk, actor=world.provider2_staff, provider_id=world.provider2.pk)

    assert [o.pk for o in grabbable_orders(world.provider_staff)] == [g1.pk]  # T1 only
    assert [o.pk for o in grabbable_orders(world.provider2_staff)] == [g1.pk, g2.pk]
    assert grabbable_orders(world.resident) == []
    assert grabbable_orders(world.dispatcher_a) == []
    assert g3.pk not in [o.pk for o in grabbable_orders(world.provider2_staff)]


def test_grabbable_orders_skip_categories_the_team_does_not_serve(world):
    from minsheng.catalog.models import Category

    culture = Category.objects.get(code="public-culture")
    grab = ServiceFactory(
        code="grab-books",
        category=culture,
        regions=[world.county],
        dispatch_mode=Service.DispatchMode.GRAB,
    )
    order_at(world, Status.APPROVED, service_code=grab.code)
    assert grabbable_orders(world.provider_staff) == []


def test_order_timeline_lists_events_in_order(world, orders):
    assert [e.event.action for e in timeline_for(world.county_admin, orders["o5"])] == [
        "submit",
        "approve",
        "dispatch",
        "redispatch",
    ]
