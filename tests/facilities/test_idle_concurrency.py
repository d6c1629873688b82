"""Two detections at the same moment (the nightly task and a command run by hand), from two
threads with two connections: one opens the flag, the other refreshes it; never two."""

from __future__ import annotations

import pytest
from django.db import connection

from minsheng.facilities.models import FacilityEvent, IdleFlag
from minsheng.facilities.services.idle import facility_idle_detect
from tests.facilities.idle_helpers import AS_OF, shops
from tests.orders.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _parallel_database() -> None:
    if connection.vendor == "postgresql" or not connection.is_in_memory_db():
        return
    pytest.skip("needs parallel connections to one database")


def test_two_detections_at_once_open_one_flag(world) -> None:  # type: ignore[no-untyped-def]
    s = shops(world)
    results = race(
        lambda: facility_idle_detect(as_of=AS_OF), lambda: facility_idle_detect(as_of=AS_OF)
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted((r.flagged, r.refreshed) for r in results) == [(0, 1), (1, 0)]
    assert list(IdleFlag.objects.values_list("facility_id", flat=True)) == [s.a.pk]
    assert FacilityEvent.objects.count() == 1
