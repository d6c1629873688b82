"""Every refusal of the order services: the exact error class, code and field, and nothing
written (order row, event count, rating count, order count all unchanged). At the end,
any value at all in each field: what it is read as, or exactly how it is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from minsheng.catalog.models import Provider, Service
from minsheng.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from minsheng.orders import services as s
from minsheng.orders.models import Channel, Order, Rating, Status
from tests.factories import ServiceFactory
from tests.helpers import T0, order_at, submit
from tests.orders.conftest import events, refused, set_mode, snapshot

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
            contact_phone="13900000139",
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
        errors=[("area_required", "area")],
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


# --- any value at all: read as what it means, or refused with its code; never a crash ---------

# Values an interface might pass on without reading them: nothing, blanks, numbers (one
# not a number at all), a yes, lists, mappings, and text over every limit. Each case below
# is named "<field>-<name>".
GARBAGE = {
    "none": None,
    "empty": "",
    "blank": "  ",
    "zero": 0,
    "minus_one": -1,
    "fraction": 1.5,
    "nan": float("nan"),
    "true": True,
    "empty_list": [],
    "list": ["x", 1],
    "empty_dict": {},
    "dict": {"a": [1]},
    "too_long": "字" * 5000,
}
# Read as no text at all ...
BLANK = ("none", "empty", "blank")
# ... and not text: refused as not_text wherever text is read.
NOT_TEXT = (
    "zero",
    "minus_one",
    "fraction",
    "nan",
    "true",
    "empty_list",
    "list",
    "empty_dict",
    "dict",
)


def every(names, outcome):
    """The same outcome for each of these garbage values."""
    return {name: outcome for name in names}


def cases(field, expected):
    """One case per garbage value given to ``field``: ``expected`` says what each one
    comes to (a list of (code, field) refusals, or what was written), for every one."""
    assert sorted(expected) == sorted(GARBAGE)
    return [
        pytest.param(field, GARBAGE[name], expected[name], id=f"{field}-{name}") for name in GARBAGE
    ]


def text_cases(field, *, blank):
    """Text read with ``read_text``: blanks come to ``blank``, anything not a string is
    not_text, and 5000 characters are over every limit."""
    return cases(
        field,
        {
            **every(BLANK, blank),
            **every(NOT_TEXT, [("not_text", field)]),
            "too_long": [("too_long", field)],
        },
    )


# ratings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rated:
    """A rating that was written, and where it left the order."""

    contacted: bool = True
    solved: bool = True
    satisfaction: str = "satisfied"
    comment: str = ""

    @property
    def status(self):
        return Status.CLOSED if self.solved else Status.REOPENED


RATING = {"contacted": True, "solved": True, "satisfaction": "satisfied", "comment": ""}


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        # Yes and no are true/false, 1/0 and the words: 0 is no, True is yes.
        *cases(
            "contacted",
            {
                **every(GARBAGE, [("required", "contacted")]),
                "zero": Rated(contacted=False),
                "true": Rated(contacted=True),
            },
        ),
        *cases(
            "solved",
            {
                **every(GARBAGE, [("required", "solved")]),
                "zero": Rated(solved=False),
                "true": Rated(solved=True),
            },
        ),
        # Satisfaction is one of its three values, or refused.
        *cases("satisfaction", every(GARBAGE, [("satisfaction_invalid", "satisfaction")])),
        # A comment is optional text of at most 4000 characters.
        *text_cases("comment", blank=Rated(comment="")),
    ],
)
def test_any_rating_answer_is_read_or_refused_with_its_code(world, field, value, expected):
    order = order_at(world, Status.DELIVERED)
    data = s.RatingInput(**{**RATING, field: value})

    def rate():
        return s.order_rate(order_id=order.pk, actor=world.resident, data=data, now=T0 + DAY)

    if isinstance(expected, Rated):
        rating = rate()
        order.refresh_from_db()
        assert (rating.contacted, rating.solved, rating.satisfaction, rating.comment) == (
            expected.contacted,
            expected.solved,
            expected.satisfaction,
            expected.comment,
        )
        assert (order.status, Rating.objects.filter(order=order).count()) == (expected.status, 1)
    else:
        refused(rate, errors=expected, order=order)


# notes and reasons -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    # A reason must be given: no text is reason_required.
    text_cases("reason", blank=[("reason_required", "reason")]),
)
def test_any_rejection_reason_that_is_not_text_is_refused_with_its_code(
    world, field, value, expected
):
    order = submit(world)
    refused(
        lambda: s.order_reject(order_id=order.pk, actor=world.dispatcher_a, reason=value),
        errors=expected,
        order=order,
    )


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    # A note is optional: no text is an approval without one (the note written: "").
    text_cases("note", blank=""),
)
def test_any_approval_note_is_read_as_text_or_refused_with_its_code(world, field, value, expected):
    order = submit(world)

    def approve():
        return s.order_approve(order_id=order.pk, actor=world.dispatcher_a, note=value, now=T0)

    if isinstance(expected, str):
        approve()
        order.refresh_from_db()
        assert order.status == Status.APPROVED
        assert events(order)[1:] == [
            ("approve", "submitted", "approved", "disp_a", None, expected, 0)
        ]
    else:
        refused(approve, errors=expected, order=order)


# placing an order ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """An order that was written, with these values (``Order.objects.values()`` names)."""

    values: dict


# Answered: the service's two required questions (the fixture ``questions``).
ANSWERS = {"mobility": "aided", "people": 2}
# What a grid worker ordering for a resident adds: how the resident asked, and who they are.
ON_BEHALF = {"channel": Channel.GRID_WORKER, "contact_name": "李", "contact_phone": "13900000139"}
REQUIRED = [
    ("attribute_required", "attribute[mobility]"),
    ("attribute_required", "attribute[people]"),
]
# With no service named, the order is a free-form need: it asks no questions, and needs an
# area and a description, neither given.
FREE_FORM = [
    ("attribute_unknown", "attribute"),
    ("area_required", "area"),
    ("description_required", "description"),
]
CHANNEL = [("channel_invalid", "channel")]
NOWHERE = {"latitude": None, "longitude": None}


def submission_cases(actor, *, contact_blank):
    """Every garbage value in every field, for ``actor``; the contact fields are the only
    ones read differently for a resident and for staff ordering on someone's behalf."""
    return [
        pytest.param(actor, *case.values, id=f"{actor}-{case.id}")
        for case in [
            *cases(
                "region_code",
                {
                    **every(BLANK, [("region_unknown", "region")]),
                    **every(NOT_TEXT, [("not_text", "region")]),
                    "too_long": [("too_long", "region")],
                },
            ),
            *cases(
                "service_code",
                {
                    **every(BLANK, FREE_FORM),
                    # Unreadable: refused as it stands, with nothing that would follow from
                    # reading it as empty (one error per field).
                    **every(NOT_TEXT, [("not_text", "service")]),
                    "too_long": [("too_long", "service")],
                },
            ),
            # An area is read only for a free-form need: with a service named, it comes
            # from the service, whatever was given.
            *cases("area_code", every(GARBAGE, Placed({"area__code": "elderly"}))),
            *text_cases("description", blank=Placed({"description": ""})),
            *cases(
                "answers",
                {
                    **every(GARBAGE, [("attributes_invalid", "attribute"), *REQUIRED]),
                    "none": REQUIRED,
                    "empty_dict": REQUIRED,
                    "dict": [("attribute_unknown", "attribute[a]"), *REQUIRED],
                },
            ),
            # A point is both coordinates or neither: a number alone is incomplete.
            *cases(
                "latitude",
                {
                    **every(
                        GARBAGE,
                        [("not_number", "latitude"), ("location_incomplete", "longitude")],
                    ),
                    **every(BLANK, Placed(NOWHERE)),
                    **every(
                        ("zero", "minus_one", "fraction"), [("location_incomplete", "longitude")]
                    ),
                },
            ),
            *cases(
                "longitude",
                {
                    **every(
                        GARBAGE,
                        [("not_number", "longitude"), ("location_incomplete", "latitude")],
                    ),
                    **every(BLANK, Placed(NOWHERE)),
                    **every(
                        ("zero", "minus_one", "fraction"), [("location_incomplete", "latitude")]
                    ),
                },
            ),
            *text_cases("address", blank=Placed({"address": ""})),
            # No channel is no channel a resident or a grid worker may use.
            *cases(
                "channel",
                {
                    **every(BLANK, CHANNEL),
                    **every(NOT_TEXT, [("not_text", "channel")]),
                    "too_long": [("too_long", "channel")],
                },
            ),
            *text_cases("contact_name", blank=contact_blank("contact_name")),
            *text_cases("contact_phone", blank=contact_blank("contact_phone")),
        ]
    ]


@pytest.mark.parametrize(
    ("actor", "field", "value", "expected"),
    [
        # A resident orders for themselves: a contact is optional, and comes from their
        # profile where none is given (the world's resident has a name and no phone).
        *submission_cases(
            "resident",
            contact_blank=lambda field: Placed(
                {field: {"contact_name": "resident", "contact_phone": ""}[field]}
            ),
        ),
        # A grid worker orders for someone, who must be named and reachable.
        *submission_cases("grid_worker", contact_blank=lambda field: [("contact_required", field)]),
    ],
)
def test_any_submitted_value_is_read_or_refused_with_its_code(
    world, questions, actor, field, value, expected
):
    fields = {"answers": ANSWERS, **(ON_BEHALF if actor == "grid_worker" else {})}
    fields[field] = value

    def place():
        return submit(world, actor=getattr(world, actor), **fields)

    if isinstance(expected, Placed):
        before = snapshot()
        order = place()
        assert Order.objects.filter(pk=order.pk).values(*expected.values).get() == expected.values
        assert snapshot() == {
            **before,
            "orders": before["orders"] + 1,
            "events": before["events"] + 1,
        }
    else:
        refused(place, errors=expected)
