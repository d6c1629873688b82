"""The "to rate" badge: how many of the resident's orders are delivered and not yet rated,
in the header and on "My orders" (``policy.to_rate_q``, the same answer as ``can_rate``)."""

from __future__ import annotations

from minsheng.orders import policy
from minsheng.orders.models import Order, Satisfaction, Status
from minsheng.orders.selectors import to_rate_count, to_rate_ids
from minsheng.orders.services import RatingInput, order_rate
from tests.helpers import order_at
from tests.web.conftest import logged_in


def test_the_badge_counts_delivered_unrated_orders_of_the_resident(world):
    waiting = [order_at(world, Status.DELIVERED), order_at(world, Status.DELIVERED)]
    order_at(world, Status.IN_SERVICE)  # not delivered yet
    rated = order_at(world, Status.DELIVERED)
    order_rate(
        order_id=rated.pk,
        actor=world.resident,
        data=RatingInput(contacted="yes", solved="yes", satisfaction=Satisfaction.SATISFIED),
    )
    order_at(world, Status.DELIVERED, region_code="V2")  # resident2's

    assert to_rate_count(world.resident) == 2
    assert to_rate_ids(world.resident) == [o.pk for o in reversed(waiting)]
    assert to_rate_count(world.resident2) == 1
    assert to_rate_count(world.dispatcher_a) == 0
    # The filter and the predicate agree on every order.
    for user in (world.resident, world.resident2, world.dispatcher_a):
        assert {o.pk for o in Order.objects.all() if policy.can_rate(user, o)} == set(
            to_rate_ids(user)
        )

    body = logged_in(world.resident).get("/me/").content.decode()
    assert '<span class="badge">2 to rate</span>' in body
    assert "2 orders are done and wait for your rating" in body
    assert body.count('<span class="flag flag-rate">To rate</span>') == 2


def test_no_badge_without_orders_to_rate(world):
    order_at(world, Status.ACCEPTED)
    body = logged_in(world.resident).get("/").content.decode()
    assert 'class="badge"' not in body
    assert 'class="badge"' not in logged_in(world.dispatcher_a).get("/").content.decode()


def test_the_badge_is_in_chinese_on_chinese_pages(world):
    order_at(world, Status.DELIVERED)
    body = logged_in(world.resident, language="zh-hans").get("/").content.decode()
    assert '<span class="badge">1 单待评价</span>' in body
