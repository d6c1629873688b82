"""A dispatcher's day (issue 8): approve and dispatch in one step, urge, reassign, internal
notes, escalate to the county, merge a duplicate. Each success states the exact state and
history; each refusal its exact code and field, with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from minsheng.accounts.models import Role
from minsheng.catalog.models import Provider, Service
from minsheng.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from minsheng.orders import policy, selectors
from minsheng.orders import services as s
from minsheng.orders.models import Audience, Order, OrderEvent, Status
from tests.factories import ProviderFactory, make_user
from tests.helpers import DELIVERY_NOTE, MINUTE, T0, advance, order_at, submit
from tests.orders.conftest import events, refused, set_mode

pytestmark = pytest.mark.django_db


def audiences(order: Order) -> list[tuple[str, str]]:
    return list(
        OrderEvent.objects.filter(order_id=order.pk)
        .order_by("created_at", "pk")
        .values_list("action", "audience")
    )


# --- approve and dispatch in one step ------------------------------------------------------------


def test_approve_and_dispatch_records_both_steps_at_once(world):
    order = submit(world)
    at = T0 + 5 * MINUTE
    s.order_approve_dispatch(
        order_id=order.pk,
        actor=world.dispatcher_a,
        provider_id=world.provider2.pk,
        note="钥匙在邻居家",
        now=at,
    )
    order.refresh_from_db()
    assert (order.status, order.provider_id, order.dispatched_at) == (
        Status.DISPATCHED,
        world.provider2.pk,
        at,
    )
    assert events(order) == [
        ("submit", "", "submitted", "resident", None, "", 0),
        ("approve", "submitted", "approved", "disp_a", None, "", 0),
        ("dispatch", "approved", "dispatched", "disp_a", world.provider2.pk, "钥匙在邻居家", 0),
    ]
    assert audiences(order) == [
        ("submit", Audience.PUBLIC),
        ("approve", Audience.STAFF),
        ("dispatch", Audience.STAFF),
    ]
    assert list(OrderEvent.objects.filter(order_id=order.pk).values_list("created_at", flat=True))[
        1:
    ] == [at, at]


def test_approve_and_dispatch_sends_an_auto_dispatch_order_where_the_dispatcher_chose(world):
    set_mode(world, Service.DispatchMode.AUTO)
    order = submit(world)
    s.order_approve_dispatch(
        order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk
    )
    order.refresh_from_db()
    assert order.provider_id == world.provider2.pk
    assert [e[0] for e in events(order)] == ["submit", "approve", "dispatch"]


def test_approve_and_dispatch_to_a_provider_not_serving_the_place_leaves_it_submitted(world):
    elsewhere = ProviderFactory(regions=[world.town_b], categories=[world.service.category])
    order = submit(world)
    refused(
        lambda: s.order_approve_dispatch(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=elsewhere.pk
        ),
        errors=[("provider_not_eligible", "provider")],
        order=order,
    )
    assert Order.objects.get(pk=order.pk).status == Status.SUBMITTED


def test_approve_and_dispatch_to_a_full_provider_writes_nothing(world):
    Provider.objects.filter(pk=world.provider.pk).update(daily_capacity=1)
    order_at(world, Status.DISPATCHED)  # today's one slot, taken
    order = submit(world, now=T0 + 10 * MINUTE)
    refused(
        lambda: s.order_approve_dispatch(
            order_id=order.pk,
            actor=world.dispatcher_a,
            provider_id=world.provider.pk,
            now=T0 + 20 * MINUTE,
        ),
        errors=[("provider_full", "provider")],
        order=order,
    )


def test_approve_and_dispatch_of_an_approved_order_is_a_conflict(world):
    order = order_at(world, Status.APPROVED)
    refused(
        lambda: s.order_approve_dispatch(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk
        ),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=order,
    )


def test_approve_and_dispatch_by_another_townships_dispatcher_is_not_permitted(world):
    order = submit(world)
    refused(
        lambda: s.order_approve_dispatch(
            order_id=order.pk, actor=world.dispatcher_b, provider_id=world.provider.pk
        ),
        error=PermissionDenied,
        errors=[("not_permitted", "order")],
        order=order,
    )


# --- urge (催办) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE])
def test_urging_records_a_staff_step_naming_the_provider(world, status):
    order = order_at(world, status)
    at = order.updated_at + MINUTE
    event = s.order_urge(order_id=order.pk, actor=world.dispatcher_a, note="老人在等", now=at)
    order.refresh_from_db()
    assert (order.status, order.updated_at) == (status, at)
    assert (
        event.action,
        event.old_status,
        event.new_status,
        event.provider_id,
        event.audience,
        event.note,
    ) == ("urge", status, status, world.provider.pk, Audience.STAFF, "老人在等")
    # The resident reads no urge; the team holding the order does.
    assert "urge" not in [e.event.action for e in selectors.timeline_for(world.resident, order)]
    assert "urge" in [e.event.action for e in selectors.timeline_for(world.provider_staff, order)]


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_urging_a_closed_order_is_refused(world, status):
    order = order_at(world, Status.DELIVERED)
    if status == Status.CLOSED:
        s.order_rate(
            order_id=order.pk,
            actor=world.resident,
            data=s.RatingInput(contacted=True, solved=True, satisfaction="satisfied"),
        )
    else:
        order = order_at(world, Status.ACCEPTED)
        s.order_cancel(order_id=order.pk, actor=world.dispatcher_a, reason="")
    with translation.override("en"):
        error = refused(
            lambda: s.order_urge(order_id=order.pk, actor=world.dispatcher_a),
            error=Conflict,
            errors=[("order_final", "order")],
            order=order,
        )
    assert "nobody left to urge" in str(error.errors[0].message)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.DELIVERED])
def test_urging_an_order_no_provider_holds_is_refused(world, status):
    order = order_at(world, status)
    refused(
        lambda: s.order_urge(order_id=order.pk, actor=world.dispatcher_a),
        error=Conflict,
        errors=[("not_with_provider", "order")],
        order=order,
    )


def test_urging_by_the_provider_or_another_township_is_not_permitted(world):
    order = order_at(world, Status.ACCEPTED)
    for actor in (world.dispatcher_b, world.provider_staff, world.resident):
        refused(
            lambda actor=actor: s.order_urge(order_id=order.pk, actor=actor),
            error=PermissionDenied,
            errors=[("not_permitted", "order")],
            order=order,
        )


# --- reassign ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.IN_SERVICE])
def test_reassigning_sends_a_taken_order_to_another_team_who_must_accept_it(world, status):
    order = order_at(world, status)
    at = order.updated_at + MINUTE
    s.order_reassign(
        order_id=order.pk,
        actor=world.dispatcher_a,
        provider_id=world.provider2.pk,
        reason="队伍病了",
        now=at,
    )
    order.refresh_from_db()
    assert (order.status, order.provider_id, order.accepted_at, order.dispatched_at) == (
        Status.DISPATCHED,
        world.provider2.pk,
        None,
        at,
    )
    assert events(order)[-1] == (
        "reassign",
        status,
        "dispatched",
        "disp_a",
        world.provider2.pk,
        "队伍病了",
        0,
    )
    assert audiences(order)[-1] == ("reassign", Audience.STAFF)
    # The old team loses it, as after a re-dispatch; the new one takes it from here.
    assert not policy.can_start(world.provider_staff, order)
    assert order.pk not in {o.pk for o in selectors.provider_orders(world.provider_staff)}
    assert policy.can_accept(world.provider2_staff, order)


def test_reassigning_to_the_same_team_is_refused(world):
    order = order_at(world, Status.ACCEPTED)
    refused(
        lambda: s.order_reassign(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider.pk, reason="x"
        ),
        errors=[("provider_unchanged", "provider")],
        order=order,
    )


def test_reassigning_needs_a_reason_and_an_order_in_service(world):
    order = order_at(world, Status.ACCEPTED)
    refused(
        lambda: s.order_reassign(
            order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk, reason=""
        ),
        errors=[("reason_required", "reason")],
        order=order,
    )
    dispatched = order_at(world, Status.DISPATCHED)
    refused(
        lambda: s.order_reassign(
            order_id=dispatched.pk,
            actor=world.dispatcher_a,
            provider_id=world.provider2.pk,
            reason="x",
        ),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=dispatched,
    )


# --- internal notes -----------------------------------------------------------------------------


def test_an_internal_note_is_staff_only_unless_chosen(world):
    order = submit(world)
    staff = s.order_note(order_id=order.pk, actor=world.grid_worker, note="电话没人接")
    told = s.order_note(
        order_id=order.pk, actor=world.dispatcher_a, note="明天上门", audience="resident"
    )
    assert [(e.action, e.audience, e.note) for e in (staff, told)] == [
        ("comment", Audience.STAFF, "电话没人接"),
        ("comment", Audience.RESIDENT, "明天上门"),
    ]
    notes = [e.note for e in selectors.timeline_for(world.resident, order) if e.note]
    assert notes == ["明天上门"]


def test_a_note_from_the_resident_or_on_an_ended_order_is_refused(world):
    order = submit(world)
    refused(
        lambda: s.order_note(order_id=order.pk, actor=world.resident, note="hi"),
        error=PermissionDenied,
        errors=[("not_permitted", "order")],
        order=order,
    )
    refused(
        lambda: s.order_note(order_id=order.pk, actor=world.dispatcher_a, note=""),
        errors=[("reason_required", "note")],
        order=order,
    )
    s.order_cancel(order_id=order.pk, actor=world.resident)
    refused(
        lambda: s.order_note(order_id=order.pk, actor=world.dispatcher_a, note="late"),
        error=Conflict,
        errors=[("order_final", "order")],
        order=order,
    )


# --- escalate to the county --------------------------------------------------------------------


def test_a_township_dispatcher_hands_an_order_up_to_the_county(world):
    order = order_at(world, Status.ACCEPTED)
    at = order.updated_at + MINUTE
    s.order_escalate_county(order_id=order.pk, actor=world.dispatcher_a, reason="队伍不够", now=at)
    order.refresh_from_db()
    assert (order.status, order.county_escalated_at, order.updated_at) == (
        Status.ACCEPTED,
        at,
        at,
    )
    assert events(order)[-1] == (
        "escalate_county",
        "accepted",
        "accepted",
        "disp_a",
        world.provider.pk,
        "队伍不够",
        0,
    )
    assert audiences(order)[-1] == ("escalate_county", Audience.STAFF)
    assert [o.pk for o in selectors.county_escalations(world.county_admin)] == [order.pk]
    assert list(selectors.county_escalations(world.dispatcher_a)) == []
    # Once is enough.
    refused(
        lambda: s.order_escalate_county(order_id=order.pk, actor=world.dispatcher_a, reason="x"),
        error=Conflict,
        errors=[("already_escalated", "order")],
        order=order,
    )


def test_only_a_township_dispatcher_escalates_to_the_county(world):
    order = submit(world)
    county_dispatcher = make_user(Role.DISPATCHER, world.county, username="county_disp")
    for actor in (world.county_admin, county_dispatcher, world.dispatcher_b, world.grid_worker):
        refused(
            lambda actor=actor: s.order_escalate_county(order_id=order.pk, actor=actor, reason="x"),
            error=PermissionDenied,
            errors=[("not_permitted", "order")],
            order=order,
        )
    refused(
        lambda: s.order_escalate_county(order_id=order.pk, actor=world.dispatcher_a, reason=""),
        errors=[("reason_required", "reason")],
        order=order,
    )
    s.order_reject(order_id=order.pk, actor=world.dispatcher_a, reason="重复")
    refused(
        lambda: s.order_escalate_county(order_id=order.pk, actor=world.dispatcher_a, reason="x"),
        error=Conflict,
        errors=[("order_final", "order")],
        order=order,
    )


# --- merge (重复件) -------------------------------------------------------------------------------


@pytest.fixture
def neighbour(world: Any) -> Any:
    """A second resident of village V1."""
    return make_user(Role.RESIDENT, world.village_a, username="neighbour")


def test_a_merged_duplicate_closes_and_its_resident_follows_the_kept_order(world, neighbour):
    keep = submit(world)
    duplicate = submit(world, actor=neighbour, now=T0 + MINUTE)
    at = T0 + 10 * MINUTE
    s.order_merge(duplicate_id=duplicate.pk, keep_id=keep.pk, actor=world.dispatcher_a, now=at)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id, duplicate.closed_at) == (
        Status.MERGED,
        keep.pk,
        at,
    )
    assert events(duplicate)[-1] == (
        "merge",
        "submitted",
        "merged",
        "disp_a",
        None,
        keep.number,
        0,
    )
    assert audiences(duplicate)[-1] == ("merge", Audience.RESIDENT)
    assert events(keep) == [("submit", "", "submitted", "resident", None, "", 0)]
    # The neighbour reads the kept order as its resident does, and takes no step on it.
    keep.refresh_from_db()
    assert policy.can_view(neighbour, keep)
    assert policy.reading_of(neighbour, keep) == policy.FOLLOWER_READING
    assert policy.FOLLOWER_READING.details is False  # not the other resident's words or phone
    assert {o.pk for o in selectors.orders_visible_to(neighbour)} == {keep.pk, duplicate.pk}
    assert not policy.can_cancel(neighbour, keep)
    assert not policy.can_comment(neighbour, keep)
    # Other residents still do not see it.
    assert not policy.can_view(world.resident2, keep)


def test_a_merge_across_townships_is_refused(world):
    keep = submit(world)
    duplicate = submit(world, region_code=world.village_b.code)
    with translation.override("en"):
        error = refused(
            lambda: s.order_merge(
                duplicate_id=duplicate.pk, keep_id=keep.pk, actor=world.county_admin
            ),
            error=Conflict,
            errors=[("merge_across_townships", "keep")],
            order=duplicate,
        )
    assert "different townships" in str(error.errors[0].message)


def test_a_merge_into_itself_is_refused(world):
    order = submit(world)
    refused(
        lambda: s.order_merge(duplicate_id=order.pk, keep_id=order.pk, actor=world.dispatcher_a),
        errors=[("merge_same_order", "keep")],
        order=order,
    )


def test_a_merge_with_an_ended_order_is_refused(world, neighbour):
    keep = submit(world)
    duplicate = submit(world, actor=neighbour)
    s.order_cancel(order_id=keep.pk, actor=world.resident)
    refused(
        lambda: s.order_merge(duplicate_id=duplicate.pk, keep_id=keep.pk, actor=world.dispatcher_a),
        error=Conflict,
        errors=[("order_final", "keep")],
        order=duplicate,
    )
    refused(
        lambda: s.order_merge(duplicate_id=keep.pk, keep_id=duplicate.pk, actor=world.dispatcher_a),
        error=Conflict,
        errors=[("order_final", "duplicate")],
        order=keep,
    )
    delivered = advance(world, submit(world), Status.DELIVERED)
    assert delivered.status == Status.DELIVERED and DELIVERY_NOTE
    refused(
        lambda: s.order_merge(
            duplicate_id=delivered.pk, keep_id=duplicate.pk, actor=world.dispatcher_a
        ),
        error=Conflict,
        errors=[("illegal_transition", "status")],
        order=delivered,
    )


def test_a_merge_by_someone_not_dispatching_both_is_not_permitted(world, neighbour):
    keep = submit(world)
    duplicate = submit(world, actor=neighbour)
    for actor in (world.dispatcher_b, world.grid_worker, world.resident, world.provider_staff):
        refused(
            lambda actor=actor: s.order_merge(
                duplicate_id=duplicate.pk, keep_id=keep.pk, actor=actor
            ),
            error=PermissionDenied,
            errors=[("not_permitted", "order")],
            order=duplicate,
        )
    refused(
        lambda: s.order_merge(duplicate_id=duplicate.pk, keep_id=999_999, actor=world.dispatcher_a),
        error=NotFound,
        errors=[("order_not_found", "order")],
        order=duplicate,
    )
    with pytest.raises(DomainError):
        s.order_merge(duplicate_id=duplicate.pk, keep_id="x", actor=world.dispatcher_a)
