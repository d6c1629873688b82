"""Real concurrency on the use part (two threads, two connections; see
tests/orders/test_concurrency.py): two posts of one device's day, two keepers entering the
same day, a revocation racing a post. No unique-constraint crash, one row per source, and
no count written with a revoked key."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from minsheng.facilities.models import UseCount
from minsheng.facilities.services.use import (
    Unauthorized,
    counter_device_create,
    counter_device_revoke,
    device_counts_post,
    use_count_record,
)
from tests.facilities.factories import make_facility
from tests.orders.test_concurrency import _parallel_database, race  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 4


def test_two_posts_of_one_day_leave_one_row(world: Any) -> None:
    shop = make_facility(world.village_a)
    _device, key = counter_device_create(actor=world.county_admin, facility_id=shop.pk, name="d")
    today = timezone.localdate()
    for n in range(ROUNDS):
        post = partial(device_counts_post, key=key, facility_id=shop.pk, day=today)
        results = race(
            partial(post, counts={"visits": 10 + n}), partial(post, counts={"visits": 20 + n})
        )
        assert all(isinstance(r, list) for r in results), results
        assert list(UseCount.objects.values_list("count", flat=True)) in ([10 + n], [20 + n])


def test_two_keepers_entering_one_day_leave_one_row(world: Any) -> None:
    shop = make_facility(world.village_a, keepers=[world.grid_worker])
    today = timezone.localdate()
    for n in range(ROUNDS):
        record = partial(use_count_record, facility_id=shop.pk, day=today)
        results = race(
            partial(record, actor=world.grid_worker, counts={"visits": n}),
            partial(record, actor=world.dispatcher_a, counts={"visits": 50}),
        )
        assert all(isinstance(r, list) for r in results), results
        assert UseCount.objects.filter(facility=shop).count() == 1


def test_a_post_racing_its_revocation_is_written_before_it_or_refused(world: Any) -> None:
    today = timezone.localdate()
    for _n in range(ROUNDS):
        shop = make_facility(world.village_a)
        device, key = counter_device_create(actor=world.county_admin, facility_id=shop.pk, name="d")
        posted, _revoked = race(
            partial(
                device_counts_post, key=key, facility_id=shop.pk, day=today, counts={"visits": 3}
            ),
            partial(counter_device_revoke, actor=world.county_admin, device_id=device.pk),
        )
        rows = UseCount.objects.filter(facility=shop)
        if isinstance(posted, Unauthorized):
            assert rows.count() == 0
        else:
            assert isinstance(posted, list), posted
            assert rows.get().recorded_at <= timezone.now()
