"""Two collection runs at once (the nightly task and the command, say) record each order once
and say so: the second waits for the first and finds nothing left."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest

from minsheng.facilities.models import MedicineRequest
from minsheng.facilities.services.medicines import medicine_requests_collect
from tests.helpers import T0
from tests.orders.test_concurrency import _parallel_database, race, split  # noqa: F401

from .medicines_helpers import ask, clinics, request_service, small_list

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_collections_at_once_record_each_order_once(world):
    small_list()
    request_service(world)
    clinics(world)
    orders = [ask(world, medicine="insulin", now=T0 + timedelta(minutes=i)) for i in range(5)]
    later = T0 + timedelta(hours=1)
    wins, losses = split(
        race(
            partial(medicine_requests_collect, now=later),
            partial(medicine_requests_collect, now=later),
        )
    )
    assert losses == []
    assert sorted(w.recorded for w in wins) == [0, 5]
    assert sorted(w.read for w in wins) == [0, 5]
    assert sorted(MedicineRequest.objects.values_list("order_id", flat=True)) == [
        o.pk for o in orders
    ]
