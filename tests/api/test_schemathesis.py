"""schemathesis against /api/schema/: no server error, no response the schema contradicts.

Every operation is driven with generated data (positive and negative), authenticated by
token as a township dispatcher and as a resident. Generated ids rarely name a row, so each
case also runs once with its id replaced by a real one from the world: the actions then
meet real orders in real states, not only 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from minsheng.orders.models import Status
from minsheng.wsgi import application
from tests.api.conftest import token_client
from tests.helpers import order_at

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Bounded so that each database run takes well under two minutes.
MAX_EXAMPLES = 25


def load_schema() -> Any:
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def token_of(user: Any) -> str:
    client = token_client(user)
    return str(client._credentials["HTTP_AUTHORIZATION"])


@pytest.fixture(autouse=True)
def keep_test_connection() -> Iterator[None]:
    """Django's test client keeps the test's database connection open across requests;
    the WSGI application called directly would close it when each response finishes."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def real_ids(world: Any) -> dict[str, Any]:
    """An order in each of several states, and ids and codes that exist."""
    orders = [
        order_at(world, step) for step in (Status.SUBMITTED, Status.DISPATCHED, Status.DELIVERED)
    ]
    # issue 9: a suggestion of the resident's, with a reply owed
    from minsheng.voice.services import suggestions as voice

    suggestion = voice.suggestion_post(
        actor=world.resident,
        data=voice.SuggestionInput(kind="facility", title="修桥", body="河上没有桥", place="V1"),
    )
    return {
        "order_id": [order.pk for order in orders],
        "suggestion_id": [suggestion.pk],
        "provider_id": [world.provider.pk, world.provider2.pk],
        "code": ["V1", "T1", "meal-delivery"],
    }


@pytest.mark.parametrize("who", ["dispatcher_a", "resident"])
def test_api_conforms_to_its_schema(world: Any, real_ids: dict[str, Any], who: str) -> None:
    schema = load_schema()
    headers = {"Authorization": token_of(getattr(world, who))}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
        )

        @given(case=strategy, pick=st.integers(min_value=0, max_value=2))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any, pick: int) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)
            real = {
                name: values[pick % len(values)]
                for name, values in real_ids.items()
                if name in (case.path_parameters or {})
            }
            if real:
                case.path_parameters = {**case.path_parameters, **real}
                case.call_and_validate(headers=headers, checks=CHECKS)

        run()


def test_successful_answers_conform_to_the_schema(world: Any) -> None:
    """Generated bodies rarely succeed (a real region code, the right state, the right
    role); these do, so every success shape is checked against the schema too."""
    schema = load_schema()
    tokens = {
        who: {"Authorization": token_of(getattr(world, who))}
        for who in ("resident", "dispatcher_a", "provider_staff")
    }
    order_id = 0

    def call(who: str, method: str, path: str, expected: int, **kw: Any) -> Any:
        operation = schema[path][method]
        params = {"order_id": order_id} if "{order_id}" in path else None
        case = operation.Case(path_parameters=params, **kw)
        response = case.call_and_validate(headers=tokens[who], checks=CHECKS)
        assert response.status_code == expected, response.text
        return response

    created = call(
        "resident",
        "POST",
        "/api/v1/orders/",
        201,
        body={"service": "meal-delivery", "region": "V1", "answers": {}},
        media_type="application/json",
    )
    order_id = created.json()["id"]
    actions = "/api/v1/orders/{order_id}/"
    call(
        "resident",
        "POST",
        actions + "comment/",
        200,
        body={"note": "Gate 2"},
        media_type="application/json",
    )
    call("dispatcher_a", "POST", actions + "approve/", 200, body={}, media_type="application/json")
    call("dispatcher_a", "GET", actions + "candidates/", 200)
    call(
        "dispatcher_a",
        "POST",
        actions + "dispatch/",
        200,
        body={"provider_id": world.provider.pk},
        media_type="application/json",
    )
    call("provider_staff", "POST", actions + "accept/", 200, body={}, media_type="application/json")
    call("provider_staff", "POST", actions + "start/", 200, body={}, media_type="application/json")
    call(
        "provider_staff",
        "POST",
        actions + "deliver/",
        200,
        body={"note": "Done"},
        media_type="application/json",
    )
    call(
        "resident",
        "POST",
        actions + "rate/",
        200,
        body={"contacted": True, "solved": True, "satisfaction": "satisfied"},
        media_type="application/json",
    )
    call("dispatcher_a", "GET", actions, 200)
    call("dispatcher_a", "GET", "/api/v1/ratings/", 200)
    call("provider_staff", "GET", "/api/v1/orders/", 200)
