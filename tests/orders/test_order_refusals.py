"""Every refusal of the order services: the exact error class, code and field, and nothing
written (order row, event count, rating count, order count all unchanged)."""

from __future__ import annotations

import contextlib
import itertools
from datetime import timedelta

import pytest

from minsheng.catalog.models import Provider, Service
from minsheng.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from minsheng.orders import services as s
from minsheng.orders.models import Channel, Order, Status
from tests.factories import ServiceFactory
from tests.helpers import T0, order_at, submit
from tests.orders.conftest import refused, set_mode, snapshot

DAY = timedelta(days=1)


def rate(order, actor, solved=True):
    """The resident rates; anyone else records a callback (the REST API and the web each
    have their own door for the two)."""
    step = s.order_rate if actor.username.startswith("resident") else s.order_callback
    return lambda: step(
        order_id=order.pk,
        actor=actor,
        data=s.RatingInput(contacted=True, solved=solved, satisfaction="satisfied"),
        now=T0 + DAY,
    )


# --- illegal transitions -----------------------------------------------------------------------


def test_rating_an_open_order_is_an_illegal_transition(world):
    order = order_at(world, Status.ACCEPTED)
    refused(
        rate(order, world.resident),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_accepting_a_cancelled_order_is_an_illegal_transition(world):
    order = order_at(world, Status.DISPATCHED)
    s.order_cancel(order_id=order.pk, actor=world.resident, now=T0 + DAY)
    refused(
        lambda: s.order_accept(order_id=order.pk, actor=world.provider_staff),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_delivering_before_starting_is_an_illegal_transition(world):
    order = order_at(world, Status.ACCEPTED)
    refused(
        lambda: s.order_deliver(order_id=order.pk, actor=world.provider_staff, note="好了"),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_approving_twice_is_an_illegal_transition(world):
    order = order_at(world, Status.APPROVED)
    refused(
        lambda: s.order_approve(order_id=order.pk, actor=world.dispatcher_a),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_rejecting_an_approved_order_is_an_illegal_transition(world):
    order = order_at(world, Status.APPROVED)
    refused(
        lambda: s.order_reject(order_id=order.pk, actor=world.dispatcher_a, reason="晚了"),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_declining_an_accepted_order_is_an_illegal_transition(world):
    order = order_at(world, Status.ACCEPTED)
    refused(
        lambda: s.order_decline(order_id=order.pk, actor=world.provider_staff, reason="忙"),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_dispatching_a_dispatched_order_is_already_dispatched(world):
    order = order_at(world, Status.DISPATCHED)
    refused(
        lambda: s.order_dispatch(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk
        ),
        error=Conflict,
        errors=[("already_dispatched", "order")],
        order=order,
    )


def test_redispatching_a_queued_order_is_an_illegal_transition(world):
    order = order_at(world, Status.APPROVED)
    refused(
        lambda: s.order_redispatch(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk
        ),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_dispatching_a_submitted_order_is_an_illegal_transition(world):
    order = submit(world)
    refused(
        lambda: s.order_dispatch(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk
        ),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_redispatching_to_the_same_provider_is_refused(world):
    order = order_at(world, Status.DISPATCHED)
    refused(
        lambda: s.order_redispatch(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk
        ),
        errors=[("provider_unchanged", "provider")],
        order=order,
    )


def test_grabbing_a_manual_order_is_refused(world):
    order = order_at(world, Status.APPROVED)
    refused(
        lambda: s.order_grab(
            order_id=order.pk, actor=world.provider_staff, provider_id=world.provider.pk
        ),
        error=Conflict,
        errors=[("not_grabbable", "order")],
        order=order,
    )


def test_grabbing_a_taken_grab_order_is_already_taken(world):
    set_mode(world, Service.DispatchMode.GRAB)
    order = order_at(world, Status.APPROVED)
    s.order_grab(order_id=order.pk, actor=world.provider2_staff, provider_id=world.provider2.pk)
    refused(
        lambda: s.order_grab(
            order_id=order.pk, actor=world.provider_staff, provider_id=world.provider.pk
        ),
        error=Conflict,
        errors=[("already_taken", "order")],
        order=order,
    )


def test_grabbing_for_a_provider_one_does_not_work_for_is_refused(world):
    set_mode(world, Service.DispatchMode.GRAB)
    order = order_at(world, Status.APPROVED)
    refused(
        lambda: s.order_grab(
            order_id=order.pk, actor=world.provider_staff, provider_id=world.provider2.pk
        ),
        error=PermissionDenied,
        errors=[("not_permitted", "order")],
        order=order,
    )


def test_a_grab_without_a_provider_by_someone_with_no_team_for_it_is_refused(world):
    set_mode(world, Service.DispatchMode.GRAB)
    order = order_at(world, Status.APPROVED, region_code="V2")
    # provider_staff's team serves township T1 only; the order is in T2.
    for actor in (world.provider_staff, world.dispatcher_b):
        refused(
            lambda actor=actor: s.order_grab(order_id=order.pk, actor=actor),
            error=PermissionDenied,
            errors=[("not_permitted", "order")],
            order=order,
        )


def test_cancelling_a_closed_order_is_an_illegal_transition(world):
    order = order_at(world, Status.DELIVERED)
    rate(order, world.resident)()
    refused(
        lambda: s.order_cancel(order_id=order.pk, actor=world.resident),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_rating_twice_is_already_rated(world):
    order = order_at(world, Status.DELIVERED)
    rate(order, world.resident)()
    refused(
        rate(order, world.dispatcher_a),
        error=Conflict,
        errors=[("already_rated", "order")],
        order=order,
    )


def test_rating_a_reopened_order_again_is_already_rated(world):
    order = order_at(world, Status.DELIVERED)
    rate(order, world.resident, solved=False)()
    refused(
        rate(order, world.resident),
        error=Conflict,
        errors=[("already_rated", "order")],
        order=order,
    )


def test_rating_a_reopened_auto_order_already_redispatched_is_already_rated(world):
    set_mode(world, Service.DispatchMode.AUTO)
    order = order_at(world, Status.DELIVERED)  # approving dispatches at once
    rate(order, world.resident, solved=False)()
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    refused(
        rate(order, world.dispatcher_a),
        error=Conflict,
        errors=[("already_rated", "order")],
        order=order,
    )


def test_rating_an_auto_closed_order_is_an_illegal_transition(world):
    order = order_at(world, Status.DELIVERED)
    s.sweep(now=T0 + 30 * DAY)
    refused(
        rate(order, world.resident),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            s.RatingInput(None, None, ""),
            [
                ("required", "contacted"),
                ("required", "solved"),
                ("satisfaction_invalid", "satisfaction"),
            ],
        ),
        (s.RatingInput("maybe", True, "satisfied"), [("required", "contacted")]),
        (s.RatingInput(True, True, "happy"), [("satisfaction_invalid", "satisfaction")]),
        (s.RatingInput(True, True, "satisfied", "字" * 4001), [("too_long", "comment")]),
    ],
)
def test_rating_input_is_validated(world, data, errors):
    order = order_at(world, Status.DELIVERED)
    refused(
        lambda: s.order_rate(order_id=order.pk, actor=world.resident, data=data),
        errors=errors,
        order=order,
    )


# --- acting outside one's scope ---------------------------------------------------------------


@pytest.mark.parametrize("verb", ["approve", "reject", "cancel"])
def test_dispatcher_of_another_township_may_not_act(world, verb):
    order = submit(world)
    calls = {
        "approve": lambda: s.order_approve(order_id=order.pk, actor=world.dispatcher_b),
        "reject": lambda: s.order_reject(order_id=order.pk, actor=world.dispatcher_b, reason="x"),
        "cancel": lambda: s.order_cancel(order_id=order.pk, actor=world.dispatcher_b),
    }
    refused(calls[verb], error=PermissionDenied, errors=[("not_permitted", "order")], order=order)


def test_dispatcher_of_another_township_may_not_dispatch(world):
    order = order_at(world, Status.APPROVED)
    refused(
        lambda: s.order_dispatch(
            order_id=order.pk, actor=world.dispatcher_b, provider_id=world.provider2.pk
        ),
        error=PermissionDenied,
        errors=[("not_permitted", "order")],
        order=order,
    )


def test_dispatcher_of_another_township_may_not_record_a_callback(world):
    order = order_at(world, Status.DELIVERED)
    refused(
        rate(order, world.dispatcher_b),
        error=PermissionDenied,
        errors=[("not_permitted", "order")],
        order=order,
    )


@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_staff_of_another_provider_may_not_act_on_a_dispatched_order(world, verb):
    order = order_at(world, Status.DISPATCHED)
    calls = {
        "accept": lambda: s.order_accept(order_id=order.pk, actor=world.provider2_staff),
        "decline": lambda: s.order_decline(
            order_id=order.pk, actor=world.provider2_staff, reason="x"
        ),
    }
    refused(calls[verb], error=PermissionDenied, errors=[("not_permitted", "order")], order=order)


@pytest.mark.parametrize("verb", ["start", "deliver"])
def test_staff_of_another_provider_may_not_work_an_accepted_order(world, verb):
    order = order_at(world, Status.ACCEPTED)
    calls = {
        "start": lambda: s.order_start(order_id=order.pk, actor=world.provider2_staff),
        "deliver": lambda: s.order_deliver(
            order_id=order.pk, actor=world.provider2_staff, note="x"
        ),
    }
    refused(calls[verb], error=PermissionDenied, errors=[("not_permitted", "order")], order=order)


def test_staff_whose_team_was_redispatched_away_get_not_assigned(world):
    order = order_at(world, Status.DISPATCHED)
    s.order_redispatch(order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk)
    refused(
        lambda: s.order_accept(order_id=order.pk, actor=world.provider_staff),
        error=Conflict,
        errors=[("not_assigned", "order")],
        order=order,
    )


@pytest.mark.parametrize("verb", ["cancel", "rate"])
def test_another_resident_may_not_act_on_the_order(world, verb):
    order = order_at(world, Status.DELIVERED)
    calls = {
        "cancel": lambda: s.order_cancel(order_id=order.pk, actor=world.resident2),
        "rate": rate(order, world.resident2),
    }
    refused(calls[verb], error=PermissionDenied, errors=[("not_permitted", "order")], order=order)


def test_a_resident_may_not_approve(world):
    order = submit(world)
    refused(
        lambda: s.order_approve(order_id=order.pk, actor=world.resident),
        error=PermissionDenied,
        errors=[("not_permitted", "order")],
        order=order,
    )


def test_grid_worker_may_not_order_outside_their_village(world):
    refused(
        lambda: submit(
            world,
            actor=world.grid_worker,
            region_code="V2",
            channel=Channel.GRID_WORKER,
            contact_name="李",
            contact_phone="139",
        ),
        errors=[("region_out_of_scope", "region")],
    )


def test_provider_staff_may_not_order(world):
    refused(
        lambda: submit(world, actor=world.provider_staff),
        error=PermissionDenied,
        errors=[("not_permitted", None)],
    )


def test_anonymous_may_not_order(world):
    from django.contrib.auth.models import AnonymousUser

    refused(
        lambda: submit(world, actor=AnonymousUser()),
        error=PermissionDenied,
        errors=[("login_required", None)],
    )


# --- what was ordered --------------------------------------------------------------------------


def test_unknown_service_is_refused(world):
    refused(lambda: submit(world, service_code="no-such"), errors=[("service_unknown", "service")])


def test_unpublished_service_is_refused(world):
    Service.objects.filter(pk=world.service.pk).update(published=False)
    refused(lambda: submit(world), errors=[("service_unpublished", "service")])


def test_service_not_offered_at_the_place_is_refused(world):
    ServiceFactory(code="town-b-only", regions=[world.town_b])
    refused(
        lambda: submit(world, service_code="town-b-only", region_code="V1"),
        errors=[("service_not_offered", "region")],
    )


def test_county_level_region_is_too_broad(world):
    refused(lambda: submit(world, region_code="C"), errors=[("region_too_broad", "region")])


@pytest.mark.parametrize("code", ["NOWHERE", "", None])
def test_unknown_region_is_refused(world, code):
    refused(lambda: submit(world, region_code=code), errors=[("region_unknown", "region")])


def test_missing_required_attribute_is_refused(world, questions):
    refused(
        lambda: submit(world, answers={"mobility": "aided", "extras": ["carry"]}),
        errors=[("attribute_required", "attribute[people]")],
    )


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"people": "three"}, [("attribute_not_number", "attribute[people]")]),
        ({"when": "next friday"}, [("attribute_not_datetime", "attribute[when]")]),
        ({"mobility": "z"}, [("attribute_unknown_choice", "attribute[mobility]")]),
        (
            {"mobility": ["unaided", "aided"]},
            [("attribute_not_single", "attribute[mobility]")],
        ),
        ({"pets": "cat"}, [("attribute_unknown", "attribute[pets]")]),
        (
            {"people": "x", "extras": ["carry", "q"], "pets": 1},
            [
                ("attribute_unknown", "attribute[pets]"),
                ("attribute_not_number", "attribute[people]"),
                ("attribute_unknown_choice", "attribute[extras]"),
            ],
        ),
    ],
)
def test_ill_typed_answers_are_refused(world, questions, answers, errors):
    """Each answer on its own; the required ones are answered where the case does not."""
    answers = {"mobility": "aided", "people": 2, **answers}
    refused(lambda: submit(world, answers=answers), errors=errors)


def test_answers_that_are_not_a_mapping_are_refused(world, questions):
    refused(
        lambda: submit(world, answers=["people", 2]),
        errors=[
            ("attributes_invalid", "attribute"),
            ("attribute_required", "attribute[mobility]"),
            ("attribute_required", "attribute[people]"),
        ],
    )


def test_oversized_description_is_refused(world):
    refused(lambda: submit(world, description="字" * 4001), errors=[("too_long", "description")])


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"address": "路" * 301}, [("too_long", "address")]),
        (
            {
                "actor_is_staff": True,
                "contact_name": "名" * 101,
                "contact_phone": "1" * 31,
            },
            [("too_long", "contact_name"), ("too_long", "contact_phone")],
        ),
    ],
)
def test_oversized_place_and_contact_fields_are_refused(world, fields, errors):
    fields = dict(fields)
    if fields.pop("actor_is_staff", False):
        fields.update(actor=world.dispatcher_a, channel=Channel.HOTLINE)
    refused(lambda: submit(world, **fields), errors=errors)


