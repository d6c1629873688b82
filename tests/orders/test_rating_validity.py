"""Staff mark a rating that should not count (a callback that reached nobody) as not valid,
and it leaves the rates; the refusals write nothing."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from minsheng.orders import policy
from minsheng.orders import services as s
from minsheng.orders.models import Action, Audience, OrderEvent, Rating, Status
from minsheng.orders.selectors import Standing, ranking
from tests.helpers import order_at
from tests.orders.conftest import refused
from tests.ratings import local

MAY = date(2026, 5, 1)


@pytest.fixture
def two_callbacks(world, settings):
    """Two callbacks on T1's orders in May: one reached the resident (satisfied, solved),
    one reached nobody and was recorded as not contacted, not solved, dissatisfied."""
    settings.MINSHENG_RANKING_MIN_SAMPLE = 1
    made = []
    for answer, at in [
        (s.RatingInput(True, True, "satisfied"), local(2026, 5, 20, 9)),
        (s.RatingInput(False, True, "dissatisfied"), local(2026, 5, 21, 9)),
    ]:
        order = order_at(world, Status.DELIVERED)
        made.append(
            s.order_callback(order_id=order.pk, actor=world.dispatcher_a, data=answer, now=at)
        )
    return made


def test_a_callback_marked_not_valid_leaves_the_rates(world, two_callbacks):
    _good, nobody = two_callbacks
    before = ranking("township", MAY)[0]
    assert (before.rates.valid, before.rates.response, before.rates.composite) == (
        2,
        pytest.approx(0.5),
        pytest.approx(0.1 * 0.5 + 0.5 * 1.0 + 0.4 * 0.5),
    )
    s.rating_invalidate(
        rating_id=nobody.pk,
        actor=world.dispatcher_a,
        reason="无人接听",
        now=local(2026, 5, 22, 9),
    )
    nobody.refresh_from_db()
    assert nobody.valid is False
    after = ranking("township", MAY)[0]
    assert (after.rates.valid, after.rates.response, after.rates.composite) == (
        1,
        pytest.approx(1.0),
        pytest.approx(1.0),
    )
    event = OrderEvent.objects.filter(order_id=nobody.order_id).order_by("-pk").first()
    assert (event.action, event.audience, event.note, event.actor_id, event.created_at) == (
        Action.RATING_INVALID,
        Audience.STAFF,
        "#1 无人接听",
        world.dispatcher_a.pk,
        local(2026, 5, 22, 9),
    )
    assert event.old_status == event.new_status == Status.CLOSED


def test_counting_it_again_restores_the_rates(world, two_callbacks):
    _good, nobody = two_callbacks
    s.rating_invalidate(rating_id=nobody.pk, actor=world.county_admin, reason="nobody")
    s.rating_set_valid(
        rating_id=nobody.pk, actor=world.county_admin, valid=True, reason="reached her later"
    )
    row = ranking("township", MAY)[0]
    assert (row.rates.valid, row.standing) == (2, Standing.RANKED)
    assert list(
        OrderEvent.objects.filter(order_id=nobody.order_id)
        .filter(action__in=[Action.RATING_INVALID, Action.RATING_VALID])
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [Action.RATING_INVALID, Action.RATING_VALID]


def test_the_event_is_for_staff_only(world, two_callbacks):
    from minsheng.orders.selectors import timeline_for

    _good, nobody = two_callbacks
    s.rating_invalidate(rating_id=nobody.pk, actor=world.dispatcher_a, reason="nobody")
    order = nobody.order
    staff_actions = [e.event.action for e in timeline_for(world.dispatcher_a, order)]
    resident_actions = [e.event.action for e in timeline_for(world.resident, order)]
    assert Action.RATING_INVALID in staff_actions
    assert Action.RATING_INVALID not in resident_actions


@pytest.mark.parametrize(
    "who", ["dispatcher_b", "provider_staff", "grid_worker", "resident", "provider2_staff"]
)
def test_only_dispatchers_in_scope_and_county_admins_may(world, two_callbacks, who):
    _good, nobody = two_callbacks
    user = getattr(world, who)
    assert policy.can_invalidate_rating(user, nobody) is False
    refused(
        lambda: s.rating_invalidate(rating_id=nobody.pk, actor=user, reason="nobody"),
        error=PermissionDenied,
        errors=[("not_permitted", "rating")],
        order=nobody.order,
    )


def test_those_who_may(world, two_callbacks):
    _good, nobody = two_callbacks
    for who in (world.dispatcher_a, world.county_admin):
        assert policy.can_invalidate_rating(who, nobody) is True
        assert policy.can_revalidate_rating(who, nobody) is False


def test_a_reason_is_required(world, two_callbacks):
    _good, nobody = two_callbacks
    for reason in ("", "   ", None):
        refused(
            lambda r=reason: s.rating_invalidate(
                rating_id=nobody.pk, actor=world.dispatcher_a, reason=r
            ),
            errors=[("reason_required", "reason")],
            order=nobody.order,
        )
    assert Rating.objects.get(pk=nobody.pk).valid is True


def test_marking_it_as_it_already_is_is_a_conflict(world, two_callbacks):
    good, nobody = two_callbacks
    refused(
        lambda: s.rating_set_valid(
            rating_id=good.pk, actor=world.dispatcher_a, valid=True, reason="fine"
        ),
        error=Conflict,
        errors=[("rating_validity_unchanged", "valid")],
        order=good.order,
    )
    s.rating_invalidate(rating_id=nobody.pk, actor=world.dispatcher_a, reason="nobody")
    refused(
        lambda: s.rating_invalidate(rating_id=nobody.pk, actor=world.dispatcher_a, reason="again"),
        error=Conflict,
        errors=[("rating_validity_unchanged", "valid")],
        order=nobody.order,
    )


@pytest.mark.parametrize("rating_id", [999_999, "x", None, -1])
def test_an_unknown_rating_is_not_found(world, two_callbacks, rating_id):
    refused(
        lambda: s.rating_invalidate(rating_id=rating_id, actor=world.dispatcher_a, reason="x"),
        error=NotFound,
        errors=[("rating_not_found", "rating")],
    )


def test_an_overlong_reason_is_refused(world, two_callbacks):
    _good, nobody = two_callbacks
    error = refused(
        lambda: s.rating_invalidate(
            rating_id=nobody.pk, actor=world.dispatcher_a, reason="长" * (s.MAX_NOTE + 1)
        ),
        errors=[("too_long", "reason")],
        order=nobody.order,
    )
    assert isinstance(error, DomainError)
