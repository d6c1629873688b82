"""Order events → notifications: who is told what, once, after the commit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minsheng.accounts.models import Role
from minsheng.core.errors import Conflict
from minsheng.notify.models import Delivery, Message
from minsheng.notify.sms import read_outbox
from minsheng.orders import notifications
from minsheng.orders import services as s
from minsheng.orders.models import Order, Status
from minsheng.orders.services import events
from tests.factories import make_user
from tests.helpers import T0, advance, submit
from tests.notify.conftest import RESIDENT_MOBILE


def inbox(user) -> list[str]:
    return list(
        Message.objects.filter(recipient=user)
        .order_by("created_at", "pk")
        .values_list("template", flat=True)
    )


@pytest.mark.django_db
def test_resident_is_told_each_step_by_sms_and_inbox(phones, django_capture_on_commit_callbacks):
    world = phones
    with django_capture_on_commit_callbacks(execute=True):
        order = submit(world)
        advance(world, order, Status.DELIVERED)
    steps = [
        "order_approved",
        "order_dispatched",
        "order_accepted",
        "order_started",
        "order_delivered",
    ]
    assert inbox(world.resident) == steps
    sent = read_outbox()
    assert [m["template"] for m in sent] == steps
    assert {m["phone"] for m in sent} == {RESIDENT_MOBILE}
    delivered = sent[-1]
    assert delivered["params"]["number"] == order.number
    assert delivered["params"]["link"].startswith("http://127.0.0.1:8000/r/")
    assert delivered["text"].startswith(
        f"【民生】您的订单 {order.number}（助餐送餐）已办结。请评价："
    )
    # The inbox's link for a delivered order is the rating link too.
    assert Message.objects.get(recipient=world.resident, template="order_delivered").link == (
        delivered["params"]["link"].removeprefix("http://127.0.0.1:8000")
    )


@pytest.mark.django_db
def test_staff_are_told_when_an_order_enters_their_queue(
    phones, django_capture_on_commit_callbacks
):
    world = phones
    with django_capture_on_commit_callbacks(execute=True):
        order = submit(world)
    # The township's dispatcher; not the other township's, not the county's.
    assert inbox(world.dispatcher_a) == ["staff_queue"]
    assert inbox(world.dispatcher_b) == []
    assert inbox(world.county_admin) == []
    with django_capture_on_commit_callbacks(execute=True):
        s.order_approve(order_id=order.pk, actor=world.dispatcher_a, now=T0)
        s.order_dispatch(
            order_id=order.pk,
            actor=world.dispatcher_a,
            provider_id=world.provider.pk,
            now=T0 + timedelta(minutes=1),
        )
    # Who acted is not told of their own step; the provider's staff are told of theirs.
    assert inbox(world.dispatcher_a) == ["staff_queue"]
    assert inbox(world.provider_staff) == ["staff_assigned"]
    assert inbox(world.provider2_staff) == []
    message = Message.objects.get(recipient=world.provider_staff)
    assert message.link == f"/staff/orders/{order.pk}/"
    assert message.params["provider"] == "甲镇志愿队"


@pytest.mark.django_db
def test_decline_returns_to_the_dispatchers_queue(phones, django_capture_on_commit_callbacks):
    world = phones
    order = advance(world, submit(world), Status.DISPATCHED)
    with django_capture_on_commit_callbacks(execute=True):
        s.order_decline(
            order_id=order.pk,
            actor=world.provider_staff,
            reason="人手不够",
            now=T0 + timedelta(hours=1),
        )
    assert inbox(world.dispatcher_a) == ["staff_queue"]
    assert Message.objects.get(recipient=world.dispatcher_a).params["state"] == "待派单"


@pytest.mark.django_db
def test_order_without_an_account_gets_sms_only(phones, django_capture_on_commit_callbacks):
    world = phones
    with django_capture_on_commit_callbacks(execute=True):
        order = s.order_submit(
            actor=world.grid_worker,
            data=s.OrderInput(
                region_code="V1",
                service_code="meal-delivery",
                channel="grid_worker",
                contact_name="李奶奶",
                contact_phone="13700002222",
            ),
            now=T0,
        )
        advance(world, order, Status.APPROVED)
    assert Order.objects.get(pk=order.pk).resident_id is None
    [sms] = read_outbox()
    assert (sms["phone"], sms["template"]) == ("13700002222", "order_approved")
    assert Delivery.objects.get().recipient_id is None
    assert Message.objects.filter(template="order_approved").count() == 0


@pytest.mark.django_db
def test_the_same_event_twice_tells_nobody_twice(phones, django_capture_on_commit_callbacks):
    world = phones
    order = advance(world, submit(world), Status.APPROVED)
    event = order.events.get(action="approve")
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_event(event.pk) == 1
        assert notifications.notify_event(event.pk) == 1
    assert inbox(world.resident) == ["order_approved"]
    assert [m["template"] for m in read_outbox()] == ["order_approved"]


@pytest.mark.django_db
def test_nothing_is_told_when_the_step_is_refused(phones, django_capture_on_commit_callbacks):
    world = phones
    order = advance(world, submit(world), Status.APPROVED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Conflict) as refusal,
    ):
        s.order_approve(order_id=order.pk, actor=world.dispatcher_a)
    assert refusal.value.codes == ["illegal_transition"]
    assert callbacks == []
    assert Message.objects.count() == 0
    assert Delivery.objects.count() == 0


@pytest.mark.django_db
def test_escalation_tells_the_dispatchers(phones, django_capture_on_commit_callbacks):
    world = phones
    order = submit(world)
    with django_capture_on_commit_callbacks(execute=True):
        result = s.sweep(now=T0 + timedelta(days=30))
    assert result.escalated == 1
    assert inbox(world.dispatcher_a) == ["staff_escalated"]
    assert inbox(world.resident) == []
    order.refresh_from_db()
    assert order.escalation_count == 1


def _event(order, action, provider_id=None):
    """An event of an action the dispatcher's tools add (urge, escalate to the county,
    reassign), written as they will write it."""
    event = events.build(
        order_id=order.pk,
        action=action,
        old_status=order.status,
        new_status=order.status,
        at=T0 + timedelta(hours=2),
        round=order.round,
        audience="staff",
        provider_id=provider_id,
    )
    event.save(force_insert=True)
    return event


@pytest.mark.django_db
def test_urge_escalate_to_county_and_reassign(phones, django_capture_on_commit_callbacks):
    world = phones
    make_user(Role.DISPATCHER, world.county, username="county_disp")
    order = advance(world, submit(world), Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_event(_event(order, "urge").pk)
        notifications.notify_event(_event(order, "escalate_county").pk)
    assert inbox(world.provider_staff) == ["staff_urged"]
    assert sorted(
        Message.objects.filter(template="staff_escalated").values_list(
            "recipient__username", flat=True
        )
    ) == ["admin", "county_disp"]
    Order.objects.filter(pk=order.pk).update(provider=world.provider2)
    order.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_event(_event(order, "reassign", world.provider2.pk).pk)
    assert inbox(world.provider2_staff) == ["staff_assigned"]


@pytest.mark.django_db
def test_a_near_deadline_is_told_once_to_whoever_holds_the_step(
    phones, django_capture_on_commit_callbacks
):
    world = phones
    order = submit(world)
    due = order.step_deadline
    with django_capture_on_commit_callbacks(execute=True):
        # Not yet within the warning window (2 hours by default).
        assert notifications.warn_deadlines(now=due - timedelta(hours=3)) == 0
        assert notifications.warn_deadlines(now=due - timedelta(hours=1)) == 1
        notifications.warn_deadlines(now=due - timedelta(minutes=30))
    assert inbox(world.dispatcher_a) == ["staff_deadline"]
    assert Message.objects.get(recipient=world.dispatcher_a).key == (
        f"order-deadline:{order.pk}:{int(due.timestamp())}"
    )
    # Once dispatched, the next step's deadline goes to the provider's staff.
    order = advance(world, order, Status.DISPATCHED)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.warn_deadlines(now=order.step_deadline - timedelta(hours=1))
    assert inbox(world.provider_staff) == ["staff_deadline"]


@pytest.mark.django_db
def test_the_dispatchers_tools_tell_the_people_they_concern(
    phones, django_capture_on_commit_callbacks
):
    """Urging, reassigning and escalating to the county, through their own services: the
    team holding the order, the new team, the county's dispatchers."""
    world = phones
    county_dispatcher = make_user(Role.DISPATCHER, world.county, username="disp_county")
    order = submit(world)
    advance(world, order, Status.ACCEPTED)  # held by world.provider
    with django_capture_on_commit_callbacks(execute=True):
        s.order_urge(order_id=order.pk, actor=world.dispatcher_a, note="老人在等")
    assert inbox(world.provider_staff)[-1] == "staff_urged"
    assert "staff_urged" not in inbox(world.provider2_staff)

    with django_capture_on_commit_callbacks(execute=True):
        s.order_escalate_county(order_id=order.pk, actor=world.dispatcher_a, reason="两天没人管")
    assert inbox(county_dispatcher) == ["staff_escalated"]
    assert "staff_escalated" not in inbox(world.dispatcher_a)  # who acted is not told

    with django_capture_on_commit_callbacks(execute=True):
        s.order_reassign(
            order_id=order.pk,
            actor=world.dispatcher_a,
            provider_id=world.provider2.pk,
            reason="原队伍人手不够",
        )
    assert inbox(world.provider2_staff) == ["staff_assigned"]