def test_address_of_exactly_the_limit_after_trimming_is_accepted(world):
    order = submit(world, address="  " + "路" * 300 + "  ")
    assert Order.objects.get(pk=order.pk).address == "路" * 300


def test_description_of_exactly_the_limit_is_accepted(world):
    order = submit(world, description="字" * 4000)
    assert len(Order.objects.get(pk=order.pk).description) == 4000


def test_latitude_without_longitude_is_refused(world):
    refused(lambda: submit(world, latitude=30.01), errors=[("location_incomplete", "longitude")])


def test_longitude_without_latitude_is_refused(world):
    refused(lambda: submit(world, longitude=110.0), errors=[("location_incomplete", "latitude")])


@pytest.mark.parametrize(
    ("lat", "lon", "errors"),
    [
        (90.5, 110.0, [("latitude_range", "latitude")]),
        (30.0, -180.5, [("longitude_range", "longitude")]),
        ("north", 110.0, [("not_number", "latitude")]),
        (float("nan"), 110.0, [("not_number", "latitude")]),
        (30.0, float("inf"), [("not_number", "longitude")]),
    ],
)
def test_bad_coordinates_are_refused(world, lat, lon, errors):
    refused(lambda: submit(world, latitude=lat, longitude=lon), errors=errors)


def test_free_form_need_without_area_is_refused(world):
    refused(
        lambda: submit(world, service_code="", description="路灯坏了"),
        errors=[("area_required", "service")],
    )


