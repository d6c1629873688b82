"""Real concurrency on sign-ups (PostgreSQL, parallel threads with their own connections,
see ``tests/orders/test_concurrency.py``): the activity row lock makes sign-ups queue, so
the last places go to exactly as many people as there are places, and one person signing
up twice at once counts once."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

import pytest

from minsheng.accounts.models import Role
from minsheng.facilities.models import ActivityKind, Signup
from minsheng.facilities.services import activities as svc
from tests.facilities.activities_helpers import make_activity
from tests.factories import make_user
from tests.orders.test_concurrency import _parallel_database, race, split

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

__all__ = ["_parallel_database"]  # the fixture that skips without parallel connections

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=TZ)
START = datetime(2026, 6, 6, 19, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _kind(transactional_db):
    # a transactional test's flush empties what the data migration wrote
    ActivityKind.objects.get_or_create(
        code="film-night",
        defaults={"field": "culture", "name_zh": "电影放映", "name_en": "Film night"},
    )


def test_four_residents_at_once_for_the_last_two_places(world):
    for i in range(3):
        a = make_activity(world, status="announced", now=NOW, starts=START, capacity="2")
        people = [make_user(Role.RESIDENT, world.village_a, username=f"r{i}-{n}") for n in range(4)]
        results = race(
            *[partial(svc.signup_create, actor=p, activity_id=a.pk, now=NOW) for p in people]
        )
        wins, losses = split(results)
        assert len(wins) == 2
        assert [e.codes for e in losses] == [["activity_full"], ["activity_full"]]
        assert Signup.objects.filter(activity=a).count() == 2


def test_one_resident_twice_at_once_counts_once(world):
    for i in range(3):
        a = make_activity(world, status="announced", now=NOW, starts=START, title=f"第{i}场")
        once = partial(svc.signup_create, actor=world.resident, activity_id=a.pk, now=NOW)
        wins, losses = split(race(once, once))
        assert len(wins) == 1 and [e.codes for e in losses] == [["activity_already_signed_up"]]
        assert Signup.objects.filter(activity=a).count() == 1
