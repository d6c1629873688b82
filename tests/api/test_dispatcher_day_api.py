"""A dispatcher's day through the REST API (issue 8): approve-dispatch, reassign, urge, note,
escalate-county and merge. Each success answers with the updated order; each refusal keeps
the service's code, field and status and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.accounts.models import Role
from minsheng.orders import services as s
from minsheng.orders.models import OrderEvent, Status
from tests.api.test_order_actions_api import post, snapshot
from tests.factories import make_user
from tests.helpers import order_at, submit


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def actions(order: Any) -> list[str]:
    return list(
        OrderEvent.objects.filter(order=order)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


def test_approve_dispatch_in_one_call(world):
    order = submit(world)
    response = post(
        world,
        "dispatcher_a",
        order,
        "approve-dispatch",
        {"provider_id": world.provider.pk, "note": "急"},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["provider"]) == (
        "dispatched",
        world.provider.pk,
    )
    assert actions(order) == ["submit", "approve", "dispatch"]


def test_approve_dispatch_to_an_ineligible_provider_is_refused_and_writes_nothing(world):
    order = submit(world)
    before = snapshot(order)
    response = post(world, "dispatcher_a", order, "approve-dispatch", {"provider_id": 999_999})
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("provider_not_eligible", "provider")
    ]
    assert snapshot(order) == before


def test_reassign_urge_note_and_escalate_county(world):
    order = order_at(world, Status.IN_SERVICE)
    urged = post(world, "dispatcher_a", order, "urge", {"note": "快点"})
    assert (urged.status_code, urged.json()["status"]) == (200, "in_service")
    noted = post(world, "grid_worker", order, "note", {"note": "已电话"})
    assert noted.status_code == 200, noted.content
    up = post(world, "dispatcher_a", order, "escalate-county", {"reason": "人手不够"})
    assert up.status_code == 200, up.content
    moved = post(
        world,
        "dispatcher_a",
        order,
        "reassign",
        {"provider_id": world.provider2.pk, "reason": "换队"},
    )
    assert (moved.status_code, moved.json()["status"], moved.json()["provider"]) == (
        200,
        "dispatched",
        world.provider2.pk,
    )
    assert actions(order)[-4:] == ["urge", "comment", "escalate_county", "reassign"]


def test_urge_on_a_closed_order_is_a_409_and_writes_nothing(world):
    order = order_at(world, Status.ACCEPTED)
    s.order_cancel(order_id=order.pk, actor=world.dispatcher_a)
    before = snapshot(order)
    response = post(world, "dispatcher_a", order, "urge", {})
    assert response.status_code == 409
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("order_final", "order")
    ]
    assert snapshot(order) == before


def test_merge_and_its_refusal_across_townships(world):
    neighbour = make_user(Role.RESIDENT, world.village_a, username="neighbour")
    keep = submit(world)
    duplicate = submit(world, actor=neighbour)
    elsewhere = submit(world, region_code=world.village_b.code)

    before = snapshot(elsewhere)
    refused = post(world, "county_admin", elsewhere, "merge", {"keep_id": keep.pk})
    assert refused.status_code == 409
    assert [(e["code"], e["field"]) for e in refused.json()["errors"]] == [
        ("merge_across_townships", "keep")
    ]
    assert snapshot(elsewhere) == before

    merged = post(world, "dispatcher_a", duplicate, "merge", {"keep_id": keep.pk})
    assert (merged.status_code, merged.json()["status"]) == (200, "merged")
    # The neighbour now reads the kept order through the API too.
    from tests.api.test_order_actions_api import client_for

    assert client_for(neighbour).get(f"/api/v1/orders/{keep.pk}/").status_code == 200
