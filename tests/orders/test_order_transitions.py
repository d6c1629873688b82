"""Every transition of the order loop through the services, with the events it appends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minsheng.catalog.models import Service
from minsheng.orders import services as s
from minsheng.orders.models import (
    ACTION_TRANSITIONS,
    TRANSITIONS,
    Action,
    Channel,
    Rating,
    Satisfaction,
    Status,
)
from tests.helpers import MINUTE, T0, advance, order_at, submit
from tests.orders.conftest import events, set_mode

DAY = timedelta(days=1)


def test_transition_table_is_consistent_with_the_actions():
    # Every (from, to) an action may perform is a move the table allows, and every move of
    # the table is performed by some action.
    performed = {pair for pairs in ACTION_TRANSITIONS.values() for pair in pairs}
    allowed = {(frm, to) for frm, tos in TRANSITIONS.items() for to in tos}
    assert performed == allowed


def test_resident_submits_an_order_for_review(world):
    order = submit(world, address=" 村口 3 号 ", description=" 每天午餐 ")

    order.refresh_from_db()
    assert order.status == Status.SUBMITTED
    assert order.service_id == world.service.pk
    assert order.area_id == world.service.category.area_id
    assert order.category_id == world.service.category_id
    assert order.region_id == world.village_a.pk
    assert order.township_id == world.town_a.pk
    assert order.resident_id == world.resident.pk
    assert order.created_by_id == world.resident.pk
    assert order.channel == Channel.WEB
    assert order.description == "每天午餐"
    assert order.address == "村口 3 号"
    assert order.provider_id is None
    assert order.round == 0
    # general urgency: review within 1 day, resolution within 7 days
    assert order.created_at == T0
    assert order.step_deadline == T0 + DAY
    assert order.resolve_deadline == T0 + 7 * DAY
    assert events(order) == [("submit", "", "submitted", "resident", None, "", 0)]


def test_grid_worker_submits_on_behalf_of_a_resident_by_name_and_phone(world):
    order = submit(
        world,
        actor=world.grid_worker,
        channel=Channel.GRID_WORKER,
        contact_name="王大爷",
        contact_phone="13800000000",
    )
    order.refresh_from_db()
    assert order.resident_id is None
    assert order.created_by_id == world.grid_worker.pk
    assert (order.channel, order.contact_name, order.contact_phone) == (
        "grid_worker",
        "王大爷",
        "13800000000",
    )
    assert events(order) == [("submit", "", "submitted", "grid", None, "", 0)]


def test_staff_submits_for_a_resident_account(world):
    order = s.order_submit(
        actor=world.dispatcher_a,
        data=s.OrderInput(region_code="V1", service_code="meal-delivery", channel="hotline"),
        resident=world.resident,
        now=T0,
    )
    order.refresh_from_db()
    assert (order.resident_id, order.created_by_id, order.channel) == (
        world.resident.pk,
        world.dispatcher_a.pk,
        "hotline",
    )


def test_free_form_need_is_submitted_with_area_and_general_urgency(world):
    order = submit(world, service_code="", area_code="elderly", description="屋顶漏雨需要看看")
    order.refresh_from_db()
    assert order.service_id is None
    assert order.category_id is None
    assert order.area.code == "elderly"
    assert order.urgency.code == "general"
    assert order.description == "屋顶漏雨需要看看"


def test_dispatcher_approves_a_manual_order_into_the_dispatch_queue(world):
    order = submit(world)
    s.order_approve(order_id=order.pk, actor=world.dispatcher_a, note="核实", now=T0 + MINUTE)

    order.refresh_from_db()
    assert order.status == Status.APPROVED
    assert order.provider_id is None
    assert order.step_deadline == T0 + MINUTE + DAY
    assert order.resolve_deadline == T0 + 7 * DAY
    assert events(order)[1:] == [("approve", "submitted", "approved", "disp_a", None, "核实", 0)]


def test_approving_an_auto_service_dispatches_to_the_best_candidate_in_the_same_step(world):
    set_mode(world, Service.DispatchMode.AUTO)
    order = submit(world)
    returned = s.order_approve(order_id=order.pk, actor=world.dispatcher_a, now=T0 + MINUTE)

    # The township team is 1.4 km away, the county centre 42 km: the township team wins.
    assert returned.status == Status.DISPATCHED
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert order.provider_id == world.provider.pk
    assert order.dispatched_at == T0 + MINUTE
    assert order.step_deadline == T0 + MINUTE + DAY
    assert events(order)[1:] == [
        ("approve", "submitted", "approved", "disp_a", None, "", 0),
        ("dispatch", "approved", "dispatched", None, world.provider.pk, "", 0),
    ]


def test_approving_an_auto_service_without_any_candidate_leaves_it_queued(world):
    set_mode(world, Service.DispatchMode.AUTO)
    world.provider.categories.clear()
    world.provider2.categories.clear()
    order = submit(world)
    s.order_approve(order_id=order.pk, actor=world.dispatcher_a, now=T0)
    order.refresh_from_db()
    assert order.status == Status.APPROVED
    assert [e[0] for e in events(order)] == ["submit", "approve"]


def test_dispatcher_rejects_with_a_reason(world):
    order = submit(world)
    s.order_reject(order_id=order.pk, actor=world.dispatcher_a, reason=" 重复下单 ", now=T0)
    order.refresh_from_db()
    assert order.status == Status.REJECTED
    assert order.closed_at == T0
    assert order.step_deadline is None
    assert events(order)[1:] == [("reject", "submitted", "rejected", "disp_a", None, "重复下单", 0)]


def test_dispatcher_dispatches_an_approved_order_to_a_provider(world):
    order = order_at(world, Status.APPROVED)
    s.order_dispatch(
        order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk, now=T0 + DAY
    )
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert order.provider_id == world.provider.pk
    assert order.dispatched_at == T0 + DAY
    assert order.step_deadline == T0 + 2 * DAY  # accept limit 1 day
    assert events(order)[-1] == (
        "dispatch",
        "approved",
        "dispatched",
        "disp_a",
        world.provider.pk,
        "",
        0,
    )


def test_county_admin_redispatches_a_dispatched_order_to_another_provider(world):
    order = order_at(world, Status.DISPATCHED)
    s.order_redispatch(
        order_id=order.pk,
        actor=world.county_admin,
        provider_id=str(world.provider2.pk),  # adapters may pass the id as text
        note="就近",
        now=T0 + 2 * DAY,
    )
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert order.provider_id == world.provider2.pk
    assert order.dispatched_at == T0 + 2 * DAY
    assert order.step_deadline == T0 + 3 * DAY
    assert events(order)[-1] == (
        "redispatch",
        "dispatched",
        "dispatched",
        "admin",
        world.provider2.pk,
        "就近",
        0,
    )


def test_declined_manual_order_returns_to_the_dispatch_queue(world):
    order = order_at(world, Status.DISPATCHED)
    s.order_decline(
        order_id=order.pk, actor=world.provider_staff, reason="今天人手不足", now=T0 + DAY
    )
    order.refresh_from_db()
    assert order.status == Status.APPROVED
    assert order.provider_id is None
    assert order.dispatched_at is None
    assert order.step_deadline == T0 + 2 * DAY  # review limit again: it waits for dispatch
    assert events(order)[-1] == (
        "decline",
        "dispatched",
        "approved",
        "p1staff",
        world.provider.pk,
        "今天人手不足",
        0,
    )


def test_declined_auto_order_goes_to_the_next_candidate_not_back_to_the_decliner(world):
    set_mode(world, Service.DispatchMode.AUTO)
    order = submit(world)
    s.order_approve(order_id=order.pk, actor=world.dispatcher_a, now=T0)
    s.order_decline(order_id=order.pk, actor=world.provider_staff, reason="忙", now=T0 + MINUTE)

    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert order.provider_id == world.provider2.pk
    assert events(order)[-2:] == [
        ("decline", "dispatched", "approved", "p1staff", world.provider.pk, "忙", 0),
        ("dispatch", "approved", "dispatched", None, world.provider2.pk, "", 0),
    ]

    # The second provider declines too: nobody is left this round, the order waits.
    s.order_decline(
        order_id=order.pk, actor=world.provider2_staff, reason="远", now=T0 + 2 * MINUTE
    )
    order.refresh_from_db()
    assert order.status == Status.APPROVED
    assert order.provider_id is None
    assert events(order)[-1] == (
        "decline",
        "dispatched",
        "approved",
        "p2staff",
        world.provider2.pk,
        "远",
        0,
    )


def test_provider_grabs_a_grab_mode_order(world):
    set_mode(world, Service.DispatchMode.GRAB)
    order = order_at(world, Status.APPROVED)
    s.order_grab(
        order_id=order.pk, actor=world.provider2_staff, provider_id=world.provider2.pk, now=T0 + DAY
    )
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED
    assert order.provider_id == world.provider2.pk
    assert order.dispatched_at == T0 + DAY
    assert order.accepted_at == T0 + DAY
    assert order.step_deadline == T0 + 7 * DAY  # the resolution deadline
    assert events(order)[-1] == (
        "grab",
        "approved",
        "accepted",
        "p2staff",
        world.provider2.pk,
        "",
        0,
    )


def test_a_grab_without_a_provider_goes_to_the_grabbers_own_team(world):
    set_mode(world, Service.DispatchMode.GRAB)
    order = order_at(world, Status.APPROVED)
    s.order_grab(order_id=order.pk, actor=world.provider_staff, now=T0 + DAY)
    order.refresh_from_db()
    assert (order.status, order.provider_id) == (Status.ACCEPTED, world.provider.pk)
    assert events(order)[-1][:5] == ("grab", "approved", "accepted", "p1staff", world.provider.pk)


def test_provider_accepts_starts_and_delivers(world, settings):
    settings.MINSHENG_AUTO_CLOSE_DAYS = 3
    order = order_at(world, Status.DISPATCHED)

    s.order_accept(order_id=order.pk, actor=world.provider_staff, now=T0 + DAY)
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED
    assert order.accepted_at == T0 + DAY
    assert order.step_deadline == T0 + 7 * DAY

    s.order_start(order_id=order.pk, actor=world.provider_staff, note="出发", now=T0 + 2 * DAY)
    order.refresh_from_db()
    assert order.status == Status.IN_SERVICE
    assert order.step_deadline == T0 + 7 * DAY

    s.order_deliver(order_id=order.pk, actor=world.provider_staff, note="已送餐", now=T0 + 3 * DAY)
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert order.delivered_at == T0 + 3 * DAY
    assert order.step_deadline == T0 + 6 * DAY  # rating window: MINSHENG_AUTO_CLOSE_DAYS
    p = world.provider.pk
    assert events(order)[-3:] == [
        ("accept", "dispatched", "accepted", "p1staff", p, "", 0),
        ("start", "accepted", "in_service", "p1staff", p, "出发", 0),
        ("deliver", "in_service", "delivered", "p1staff", p, "已送餐", 0),
    ]


def test_accept_after_start_past_the_resolution_deadline_sets_the_step_to_now(world):
    order = order_at(world, Status.DISPATCHED)
    late = T0 + 10 * DAY
    s.order_accept(order_id=order.pk, actor=world.provider_staff, now=late)
    order.refresh_from_db()
    assert order.step_deadline == late


def test_rating_solved_closes_the_order(world):
    order = order_at(world, Status.DELIVERED)
    rating = s.order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=s.RatingInput(contacted=True, solved=True, satisfaction="satisfied", comment=" 好 "),
        now=T0 + DAY,
    )
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.closed_at == T0 + DAY
    assert order.step_deadline is None
    rating.refresh_from_db()
    assert (
        rating.order_id,
        rating.round,
        rating.via,
        rating.contacted,
        rating.solved,
        rating.satisfaction,
        rating.comment,
        rating.rated_by_id,
        rating.township_id,
        rating.provider_id,
        rating.valid,
        rating.created_at,
    ) == (
        order.pk,
        0,
        Rating.Via.RESIDENT,
        True,
        True,
        "satisfied",
        "好",
        world.resident.pk,
        world.town_a.pk,
        world.provider.pk,
        True,
        T0 + DAY,
    )
    label = str(Satisfaction.SATISFIED.label)
    assert events(order)[-1] == (
        "rate",
        "delivered",
        "closed",
        "resident",
        world.provider.pk,
        f"{label}: 好",
        0,
    )


def test_staff_callback_rates_for_the_resident(world):
    order = order_at(world, Status.DELIVERED)
    rating = s.order_callback(
        order_id=order.pk,
        actor=world.dispatcher_a,
        data=s.RatingInput(contacted=True, solved=True, satisfaction="basic"),
        now=T0 + DAY,
    )
    assert rating.via == Rating.Via.CALLBACK
    assert rating.rated_by_id == world.dispatcher_a.pk
    order.refresh_from_db()
    assert order.status == Status.CLOSED


def test_not_solved_reopens_then_is_dispatched_delivered_and_rated_again(world):
    order = order_at(world, Status.DELIVERED)
    r0 = s.order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=s.RatingInput(contacted=True, solved=False, satisfaction="dissatisfied"),
        now=T0 + DAY,
    )
    order.refresh_from_db()
    assert order.status == Status.REOPENED
    assert order.round == 1
    assert order.provider_id is None
    assert (order.dispatched_at, order.accepted_at, order.delivered_at) == (None, None, None)
    assert order.step_deadline == T0 + 2 * DAY
    assert order.resolve_deadline == T0 + 8 * DAY
    assert r0.round == 0
    assert events(order)[-1] == (
        "reopen",
        "delivered",
        "reopened",
        "resident",
        world.provider.pk,
        str(Satisfaction.DISSATISFIED.label),
        1,
    )

    # Round 1: to the county centre this time, through to a solved rating.
    advance(world, order, Status.DELIVERED, provider=world.provider2, now=T0 + 2 * DAY)
    r1 = s.order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=s.RatingInput(contacted=True, solved=True, satisfaction="satisfied"),
        now=T0 + 3 * DAY,
    )
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert (r1.round, r1.provider_id) == (1, world.provider2.pk)
    assert list(
        Rating.objects.filter(order=order).order_by("round").values_list("round", "provider_id")
    ) == [
        (0, world.provider.pk),
        (1, world.provider2.pk),
    ]
    assert [(e[0], e[6]) for e in events(order)] == [
        ("submit", 0),
        ("approve", 0),
        ("dispatch", 0),
        ("accept", 0),
        ("start", 0),
        ("deliver", 0),
        ("reopen", 1),
        ("dispatch", 1),
        ("accept", 1),
        ("start", 1),
        ("deliver", 1),
        ("rate", 1),
    ]


def test_not_solved_auto_order_is_redispatched_at_once(world):
    set_mode(world, Service.DispatchMode.AUTO)
    order = order_at(world, Status.DELIVERED)  # approving dispatches at once
    s.order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=s.RatingInput(contacted=True, solved=False, satisfaction="basic"),
        now=T0 + DAY,
    )
    order.refresh_from_db()
    # To the next best team: the township team failed it (tests/orders/test_reopened_team.py).
    assert (order.status, order.round, order.provider_id) == (
        Status.DISPATCHED,
        1,
        world.provider2.pk,
    )
    assert [e[:3] for e in events(order)[-2:]] == [
        ("reopen", "delivered", "reopened"),
        ("dispatch", "reopened", "dispatched"),
    ]


@pytest.mark.parametrize(
    "status",
    [
        Status.SUBMITTED,
        Status.APPROVED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.IN_SERVICE,
        Status.REOPENED,
    ],
)
def test_resident_cancels_from_every_open_status(world, status):
    order = submit(world)
    if status == Status.REOPENED:
        advance(world, order, Status.DELIVERED)
        s.order_rate(
            order_id=order.pk,
            actor=world.resident,
            data=s.RatingInput(True, False, "dissatisfied"),
            now=T0 + DAY,
        )
    else:
        advance(world, order, status)
    order.refresh_from_db()
    assert order.status == status
    held_by = order.provider_id
    s.order_cancel(order_id=order.pk, actor=world.resident, reason="不需要了", now=T0 + 2 * DAY)

    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert order.closed_at == T0 + 2 * DAY
    assert order.step_deadline is None
    assert events(order)[-1] == (
        "cancel",
        status,
        "cancelled",
        "resident",
        held_by,
        "不需要了",
        order.round,
    )


def test_staff_cancels_at_the_residents_request_without_a_reason(world):
    order = submit(world)
    s.order_cancel(order_id=order.pk, actor=world.grid_worker, now=T0)
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert events(order)[-1] == ("cancel", "submitted", "cancelled", "grid", None, "", 0)


def test_every_action_of_the_table_is_exercised_by_a_service():
    # The actions the services above perform; escalation is a flag, not a transition.
    exercised = {
        Action.APPROVE,
        Action.REJECT,
        Action.DISPATCH,
        Action.REDISPATCH,
        Action.DECLINE,
        Action.ACCEPT_TIMEOUT,  # tests/orders/test_time_limits.py
        Action.GRAB,
        Action.ACCEPT,
        Action.START,
        Action.DELIVER,
        Action.RATE,
        Action.REOPEN,
        Action.AUTO_CLOSE,  # tests/orders/test_time_limits.py
        Action.CANCEL,
        Action.REASSIGN,  # tests/orders/test_dispatcher_day.py
        Action.MERGE,  # tests/orders/test_dispatcher_day.py
    }
    assert exercised == set(ACTION_TRANSITIONS)