def test_free_form_need_with_unknown_area_is_refused(world):
    refused(
        lambda: submit(world, service_code="", area_code="moon", description="路灯坏了"),
        errors=[("area_unknown", "area")],
    )


def test_free_form_need_without_description_is_refused(world):
    refused(
        lambda: submit(world, service_code="", area_code="elderly", description="  "),
        errors=[("description_required", "description")],
    )


def test_staff_ordering_without_channel_or_contact_is_refused(world):
    refused(
        lambda: submit(world, actor=world.dispatcher_a),
        errors=[("channel_invalid", "channel"), ("contact_required", "contact_name")],
    )


def test_staff_ordering_with_name_but_no_phone_is_refused(world):
    refused(
        lambda: submit(world, actor=world.dispatcher_a, channel=Channel.HOTLINE, contact_name="王"),
        errors=[("contact_required", "contact_phone")],
    )


def test_staff_ordering_for_an_account_that_is_not_a_resident_is_refused(world):
    refused(
        lambda: s.order_submit(
            actor=world.dispatcher_a,
            data=s.OrderInput(region_code="V1", service_code="meal-delivery", channel="hotline"),
            resident=world.provider_staff,
        ),
        errors=[("resident_invalid", "resident")],
    )


def test_resident_may_not_use_a_staff_channel(world):
    refused(lambda: submit(world, channel=Channel.HOTLINE), errors=[("channel_invalid", "channel")])


