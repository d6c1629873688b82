"""Time limits: deadlines per urgency class, and the sweep (escalate, re-dispatch, auto-close)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.translation import gettext as _

from minsheng.catalog.models import Service, UrgencyClass
from minsheng.orders import services as s
from minsheng.orders.models import Order, OrderEvent, Status
from minsheng.orders.services import SweepResult, sweep
from tests.helpers import MINUTE, T0, advance, order_at, submit
from tests.orders.conftest import events, set_mode, snapshot

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def use_urgency(world, code):
    Service.objects.filter(pk=world.service.pk).update(urgency=UrgencyClass.objects.get(code=code))


@pytest.mark.parametrize(
    ("code", "review", "accept", "resolve"),
    [
        ("emergency", timedelta(minutes=15), timedelta(minutes=15), 2 * HOUR),
        ("utilities", 2 * HOUR, 2 * HOUR, 24 * HOUR),
        ("general", DAY, DAY, 7 * DAY),
        ("complex", 2 * DAY, 2 * DAY, 15 * DAY),
    ],
)
def test_each_step_gets_its_deadline_from_the_urgency_class(
    world, settings, code, review, accept, resolve
):
    settings.MINSHENG_AUTO_CLOSE_DAYS = 5
    use_urgency(world, code)
    order = submit(world)
    order.refresh_from_db()
    assert (order.step_deadline, order.resolve_deadline) == (T0 + review, T0 + resolve)

    t = T0 + MINUTE
    s.order_approve(order_id=order.pk, actor=world.dispatcher_a, now=t)
    order.refresh_from_db()
    assert order.step_deadline == t + review

    t += MINUTE
    s.order_dispatch(
        order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk, now=t
    )
    order.refresh_from_db()
    assert order.step_deadline == t + accept

    t += MINUTE
    s.order_accept(order_id=order.pk, actor=world.provider_staff, now=t)
    order.refresh_from_db()
    assert order.step_deadline == T0 + resolve

    t += MINUTE
    s.order_start(order_id=order.pk, actor=world.provider_staff, now=t)
    order.refresh_from_db()
    assert order.step_deadline == T0 + resolve

    t += MINUTE
    s.order_deliver(order_id=order.pk, actor=world.provider_staff, note="好", now=t)
    order.refresh_from_db()
    assert order.step_deadline == t + 5 * DAY


def overdue_at(world, status):
    """An order in ``status`` (reached at T0…T0+4min) and an instant just past its step."""
    order = order_at(world, status)
    return order, order.step_deadline + SECOND


@pytest.mark.parametrize(
    "status", [Status.SUBMITTED, Status.APPROVED, Status.ACCEPTED, Status.IN_SERVICE]
)
def test_sweep_escalates_an_overdue_step_exactly_once(world, status):
    order, late = overdue_at(world, status)
    due = order.step_deadline
    count_before = len(events(order))

    assert sweep(now=late) == SweepResult(escalated=1)

    order.refresh_from_db()
    assert order.status == status
    assert order.escalated_at == late
    assert order.escalation_count == 1
    assert order.step_deadline == due
    new = events(order)[count_before:]
    local_due = due.astimezone(T0.tzinfo).strftime("%Y-%m-%d %H:%M")
    assert [(*e[:5], e[6]) for e in new] == [
        ("escalate", status, status, None, order.provider_id, 0)
    ]
    assert local_due in new[0][5]

    # A second sweep, even much later, changes nothing.
    before = snapshot(order)
    assert sweep(now=late + 3 * DAY) == SweepResult()
    assert snapshot(order) == before


def test_a_reopened_order_left_in_the_queue_is_escalated_once(world):
    order = order_at(world, Status.DELIVERED)
    s.order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=s.RatingInput(True, False, "dissatisfied"),
        now=T0 + HOUR,
    )
    order.refresh_from_db()
    assert order.step_deadline == T0 + HOUR + DAY
    late = order.step_deadline + SECOND
    assert sweep(now=late) == SweepResult(escalated=1)
    assert sweep(now=late + DAY) == SweepResult()
    order.refresh_from_db()
    assert (order.status, order.round, order.escalation_count) == (Status.REOPENED, 1, 1)
    assert (*events(order)[-1][:3], events(order)[-1][6]) == (
        "escalate",
        "reopened",
        "reopened",
        1,
    )


def test_an_escalated_order_stays_in_the_loop_and_its_next_step_can_escalate_again(world):
    order, late = overdue_at(world, Status.SUBMITTED)
    sweep(now=late)
    s.order_approve(order_id=order.pk, actor=world.dispatcher_a, now=late)
    order.refresh_from_db()
    assert order.escalated_at is None  # a new step starts on time
    assert order.escalation_count == 1

    assert sweep(now=late + DAY + SECOND) == SweepResult(escalated=1)
    order.refresh_from_db()
    assert order.escalation_count == 2
    assert [e[0] for e in events(order)] == ["submit", "escalate", "approve", "escalate"]


def test_a_dispatched_manual_order_not_taken_in_time_is_requeued(world):
    order, late = overdue_at(world, Status.DISPATCHED)

    assert sweep(now=late) == SweepResult(requeued=1)

    order.refresh_from_db()
    assert order.status == Status.APPROVED
    assert order.provider_id is None
    assert order.dispatched_at is None
    assert order.step_deadline == late + DAY
    assert events(order)[-1] == (
        "accept_timeout",
        "dispatched",
        "approved",
        None,
        world.provider.pk,
        str(_("Not taken within the time limit.")),
        0,
    )
    assert sweep(now=late + MINUTE) == SweepResult()


def test_a_dispatched_auto_order_not_taken_in_time_goes_to_the_next_candidate(world):
    set_mode(world, Service.DispatchMode.AUTO)
    order = submit(world)
    s.order_approve(order_id=order.pk, actor=world.dispatcher_a, now=T0)
    order.refresh_from_db()
    assert order.provider_id == world.provider.pk
    late = order.step_deadline + SECOND

    assert sweep(now=late) == SweepResult(redispatched=1)

    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert order.provider_id == world.provider2.pk
    assert order.dispatched_at == late
    assert order.step_deadline == late + DAY
    assert [e[:5] for e in events(order)[-2:]] == [
        ("accept_timeout", "dispatched", "approved", None, world.provider.pk),
        ("dispatch", "approved", "dispatched", None, world.provider2.pk),
    ]

    # The second provider lets it time out too: nobody is left this round.
    later = order.step_deadline + SECOND
    assert sweep(now=later) == SweepResult(requeued=1)
    order.refresh_from_db()
    assert (order.status, order.provider_id) == (Status.APPROVED, None)


def test_a_delivered_order_left_unrated_is_closed_after_the_configured_days(world, settings):
    settings.MINSHENG_AUTO_CLOSE_DAYS = 3
    order = order_at(world, Status.DELIVERED)
    delivered_at = order.delivered_at
    assert order.step_deadline == delivered_at + 3 * DAY

    before = snapshot(order)
    assert sweep(now=delivered_at + 3 * DAY - SECOND) == SweepResult()
    assert snapshot(order) == before

    closing = delivered_at + 3 * DAY + SECOND
    assert sweep(now=closing) == SweepResult(auto_closed=1)
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.closed_at == closing
    assert order.ratings.count() == 0
    assert events(order)[-1] == (
        "auto_close",
        "delivered",
        "closed",
        None,
        world.provider.pk,
        "",
        0,
    )
    assert sweep(now=closing + DAY) == SweepResult()


@pytest.mark.parametrize(
    "status",
    [
        Status.SUBMITTED,
        Status.APPROVED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.IN_SERVICE,
        Status.DELIVERED,
    ],
)
def test_sweep_leaves_orders_within_their_time_limits_untouched(world, status):
    order = order_at(world, status)
    before = snapshot(order)
    assert sweep(now=order.step_deadline) == SweepResult()  # due, not yet overdue
    assert snapshot(order) == before


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REJECTED, Status.CANCELLED])
def test_sweep_ignores_finished_orders(world, status):
    order = submit(world)
    if status == Status.REJECTED:
        s.order_reject(order_id=order.pk, actor=world.dispatcher_a, reason="重复", now=T0)
    elif status == Status.CANCELLED:
        s.order_cancel(order_id=order.pk, actor=world.resident, now=T0)
    else:
        advance(world, order, Status.DELIVERED)
        s.order_rate(
            order_id=order.pk,
            actor=world.resident,
            data=s.RatingInput(True, True, "satisfied"),
            now=T0 + HOUR,
        )
    before = snapshot(order)
    assert sweep(now=T0 + 365 * DAY) == SweepResult()
    assert snapshot(order) == before


def test_sweep_handles_a_mix_in_one_run(world, settings):
    settings.MINSHENG_AUTO_CLOSE_DAYS = 7
    submitted = submit(world)
    dispatched = order_at(world, Status.DISPATCHED)
    delivered = order_at(world, Status.DELIVERED)
    fresh = submit(world, now=T0 + 10 * DAY)

    assert sweep(now=T0 + 8 * DAY) == SweepResult(escalated=1, requeued=1, auto_closed=1)
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {
        submitted.pk: Status.SUBMITTED,
        dispatched.pk: Status.APPROVED,
        delivered.pk: Status.CLOSED,
        fresh.pk: Status.SUBMITTED,
    }
    assert OrderEvent.objects.filter(order=fresh).count() == 1


def test_sweep_batch_limits_the_orders_handled_per_run(world):
    first, second = submit(world), submit(world, now=T0 + MINUTE)
    assert sweep(now=T0 + 2 * DAY, batch=1) == SweepResult(escalated=1)
    assert Order.objects.get(pk=first.pk).escalation_count == 1  # most overdue first
    assert sweep(now=T0 + 2 * DAY, batch=1) == SweepResult(escalated=1)
    assert Order.objects.get(pk=second.pk).escalation_count == 1


def test_sweep_command_prints_a_summary(world):
    # T0 lies in the past of the real clock the command uses: the order is long overdue.
    submit(world)
    order_at(world, Status.DISPATCHED)
    out = StringIO()
    call_command("sweep", stdout=out)
    assert out.getvalue() == "escalated=1 redispatched=0 requeued=1 auto_closed=0\n"

    out = StringIO()
    call_command("sweep", "--batch", "10", stdout=out)
    assert out.getvalue() == "escalated=0 redispatched=0 requeued=0 auto_closed=0\n"
