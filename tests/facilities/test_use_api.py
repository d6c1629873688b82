"""``GET /api/v1/facilities/<id>/use/``: a facility's daily series for those who keep it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from minsheng.facilities.models import UseCount, UseSource
from tests.facilities.factories import make_facility
from tests.orders.test_permission_table import api_client

pytestmark = pytest.mark.django_db


def test_the_daily_series_by_the_one_rule(world: Any) -> None:
    shop = make_facility(world.village_a, keepers=[world.grid_worker])
    today = timezone.localdate()
    now = timezone.now()
    for days_ago, kind, source, n in (
        (0, "visits", UseSource.STAFF, 9),
        (0, "visits", UseSource.DEVICE, 11),
        (0, "loans", UseSource.STAFF, 4),
        (2, "visits", UseSource.IMPORT, 5),
        (3, "visits", UseSource.STAFF, 99),  # before the range
    ):
        UseCount.objects.create(
            facility=shop, day=today - timedelta(days=days_ago), kind=kind, count=n,
            source=source, recorded_at=now,
        )  # fmt: skip
    start = (today - timedelta(days=2)).isoformat()
    response = api_client(world.grid_worker).get(f"/api/v1/facilities/{shop.pk}/use/?start={start}")
    assert response.status_code == 200
    assert response.json() == {
        "facility": shop.pk,
        "start": start,
        "end": today.isoformat(),
        "kinds": ["visits", "loans"],
        "days": [
            {"date": start, "counts": {"visits": 5}, "people": 5},
            {"date": (today - timedelta(days=1)).isoformat(), "counts": {}, "people": 0},
            {"date": today.isoformat(), "counts": {"loans": 4, "visits": 11}, "people": 11},
        ],
    }


def test_the_default_range_is_thirty_days(world: Any) -> None:
    shop = make_facility(world.village_a)
    body = api_client(world.county_admin).get(f"/api/v1/facilities/{shop.pk}/use/").json()
    assert len(body["days"]) == 30
    assert body["end"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("start=2026-13-01", "start", "not_date"),
        ("end=20260501", "end", "not_date"),
        ("end=2999-01-01", "end", "future_date"),
        ("start=2020-01-01", "start", "not_date"),  # more than 366 days
    ],
)
def test_bad_ranges_are_400(world: Any, query: str, field: str, code: str) -> None:
    shop = make_facility(world.village_a)
    response = api_client(world.county_admin).get(f"/api/v1/facilities/{shop.pk}/use/?{query}")
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [(code, field)]


@pytest.fixture
def wsgi_keeps_connection() -> Iterator[None]:
    """As in tests/api/test_schemathesis.py: the WSGI application called directly would
    close the test's database connection when each response finishes."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("who", ["dispatcher_a", "device"])
def test_the_use_endpoints_conform_to_the_schema(
    world: Any, who: str, wsgi_keeps_connection: None
) -> None:
    """schemathesis on the two endpoints of the use part (as in tests/api): no server error,
    no answer the schema contradicts, with generated and with real ids and keys."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from minsheng.facilities.services.use import counter_device_create
    from tests.api.test_schemathesis import CHECKS, load_schema, token_of

    shop = make_facility(world.village_a, capacity=30)
    _device, key = counter_device_create(actor=world.county_admin, facility_id=shop.pk, name="door")
    headers = {
        "Authorization": f"Device {key}" if who == "device" else token_of(world.dispatcher_a)
    }
    schema = load_schema()
    for path, method in (
        ("/api/v1/facility-counts/", "POST"),
        ("/api/v1/facilities/{facility_id}/use/", "GET"),
    ):
        operation = schema[path][method]
        strategy = st.one_of(
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
        )

        @given(case=strategy, real=st.booleans())
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any, real: bool) -> None:
            if real and case.path_parameters:
                case.path_parameters = {"facility_id": shop.pk}
            if real and isinstance(case.body, dict):
                case.body = {**case.body, "facility": shop.pk}
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