# --- dispatch choices --------------------------------------------------------------------------


def test_dispatch_to_a_provider_not_serving_the_place_is_refused(world):
    order = order_at(world, Status.APPROVED, region_code="V2")
    refused(
        lambda: s.order_dispatch(
            order_id=order.pk, actor=world.dispatcher_b, provider_id=world.provider.pk
        ),
        errors=[("provider_not_eligible", "provider")],
        order=order,
    )


def test_dispatch_to_an_inactive_provider_is_refused(world):
    order = order_at(world, Status.APPROVED)
    Provider.objects.filter(pk=world.provider.pk).update(active=False)
    refused(
        lambda: s.order_dispatch(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk
        ),
        errors=[("provider_not_eligible", "provider")],
        order=order,
    )


@pytest.mark.parametrize("provider_id", [999_999, "abc", None, 1.5, True, -1, 2**70])
def test_dispatch_to_an_unknown_or_malformed_provider_id_is_refused(world, provider_id):
    order = order_at(world, Status.APPROVED)
    refused(
        lambda: s.order_dispatch(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=provider_id
        ),
        errors=[("provider_not_eligible", "provider")],
        order=order,
    )


def test_dispatch_to_a_provider_at_full_capacity_is_refused(world):
    Provider.objects.filter(pk=world.provider.pk).update(daily_capacity=1)
    first = order_at(world, Status.DISPATCHED)
    assert first.provider_id == world.provider.pk
    order = order_at(world, Status.APPROVED)
    refused(
        lambda: s.order_dispatch(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk, now=T0
        ),
        errors=[("provider_full", "provider")],
        order=order,
    )


