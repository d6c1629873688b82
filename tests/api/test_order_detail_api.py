"""GET /api/v1/orders/<id>/ (timeline and ratings), /candidates/ and GET /api/v1/ratings/."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.orders import services as s
from minsheng.orders.models import Order, OrderEvent, Rating, Status
from tests.api.conftest import URL, token_client
from tests.helpers import order_at, submit

RATINGS = "/api/v1/ratings/"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def declined_then_dispatched(world: Any) -> Order:
    order = order_at(world, Status.DISPATCHED)
    s.order_decline(order_id=order.pk, actor=world.provider_staff, reason="Van broken")
    s.order_dispatch(order_id=order.pk, actor=world.dispatcher_a, provider_id=world.provider2.pk)
    return order


def test_staff_read_the_whole_timeline_with_actors(world: Any) -> None:
    order = declined_then_dispatched(world)

    data = token_client(world.dispatcher_a).get(f"{URL}{order.pk}/").json()

    assert [
        (e["action"], e["old_status"], e["new_status"], e["actor"]) for e in data["events"]
    ] == [
        ("submit", None, "submitted", "resident"),
        ("approve", "submitted", "approved", "disp_a"),
        ("dispatch", "approved", "dispatched", "disp_a"),
        ("decline", "dispatched", "approved", "p1staff"),
        ("dispatch", "approved", "dispatched", "disp_a"),
    ]
    decline = data["events"][3]
    event = OrderEvent.objects.get(order=order, action="decline")
    assert decline == {
        "id": event.pk,
        "action": "decline",
        "old_status": "dispatched",
        "new_status": "approved",
        "actor": "p1staff",
        "provider": world.provider.pk,
        "note": "Van broken",
        "audience": "staff",
        "round": 0,
        "created_at": timezone.localtime(event.created_at).isoformat(),
    }


def test_residents_see_only_public_steps_and_no_staff_names(world: Any) -> None:
    order = declined_then_dispatched(world)

    data = token_client(world.resident).get(f"{URL}{order.pk}/").json()

    assert [(e["action"], e["actor"]) for e in data["events"]] == [
        ("submit", None),
        ("approve", None),
        ("dispatch", None),
        ("dispatch", None),
    ]
    assert data["provider"] == world.provider2.pk
    assert data["ratings"] == []


def test_candidates_for_the_orders_dispatcher_best_first(world: Any) -> None:
    order = order_at(world, Status.APPROVED)

    response = token_client(world.dispatcher_a).get(f"{URL}{order.pk}/candidates/")

    assert response.status_code == 200
    rows = response.json()
    assert [(r["provider"]["id"], r["available"], r["declined"]) for r in rows] == [
        (world.provider.pk, True, False),
        (world.provider2.pk, True, False),
    ]
    assert rows[0]["provider"] == {
        "id": world.provider.pk,
        "name": world.provider.name_en,
        "kind": "volunteer",
    }
    assert rows[0]["remaining"] == 5
    assert rows[0]["performance"] is None
    assert rows[0]["distance_km"] == pytest.approx(1.4, abs=0.1)


@pytest.mark.parametrize(("who", "status"), [("dispatcher_b", 404), ("provider_staff", 404)])
def test_candidates_outside_scope(world: Any, who: str, status: int) -> None:
    order = submit(world)

    response = token_client(getattr(world, who)).get(f"{URL}{order.pk}/candidates/")

    assert response.status_code == status


# --- ratings ----------------------------------------------------------------------------------

MAY = timezone.make_aware(datetime(2026, 5, 10, 9, 0))
JUNE = timezone.make_aware(datetime(2026, 6, 10, 9, 0))


def rated(world: Any, region: str, at: datetime, satisfaction: str = "satisfied") -> Rating:
    """An order placed at ``at`` in ``region``, delivered by the county centre, and rated by
    its resident an hour later."""
    order = order_at(world, Status.DELIVERED, region_code=region, provider=world.provider2, now=at)
    return s.order_rate(
        order_id=order.pk,
        actor=order.resident,
        data=s.RatingInput(contacted=True, solved=True, satisfaction=satisfaction),
        now=at + timedelta(hours=1),
    )


@pytest.fixture
def ratings(world: Any) -> dict[str, Rating]:
    return {
        "a_may": rated(world, "V1", MAY),
        "b_may": rated(world, "V2", MAY + timedelta(days=1), "basic"),
        "a_june": rated(world, "V1", JUNE),
    }


def rating_ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


def test_ratings_are_scoped_like_orders(world: Any, ratings: dict[str, Rating]) -> None:
    r = ratings
    assert rating_ids(token_client(world.county_admin).get(RATINGS)) == [
        r["a_june"].pk,
        r["b_may"].pk,
        r["a_may"].pk,
    ]
    assert rating_ids(token_client(world.dispatcher_b).get(RATINGS)) == [r["b_may"].pk]
    assert rating_ids(token_client(world.resident).get(RATINGS)) == [
        r["a_june"].pk,
        r["a_may"].pk,
    ]
    assert rating_ids(token_client(world.grid_worker).get(RATINGS)) == [
        r["a_june"].pk,
        r["a_may"].pk,
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"month": "2026-05"}, ["b_may", "a_may"]),
        ({"month": "2026-06", "township": "T1"}, ["a_june"]),
        ({"township": "T2"}, ["b_may"]),
        ({"ordering": "created_at"}, ["a_may", "b_may", "a_june"]),
    ],
)
def test_ratings_filter(
    world: Any, ratings: dict[str, Rating], query: dict[str, str], expected: list[str]
) -> None:
    response = token_client(world.county_admin).get(RATINGS, query)

    assert rating_ids(response) == [ratings[k].pk for k in expected]


def test_ratings_by_provider(world: Any, ratings: dict[str, Rating]) -> None:
    client = token_client(world.county_admin)

    assert len(rating_ids(client.get(RATINGS, {"provider": world.provider2.pk}))) == 3
    assert rating_ids(client.get(RATINGS, {"provider": world.provider.pk})) == []


@pytest.mark.parametrize("month", ["2026-13", "May", "1999-05", "2026-5"])
def test_bad_month_is_a_400(world: Any, ratings: dict[str, Rating], month: str) -> None:
    response = token_client(world.county_admin).get(RATINGS, {"month": month})

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "invalid",
                "field": "month",
                "message": "Give the month as YYYY-MM, for example 2026-05.",
            }
        ]
    }
