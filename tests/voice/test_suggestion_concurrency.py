"""Real concurrency on the support counter: supports arriving at the same moment, from
parallel threads with their own connections (see ``tests/orders/test_concurrency.py``).
The suggestion row lock makes them queue: no support is lost, the threshold is reached by
exactly one of them, once."""

from __future__ import annotations

from functools import partial

import pytest

from minsheng.notify.models import Message
from minsheng.voice.models import Suggestion, SuggestionEvent, Support
from minsheng.voice.services import suggestions as svc
from tests.helpers import T0
from tests.orders.test_concurrency import _parallel_database, race, split
from tests.voice.suggestions_helpers import DAY, post, residents, support_by

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

__all__ = ["_parallel_database"]  # the fixture that skips without parallel connections

N = 4
ROUNDS = 4


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.MINSHENG_SUGGESTION_THRESHOLD = N


def test_the_last_supports_at_once_cross_the_threshold_exactly_once(world):
    for i in range(ROUNDS):
        s = post(world, title=f"第{i}条", now=T0)
        people = residents(world, N + 1, prefix=f"c{i}-")
        support_by(people[: N - 2], s, now=T0 + DAY)
        at = T0 + 2 * DAY
        results = race(
            *[
                partial(svc.suggestion_support, actor=p, suggestion_id=s.pk, now=at)
                for p in people[N - 2 :]
            ]
        )
        wins, losses = split(results)
        assert (len(wins), losses) == (3, [])
        s = Suggestion.objects.get(pk=s.pk)
        assert (s.support_count, s.support_counted) == (N + 1, N + 1)
        assert s.threshold_reached_at == at
        assert SuggestionEvent.objects.filter(suggestion=s, action="threshold").count() == 1
        assert Message.objects.filter(key=f"suggestion-owed:{s.pk}").count() == 2


def test_one_person_supporting_twice_at_once_counts_once(world):
    for i in range(ROUNDS):
        s = post(world, title=f"第{i}条", now=T0)
        (person,) = residents(world, 1, prefix=f"d{i}-")
        once = partial(svc.suggestion_support, actor=person, suggestion_id=s.pk, now=T0)
        results = race(once, once)
        wins, losses = split(results)
        assert len(wins) == 1 and [e.codes for e in losses] == [["already_supported"]]
        assert Support.objects.filter(suggestion=s).count() == 1
        assert Suggestion.objects.get(pk=s.pk).support_count == 1