def test_capacity_is_counted_per_local_day(world):
    Provider.objects.filter(pk=world.provider.pk).update(daily_capacity=1)
    order_at(world, Status.DISPATCHED)  # today
    order = order_at(world, Status.APPROVED)
    tomorrow = T0 + DAY
    s.order_dispatch(
        order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk, now=tomorrow
    )
    order.refresh_from_db()
    assert order.provider_id == world.provider.pk


def test_grab_by_a_provider_not_covering_the_place_is_refused(world):
    set_mode(world, Service.DispatchMode.GRAB)
    order = order_at(world, Status.APPROVED, region_code="V2")
    refused(
        lambda: s.order_grab(
            order_id=order.pk, actor=world.provider_staff, provider_id=world.provider.pk
        ),
        error=PermissionDenied,
        errors=[("not_permitted", "order")],
        order=order,
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_without_a_reason_is_refused(world, reason):
    order = submit(world)
    refused(
        lambda: s.order_reject(order_id=order.pk, actor=world.dispatcher_a, reason=reason),
        errors=[("reason_required", "reason")],
        order=order,
    )


@pytest.mark.parametrize("reason", ["", "  "])
def test_decline_without_a_reason_is_refused(world, reason):
    order = order_at(world, Status.DISPATCHED)
    refused(
        lambda: s.order_decline(order_id=order.pk, actor=world.provider_staff, reason=reason),
        errors=[("reason_required", "reason")],
        order=order,
    )


def test_deliver_without_a_note_is_refused(world):
    order = order_at(world, Status.IN_SERVICE)
    refused(
        lambda: s.order_deliver(order_id=order.pk, actor=world.provider_staff, note=""),
        errors=[("reason_required", "note")],
        order=order,
    )


def test_an_overlong_note_is_refused(world):
    order = submit(world)
    refused(
        lambda: s.order_approve(order_id=order.pk, actor=world.dispatcher_a, note="x" * 2001),
        errors=[("too_long", "note")],
        order=order,
    )


# --- ids that name nothing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda w, i: s.order_approve(order_id=i, actor=w.dispatcher_a),
        lambda w, i: s.order_reject(order_id=i, actor=w.dispatcher_a, reason="x"),
        lambda w, i: s.order_dispatch(order_id=i, actor=w.dispatcher_a, provider_id=1),
        lambda w, i: s.order_decline(order_id=i, actor=w.provider_staff, reason="x"),
        lambda w, i: s.order_accept(order_id=i, actor=w.provider_staff),
        lambda w, i: s.order_grab(order_id=i, actor=w.provider_staff, provider_id=1),
        lambda w, i: s.order_start(order_id=i, actor=w.provider_staff),
        lambda w, i: s.order_deliver(order_id=i, actor=w.provider_staff, note="x"),
        lambda w, i: s.order_rate(
            order_id=i, actor=w.resident, data=s.RatingInput(True, True, "satisfied")
        ),
        lambda w, i: s.order_cancel(order_id=i, actor=w.resident),
    ],
    ids=[
        "approve",
        "reject",
        "dispatch",
        "decline",
        "accept",
        "grab",
        "start",
        "deliver",
        "rate",
        "cancel",
    ],
)
def test_an_order_id_naming_no_order_is_not_found(world, call):
    for order_id in (987_654, "abc", None, "", 0, -3, 1.5, 2**70, [1], "١٢"):
        refused(
            lambda: call(world, order_id),  # noqa: B023 - called at once, inside the loop
            error=NotFound,
            errors=[("order_not_found", "order")],
        )


