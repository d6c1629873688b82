"""POST /api/v1/orders/<id>/<action>/: each lifecycle step through its service.

Each success answers with the updated order and appends exactly one event; each refusal
keeps the service's code and status and writes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.catalog.models import Service
from minsheng.orders.models import Order, OrderEvent, Rating, Status
from tests.api.conftest import URL
from tests.helpers import order_at


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def post(world: Any, who: str, order: Order, action: str, body: Any = None) -> Any:
    client = client_for(getattr(world, who))
    return client.post(f"{URL}{order.pk}/{action}/", body, format="json")


def snapshot(order: Order) -> tuple[Any, ...]:
    order.refresh_from_db()
    return (
        order.status,
        order.provider_id,
        order.updated_at,
        OrderEvent.objects.filter(order=order).count(),
        Rating.objects.filter(order=order).count(),
    )


def last_event(order: Order) -> tuple[Any, ...]:
    e = OrderEvent.objects.filter(order=order).order_by("-created_at", "-pk").first()
    assert e is not None
    return (e.action, e.old_status, e.new_status, e.actor_id, e.provider_id, e.note)


# --- successes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "who", "action", "body", "status", "event"),
    [
        (
            Status.SUBMITTED,
            "dispatcher_a",
            "approve",
            {"note": "ok"},
            "approved",
            ("approve", "ok"),
        ),
        (Status.SUBMITTED, "dispatcher_a", "approve", None, "approved", ("approve", "")),
        (
            Status.SUBMITTED,
            "county_admin",
            "reject",
            {"reason": "Duplicate"},
            "rejected",
            ("reject", "Duplicate"),
        ),
        (
            Status.DISPATCHED,
            "provider_staff",
            "decline",
            {"reason": "Full"},
            "approved",
            ("decline", "Full"),
        ),
        (Status.DISPATCHED, "provider_staff", "accept", {}, "accepted", ("accept", "")),
        (
            Status.ACCEPTED,
            "provider_staff",
            "start",
            {"note": "On my way"},
            "in_service",
            ("start", "On my way"),
        ),
        (
            Status.IN_SERVICE,
            "provider_staff",
            "deliver",
            {"note": "Done"},
            "delivered",
            ("deliver", "Done"),
        ),
        (
            Status.SUBMITTED,
            "resident",
            "cancel",
            {"reason": "Not needed"},
            "cancelled",
            ("cancel", "Not needed"),
        ),
        (Status.APPROVED, "dispatcher_a", "cancel", {}, "cancelled", ("cancel", "")),
        (
            Status.APPROVED,
            "resident",
            "comment",
            {"note": "Gate code 12"},
            "approved",
            ("comment", "Gate code 12"),
        ),
    ],
)
def test_action_moves_the_order_and_appends_one_event(
    world: Any,
    step: str,
    who: str,
    action: str,
    body: Any,
    status: str,
    event: tuple[str, str],
) -> None:
    order = order_at(world, step)
    order.refresh_from_db()
    old = order.status
    events_before = OrderEvent.objects.filter(order=order).count()

    response = post(world, who, order, action, body)

    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == status
    assert response.json()["status"] == status
    assert response.json()["id"] == order.pk
    assert OrderEvent.objects.filter(order=order).count() == events_before + 1
    actor = getattr(world, who)
    got = last_event(order)
    assert (got[0], got[1], got[2], got[3], got[5]) == (event[0], old, status, actor.pk, event[1])


def test_dispatch_then_redispatch(world: Any) -> None:
    order = order_at(world, Status.APPROVED)

    first = post(world, "dispatcher_a", order, "dispatch", {"provider_id": world.provider.pk})
    second = post(
        world,
        "dispatcher_a",
        order,
        "redispatch",
        {"provider_id": world.provider2.pk, "note": "closer"},
    )

    assert (first.status_code, first.json()["provider"]) == (200, world.provider.pk)
    # A colleague's dispatch of the same order is told, not silently turned into a
    # re-dispatch.
    colleague = post(world, "county_admin", order, "dispatch", {"provider_id": world.provider2.pk})
    assert colleague.status_code == 409
    assert [(e["code"], e["field"]) for e in colleague.json()["errors"]] == [
        ("already_dispatched", "order")
    ]
    assert (second.status_code, second.json()["provider"]) == (200, world.provider2.pk)
    assert second.json()["status"] == "dispatched"
    assert [e["action"] for e in second.json()["events"]] == [
        "submit",
        "approve",
        "dispatch",
        "redispatch",
    ]
    assert last_event(order) == (
        "redispatch",
        "dispatched",
        "dispatched",
        world.dispatcher_a.pk,
        world.provider2.pk,
        "closer",
    )


def test_resident_rating_closes_the_order(world: Any) -> None:
    order = order_at(world, Status.DELIVERED)

    response = post(
        world,
        "resident",
        order,
        "rate",
        {"contacted": True, "solved": True, "satisfaction": "satisfied", "comment": "Thanks"},
    )

    assert response.status_code == 200, response.content
    rating = Rating.objects.get(order=order)
    assert (rating.via, rating.contacted, rating.solved, rating.satisfaction, rating.comment) == (
        "resident",
        True,
        True,
        "satisfied",
        "Thanks",
    )
    assert rating.rated_by == world.resident
    data = response.json()
    assert data["status"] == "closed"
    assert data["ratings"] == [
        {
            "id": rating.pk,
            "order": order.pk,
            "round": 0,
            "via": "resident",
            "contacted": True,
            "solved": True,
            "satisfaction": "satisfied",
            "comment": "Thanks",
            "valid": True,
            "township": "T1",
            "provider": world.provider.pk,
            "created_at": data["ratings"][0]["created_at"],
        }
    ]
    assert last_event(order)[:3] == ("rate", "delivered", "closed")


def test_staff_callback_not_solved_reopens_the_order(world: Any) -> None:
    order = order_at(world, Status.DELIVERED)

    response = post(
        world,
        "dispatcher_a",
        order,
        "callback",
        {"contacted": False, "solved": False, "satisfaction": "dissatisfied"},
    )

    assert response.status_code == 200, response.content
    rating = Rating.objects.get(order=order)
    assert (rating.via, rating.rated_by, rating.solved) == ("callback", world.dispatcher_a, False)
    assert response.json()["status"] == "reopened"
    assert response.json()["round"] == 1
    assert last_event(order)[:3] == ("reopen", "delivered", "reopened")


def test_grab_takes_a_grab_mode_order_for_the_staffs_team(world: Any) -> None:
    Service.objects.filter(pk=world.service.pk).update(dispatch_mode="grab")
    order = order_at(world, Status.APPROVED)

    response = post(world, "provider_staff", order, "grab")

    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert (order.status, order.provider_id) == ("accepted", world.provider.pk)
    assert last_event(order) == (
        "grab",
        "approved",
        "accepted",
        world.provider_staff.pk,
        world.provider.pk,
        "",
    )


def test_grab_lost_race_is_a_conflict_and_writes_nothing(world: Any) -> None:
    Service.objects.filter(pk=world.service.pk).update(dispatch_mode="grab")
    order = order_at(world, Status.APPROVED)
    assert post(world, "provider2_staff", order, "grab").status_code == 200
    before = snapshot(order)

    response = post(world, "provider_staff", order, "grab", {"provider_id": world.provider.pk})

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "already_taken"
    assert snapshot(order) == before


def test_grab_of_a_manual_order_outside_sight_is_404(world: Any) -> None:
    order = order_at(world, Status.APPROVED)
    before = snapshot(order)

    response = post(world, "provider_staff", order, "grab")

    assert response.status_code == 404
    assert snapshot(order) == before


def test_decline_answers_even_though_the_order_leaves_the_teams_hands(world: Any) -> None:
    order = order_at(world, Status.DISPATCHED)

    response = post(world, "provider_staff", order, "decline", {"reason": "No car"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["provider"]) == ("approved", None)


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "who", "action", "body", "status", "code", "field"),
    [
        # Outside the caller's region or team: as if it did not exist.
        (Status.SUBMITTED, "dispatcher_b", "approve", {}, 404, "order_not_found", None),
        (Status.SUBMITTED, "resident2", "cancel", {}, 404, "order_not_found", None),
        (Status.DISPATCHED, "provider2_staff", "accept", {}, 404, "order_not_found", None),
        # Visible, but not theirs to do.
        (Status.SUBMITTED, "resident", "approve", {}, 403, "not_permitted", "order"),
        (Status.SUBMITTED, "resident", "reject", {"reason": "x"}, 403, "not_permitted", "order"),
        (
            Status.APPROVED,
            "resident",
            "dispatch",
            {"provider_id": 1},
            403,
            "not_permitted",
            "order",
        ),
        (Status.DISPATCHED, "resident", "accept", {}, 403, "not_permitted", "order"),
        (
            Status.DELIVERED,
            "dispatcher_a",
            "rate",
            {"contacted": True, "solved": True, "satisfaction": "basic"},
            403,
            "not_permitted",
            "order",
        ),
        (
            Status.DELIVERED,
            "resident",
            "callback",
            {"contacted": True, "solved": True, "satisfaction": "basic"},
            403,
            "not_permitted",
            "order",
        ),
        (Status.APPROVED, "resident", "candidates", None, 403, "not_permitted", "order"),
        # Not in a state that allows it.
        (Status.APPROVED, "dispatcher_a", "approve", {}, 409, "illegal_transition", "status"),
        (
            Status.SUBMITTED,
            "dispatcher_a",
            "dispatch",
            {"provider_id": 1},
            409,
            "illegal_transition",
            "status",
        ),
        (Status.DISPATCHED, "provider_staff", "start", {}, 409, "illegal_transition", "status"),
        (
            Status.APPROVED,
            "resident",
            "rate",
            {"contacted": True, "solved": True, "satisfaction": "basic"},
            409,
            "illegal_transition",
            "status",
        ),
        # Bad input, named.
        (Status.SUBMITTED, "dispatcher_a", "reject", {}, 400, "reason_required", "reason"),
        (
            Status.SUBMITTED,
            "dispatcher_a",
            "reject",
            {"reason": "   "},
            400,
            "reason_required",
            "reason",
        ),
        (
            Status.SUBMITTED,
            "dispatcher_a",
            "reject",
            {"reason": "x" * 2001},
            400,
            "too_long",
            "reason",
        ),
        (Status.IN_SERVICE, "provider_staff", "deliver", {}, 400, "reason_required", "note"),
        (
            Status.SUBMITTED,
            "dispatcher_a",
            "approve",
            {"notes": "typo"},
            400,
            "unknown_field",
            "notes",
        ),
        (Status.SUBMITTED, "dispatcher_a", "approve", [1], 400, "not_object", None),
        (Status.SUBMITTED, "dispatcher_a", "approve", {"note": ["x"]}, 400, "invalid", "note"),
        (
            Status.SUBMITTED,
            "dispatcher_a",
            "approve",
            {"note": "a\x00b"},
            400,
            "null_characters_not_allowed",
            "note",
        ),
        (Status.APPROVED, "dispatcher_a", "dispatch", {}, 400, "required", "provider_id"),
        (
            Status.APPROVED,
            "dispatcher_a",
            "dispatch",
            {"provider_id": True},
            400,
            "invalid",
            "provider_id",
        ),
        (
            Status.APPROVED,
            "dispatcher_a",
            "dispatch",
            {"provider_id": 2**63},
            400,
            "invalid",
            "provider_id",
        ),
        (
            Status.APPROVED,
            "dispatcher_a",
            "dispatch",
            {"provider_id": 999},
            400,
            "provider_not_eligible",
            "provider",
        ),
        (
            Status.DELIVERED,
            "resident",
            "rate",
            {"contacted": True, "solved": True, "satisfaction": "meh"},
            400,
            "invalid_choice",
            "satisfaction",
        ),
        (
            Status.DELIVERED,
            "resident",
            "rate",
            {"solved": True, "satisfaction": "basic"},
            400,
            "required",
            "contacted",
        ),
        (Status.APPROVED, "resident", "comment", {"note": ""}, 400, "reason_required", "note"),
    ],
)
def test_refusal_keeps_its_code_and_writes_nothing(
    world: Any,
    step: str,
    who: str,
    action: str,
    body: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    order = order_at(world, step)
    before = snapshot(order)
    client = client_for(getattr(world, who))

    if action == "candidates":
        response = client.get(f"{URL}{order.pk}/candidates/")
    else:
        response = client.post(f"{URL}{order.pk}/{action}/", body, format="json")

    assert response.status_code == status, response.content
    [error] = response.json()["errors"]
    assert (error["code"], error["field"]) == (code, field)
    assert snapshot(order) == before


def test_rating_twice_is_already_rated(world: Any) -> None:
    order = order_at(world, Status.DELIVERED)
    body = {"contacted": True, "solved": True, "satisfaction": "basic"}
    assert post(world, "resident", order, "rate", body).status_code == 200
    before = snapshot(order)

    response = post(world, "dispatcher_a", order, "callback", body)

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "already_rated"
    assert snapshot(order) == before


def test_anonymous_action_is_401_and_writes_nothing(world: Any) -> None:
    order = order_at(world, Status.SUBMITTED)
    before = snapshot(order)

    response = APIClient().post(f"{URL}{order.pk}/cancel/", {}, format="json")

    assert response.status_code == 401
    assert snapshot(order) == before


def test_get_on_an_action_is_405(world: Any) -> None:
    order = order_at(world, Status.SUBMITTED)

    response = client_for(world.resident).get(f"{URL}{order.pk}/cancel/")

    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"


def test_unknown_order_is_404_for_every_action(world: Any) -> None:
    client = client_for(world.county_admin)

    for action in ["approve", "cancel", "grab", "rate", "callback", "comment"]:
        response = client.post(f"{URL}{2**63}/{action}/", {}, format="json")
        assert response.status_code == 404, action
        assert response.json()["errors"][0]["code"] == "order_not_found"
