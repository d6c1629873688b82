"""Real concurrency: two people act on one order at the same moment, from two threads with
two database connections. Exactly one wins; the other gets a clean Conflict; history has
exactly one event for the step.

On PostgreSQL each thread first opens its transaction, then all wait on a barrier, then
call the service: both transactions are open at once and the order row lock decides. On
SQLite (no row locks) IMMEDIATE transactions take the database write lock at BEGIN, so the
threads meet at the barrier just before calling the service and the writer lock
serialises them; that needs a file database, so with the in-memory test database these
tests are skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.db import connection, transaction

from minsheng.catalog.models import Provider, Service
from minsheng.core.errors import Conflict, DomainError
from minsheng.orders import services as s
from minsheng.orders.models import Action, Order, OrderEvent, Rating, Status
from tests.factories import make_user
from tests.helpers import T0, order_at, submit
from tests.orders.conftest import set_mode

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 8  # fresh orders raced per test: different interleavings, still a few seconds
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _parallel_database() -> None:
    if connection.vendor == "postgresql":
        return
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return
    pytest.skip(
        "needs parallel connections to one database: PostgreSQL, or SQLite in a file "
        "(the in-memory SQLite test database's shared cache fails lock waits at once "
        "instead of queuing them)"
    )


def race(*calls: Callable[[], Any], in_transaction: bool = True) -> list[Any]:
    """Run ``calls`` in parallel threads released together; return each result or error.

    ``in_transaction=False``: each call runs as a request does, outside any transaction
    (for services whose refusals commit something first, like a wrong code's count).
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    postgres = connection.vendor == "postgresql" and in_transaction

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            if postgres:
                with transaction.atomic():
                    # Open the transaction for real (Django begins it lazily) before the
                    # barrier, so both are in flight when the services run.
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT 1")
                    barrier.wait(timeout=20)
                    results[i] = call()
            else:
                barrier.wait(timeout=20)
                results[i] = call()
        except BaseException as exc:  # reported to the main thread, asserted there
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def split(results: list[Any]) -> tuple[list[Any], list[DomainError]]:
    wins = [r for r in results if not isinstance(r, BaseException)]
    losses = [r for r in results if isinstance(r, BaseException)]
    for loss in losses:
        if not isinstance(loss, DomainError):  # a crash: show it
            raise loss
    return wins, losses  # type: ignore[return-value]


def action_count(order: Order, action: str) -> int:
    return OrderEvent.objects.filter(order_id=order.pk, action=action).count()


def test_two_providers_grab_the_same_order_exactly_one_wins(world):
    set_mode(world, Service.DispatchMode.GRAB)
    winners = set()
    for i in range(ROUNDS):
        order = order_at(world, Status.APPROVED, now=T0 + i * DAY)
        at = T0 + i * DAY + HOUR  # one order a day: capacity never interferes
        calls = [
            partial(
                s.order_grab,
                order_id=order.pk,
                actor=world.provider_staff,
                provider_id=world.provider.pk,
                now=at,
            ),
            partial(
                s.order_grab,
                order_id=order.pk,
                actor=world.provider2_staff,
                provider_id=world.provider2.pk,
                now=at,
            ),
        ]
        if i % 2:
            calls.reverse()
        wins, losses = split(race(*calls))

        assert len(wins) == 1
        assert [(type(e), e.codes) for e in losses] == [(Conflict, ["already_taken"])]
        order.refresh_from_db()
        assert order.status == Status.ACCEPTED
        assert order.provider_id == wins[0].provider_id
        assert action_count(order, Action.GRAB) == 1
        assert OrderEvent.objects.filter(order_id=order.pk).count() == 3  # submit, approve, grab
        winners.add(order.provider_id)
    assert winners <= {world.provider.pk, world.provider2.pk}


def test_two_staff_of_one_provider_accept_at_once_exactly_one_accept(world):
    colleague = make_user("provider_staff", username="p1staff_b")
    world.provider.staff.add(colleague)
    for i in range(ROUNDS):
        order = order_at(world, Status.DISPATCHED, now=T0 + i * DAY)
        at = T0 + i * DAY + HOUR
        wins, losses = split(
            race(
                partial(s.order_accept, order_id=order.pk, actor=world.provider_staff, now=at),
                partial(s.order_accept, order_id=order.pk, actor=colleague, now=at),
            )
        )
        assert len(wins) == 1
        assert [(type(e), e.codes) for e in losses] == [(Conflict, ["illegal_transition"])]
        order.refresh_from_db()
        assert (order.status, order.provider_id) == (Status.ACCEPTED, world.provider.pk)
        assert action_count(order, Action.ACCEPT) == 1


def test_accept_racing_a_redispatch_never_both(world):
    outcomes = set()
    for i in range(ROUNDS):
        order = order_at(world, Status.DISPATCHED, now=T0 + i * DAY)
        at = T0 + i * DAY + HOUR
        accept = partial(s.order_accept, order_id=order.pk, actor=world.provider_staff, now=at)
        redispatch = partial(
            s.order_redispatch,
            order_id=order.pk,
            actor=world.dispatcher_a,
            provider_id=world.provider2.pk,
            now=at,
        )
        results = race(accept, redispatch) if i % 2 else race(redispatch, accept)
        wins, losses = split(results)
        assert len(wins) == 1 and len(losses) == 1
        order.refresh_from_db()
        accepts = action_count(order, Action.ACCEPT)
        redispatches = action_count(order, Action.REDISPATCH)
        if order.status == Status.ACCEPTED:
            # The provider took it first: the dispatcher is told it moved on.
            assert (order.provider_id, accepts, redispatches) == (world.provider.pk, 1, 0)
            assert losses[0].codes == ["illegal_transition"]
        else:
            # The dispatcher moved it first: the old provider is told it is no longer theirs.
            assert order.status == Status.DISPATCHED
            assert (order.provider_id, accepts, redispatches) == (world.provider2.pk, 0, 1)
            assert losses[0].codes == ["not_assigned"]
        assert type(losses[0]) is Conflict
        outcomes.add(order.status)
    assert outcomes  # at least one outcome observed (which ones depends on scheduling)


def test_resident_and_callback_rate_at_once_exactly_one_rating(world):
    for i in range(ROUNDS):
        order = order_at(world, Status.DELIVERED, now=T0 + i * DAY)
        resident = partial(
            s.order_rate,
            order_id=order.pk,
            actor=world.resident,
            data=s.RatingInput(contacted=True, solved=True, satisfaction="satisfied"),
        )
        callback = partial(
            s.order_callback,
            order_id=order.pk,
            actor=world.dispatcher_a,
            data=s.RatingInput(contacted=True, solved=False, satisfaction="dissatisfied"),
        )
        results = race(resident, callback) if i % 2 else race(callback, resident)
        wins, losses = split(results)

        assert len(wins) == 1
        assert [(type(e), e.codes) for e in losses] == [(Conflict, ["already_rated"])]
        assert Rating.objects.filter(order_id=order.pk).count() == 1
        rating = Rating.objects.get(order_id=order.pk)
        assert rating.pk == wins[0].pk
        order.refresh_from_db()
        # The winner decided: solved closes, not solved reopens.
        assert order.status == (Status.CLOSED if rating.solved else Status.REOPENED)
        assert action_count(order, Action.RATE) + action_count(order, Action.REOPEN) == 1


def test_two_sweeps_at_once_escalate_each_overdue_order_once(world):
    overdue = [submit(world, now=T0 + i * timedelta(minutes=1)) for i in range(6)]
    late = T0 + 2 * DAY
    wins, losses = split(race(partial(s.sweep, now=late), partial(s.sweep, now=late)))

    assert losses == []
    assert sum(r.escalated for r in wins) == len(overdue)
    for order in overdue:
        order.refresh_from_db()
        assert (order.escalation_count, order.escalated_at) == (1, late)
        assert action_count(order, Action.ESCALATE) == 1


def test_two_sweeps_at_once_requeue_a_timed_out_order_once(world):
    set_mode(world, Service.DispatchMode.AUTO)
    orders = []
    for i in range(4):
        order = submit(world, now=T0 + i * timedelta(minutes=1))
        s.order_approve(order_id=order.pk, actor=world.dispatcher_a, now=T0 + DAY)
        orders.append(order)
    late = T0 + 3 * DAY
    wins, losses = split(race(partial(s.sweep, now=late), partial(s.sweep, now=late)))

    assert losses == []
    assert sum(r.redispatched + r.requeued for r in wins) == len(orders)
    for order in orders:
        assert action_count(order, Action.ACCEPT_TIMEOUT) == 1
        order.refresh_from_db()
        assert order.status == Status.DISPATCHED
        assert order.provider_id == world.provider2.pk


def test_two_dispatches_to_the_last_slot_of_a_provider_exactly_one_gets_it(world):
    Provider.objects.filter(pk=world.provider.pk).update(daily_capacity=1)
    for i in range(ROUNDS):
        day = T0 + i * DAY
        first = order_at(world, Status.APPROVED, now=day)
        second = order_at(world, Status.APPROVED, now=day)
        at = day + HOUR
        wins, losses = split(
            race(
                partial(
                    s.order_dispatch,
                    order_id=first.pk,
                    actor=world.dispatcher_a,
                    provider_id=world.provider.pk,
                    now=at,
                ),
                partial(
                    s.order_dispatch,
                    order_id=second.pk,
                    actor=world.county_admin,
                    provider_id=world.provider.pk,
                    now=at,
                ),
            )
        )
        assert len(wins) == 1
        assert [(type(e), e.codes) for e in losses] == [(DomainError, ["provider_full"])]
        assert (
            Order.objects.filter(pk__in=[first.pk, second.pk], provider=world.provider).count() == 1
        )


def test_two_auto_approvals_never_overfill_a_provider(world):
    set_mode(world, Service.DispatchMode.AUTO)
    Provider.objects.filter(pk=world.provider.pk).update(daily_capacity=1)
    for i in range(ROUNDS):
        day = T0 + i * DAY
        first, second = submit(world, now=day), submit(world, now=day)
        at = day + HOUR
        wins, losses = split(
            race(
                partial(s.order_approve, order_id=first.pk, actor=world.dispatcher_a, now=at),
                partial(s.order_approve, order_id=second.pk, actor=world.county_admin, now=at),
            )
        )
        assert (len(wins), losses) == (2, [])
        providers = sorted(
            Order.objects.filter(pk__in=[first.pk, second.pk]).values_list("provider_id", flat=True)
        )
        # The township team takes one (its only slot today); the county centre the other.
        assert providers == sorted([world.provider.pk, world.provider2.pk])


def test_parallel_dispatches_of_one_order_one_wins_and_the_rest_are_told(world):
    """24 dispatchers press "dispatch" on one approved order at once: one sends it, the
    other 23 are told it is already dispatched, instead of silently re-dispatching it."""
    Provider.objects.update(daily_capacity=100)
    order = order_at(world, Status.APPROVED)
    providers = [world.provider.pk, world.provider2.pk]
    calls = [
        partial(
            s.order_dispatch,
            order_id=order.pk,
            actor=world.dispatcher_a if i % 2 else world.county_admin,
            provider_id=providers[i % 2],
        )
        for i in range(24)
    ]
    wins, losses = split(race(*calls))
    assert len(wins) == 1
    assert {(type(e), tuple(e.codes)) for e in losses} == {(Conflict, ("already_dispatched",))}
    assert len(losses) == 23
    order.refresh_from_db()
    assert order.provider_id == wins[0].provider_id
    assert action_count(order, Action.DISPATCH) == 1
    assert action_count(order, Action.REDISPATCH) == 0


def test_event_times_follow_the_lock_and_updated_at_is_the_newest_event(world):
    """Many people add to one order at once: each step takes its time after the order's
    lock, so the history reads in the order it was written and ``updated_at`` is never
    older than the newest event (Open311 clients poll with updated_after)."""
    for _round in range(3):
        order = order_at(world, Status.APPROVED)
        calls = [
            partial(s.order_comment, order_id=order.pk, actor=world.dispatcher_a, note=f"n{i}")
            for i in range(16)
        ]
        wins, losses = split(race(*calls))
        assert (len(wins), losses) == (16, [])
        times = list(
            OrderEvent.objects.filter(order_id=order.pk)
            .order_by("pk")
            .values_list("created_at", flat=True)
        )
        assert times == sorted(times)
        order.refresh_from_db()
        assert order.updated_at == times[-1]


# --- a dispatcher's day (issue 8) ----------------------------------------------------------------


def test_two_merges_of_a_pair_racing_either_way_round_leave_exactly_one(world):
    """Two dispatchers merge the same pair at once, one each way round: both rows are locked
    in id order, so they queue instead of deadlocking; the second finds its duplicate or its
    kept order merged already (order_final) and writes nothing."""
    colleague = make_user("dispatcher", world.town_a, username="disp_a2")
    neighbour = make_user("resident", world.village_a, username="neighbour")
    for i in range(ROUNDS):
        first = submit(world, now=T0 + i * DAY)
        second = submit(world, actor=neighbour, now=T0 + i * DAY)
        calls = [
            partial(
                s.order_merge, duplicate_id=second.pk, keep_id=first.pk, actor=world.dispatcher_a
            ),
            partial(s.order_merge, duplicate_id=first.pk, keep_id=second.pk, actor=colleague),
        ]
        if i % 2:
            calls.reverse()
        wins, losses = split(race(*calls))

        assert len(wins) == 1
        assert [(type(e), e.codes) for e in losses] == [(Conflict, ["order_final"])]
        merged = Order.objects.filter(pk__in=[first.pk, second.pk], status=Status.MERGED)
        assert [o.pk for o in merged] == [wins[0].pk]
        kept = first if wins[0].pk == second.pk else second
        assert Order.objects.get(pk=kept.pk).status == Status.SUBMITTED
        assert merged[0].merged_into_id == kept.pk
        assert action_count(first, Action.MERGE) + action_count(second, Action.MERGE) == 1