def test_a_digit_string_order_id_names_the_order(world):
    order = submit(world)
    s.order_approve(order_id=str(order.pk), actor=world.dispatcher_a)
    order.refresh_from_db()
    assert order.status == Status.APPROVED


def test_errors_are_domain_errors_with_messages(world):
    with pytest.raises(DomainError) as info:
        submit(world, region_code="NOWHERE", service_code="no-such")
    assert [e.as_dict()["code"] for e in info.value.errors] == ["region_unknown", "service_unknown"]
    assert all(str(e.message) for e in info.value.errors)


# --- no input crashes --------------------------------------------------------------------------

GARBAGE = [
    None,
    "",
    "  ",
    0,
    -1,
    1.5,
    float("nan"),
    True,
    [],
    ["x", 1],
    {},
    {"a": [1]},
    "字" * 5000,
]


@pytest.mark.parametrize(
    "field",
    [
        "region_code",
        "service_code",
        "area_code",
        "description",
        "answers",
        "latitude",
        "longitude",
        "address",
        "channel",
        "contact_name",
        "contact_phone",
    ],
)
def test_any_submitted_value_is_accepted_or_refused_never_a_crash(world, questions, field):
    for value, actor in itertools.product(GARBAGE, (world.resident, world.grid_worker)):
        fields = {"answers": {"mobility": "aided", "people": 2}, field: value}
        before = snapshot()
        try:
            submit(world, actor=actor, **fields)
        except DomainError as exc:
            assert exc.errors
            assert all(e.code and str(e.message) for e in exc.errors)
            assert snapshot() == before


def test_any_rating_value_is_accepted_or_refused_never_a_crash(world):
    Provider.objects.update(daily_capacity=100)
    for value in GARBAGE:
        order = order_at(world, Status.DELIVERED)
        rate_with_garbage(world, order, value)


def rate_with_garbage(world, order, value):
    for data in (
        s.RatingInput(value, True, "satisfied"),
        s.RatingInput(True, value, "satisfied"),
        s.RatingInput(True, True, value),
        s.RatingInput(True, True, "satisfied", value),
    ):
        try:
            s.order_rate(order_id=order.pk, actor=world.resident, data=data)
        except DomainError:
            pass
        else:
            break  # rated; the rest would be already_rated


def test_any_note_or_reason_is_accepted_or_refused_never_a_crash(world):
    for value in GARBAGE:
        note_garbage(world, value)


def note_garbage(world, value):
    order = submit(world)
    with contextlib.suppress(DomainError):
        s.order_reject(order_id=order.pk, actor=world.dispatcher_a, reason=value)
    order2 = submit(world)
    with contextlib.suppress(DomainError):
        s.order_approve(order_id=order2.pk, actor=world.dispatcher_a, note=value)
