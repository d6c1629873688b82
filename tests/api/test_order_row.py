"""order_row writes what OrderSerializer's declared fields would, key for key, whatever
state the order is in (the fields are the schema; order_row is the fast path)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.orders import policy
from minsheng.orders import services as s
from minsheng.orders.models import Order, Status
from minsheng.orders.selectors import ratings_for, timeline_for
from minsheng.orders.serializers import OrderDetailSerializer, OrderSerializer, order_row
from tests.helpers import advance, submit

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 1, 30, 15, 123456, tzinfo=UTC)


def _orders(world: Any) -> list[Order]:
    s.order_submit(
        actor=world.grid_worker,
        data=s.OrderInput(
            region_code="V1",
            area_code=world.service.category.area.code,
            description="屋顶漏雨",
            channel="visit",
            contact_name="李大爷",
            contact_phone="13900000000",
        ),
        now=T0,
    )
    menu = submit(world, latitude=30.0105, longitude=110.01, now=T0 + timedelta(minutes=1))
    advance(world, menu, Status.ACCEPTED, now=T0 + timedelta(hours=1))
    s.sweep(now=T0 + timedelta(days=30))  # escalates what is overdue
    return list(
        Order.objects.select_related(
            "service", "area", "category", "urgency", "region", "township"
        ).order_by("pk")
    )


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_order_row_is_what_the_serializer_fields_write(world: Any, zone: str) -> None:
    orders = _orders(world)
    assert {o.escalated_at is not None for o in orders} == {True}
    with timezone.override(zone):
        for order in orders:
            expected = OrderSerializer().fields_representation(order)
            row = order_row(order)
            assert list(row) == list(expected)
            assert row == expected


def test_the_detail_adds_answers_timeline_and_ratings_in_schema_order(world: Any) -> None:
    order = _orders(world)[1]
    user = world.dispatcher_a
    context = {
        "contact": policy.contact_of(user, order),
        "reading": policy.reading_of(user, order),
        "entries": timeline_for(user, order),
        "ratings": ratings_for(user, order),
    }
    data = OrderDetailSerializer(order, context=context).data
    assert list(data) == OrderDetailSerializer.Meta.fields
    assert data["answers"] == order.answers
    assert [e["action"] for e in data["events"]] == [
        "submit",
        "approve",
        "dispatch",
        "accept",
        "escalate",
    ]
    assert data["ratings"] == []
