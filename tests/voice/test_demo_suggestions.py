"""The demo's suggestions: where the orders show unmet demand, real supports from the same
township crossing the threshold, each fate of a reply, a hidden spam post and its ban;
consistent with the rules, and removed by the reset."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import Count

from minsheng.accounts.models import Profile
from minsheng.demo.seed import demo_reset, seed_demo
from minsheng.voice import suggestion_rules as rules
from minsheng.voice.models import Ban, Flag, Suggestion, SuggestionEvent, Support
from minsheng.voice.selectors import suggestions as sel

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_suggestions_follow_the_rules_and_the_reset_removes_them():
    summary = seed_demo(scale=0.03, now=NOW)
    assert summary.suggestions == Suggestion.objects.count()
    assert 35 <= summary.suggestions <= 41
    threshold = settings.MINSHENG_SUGGESTION_THRESHOLD
    homes = dict(Profile.objects.values_list("user_id", "region__parent_id"))
    for s in Suggestion.objects.all():
        supports = list(Support.objects.filter(suggestion=s))
        assert s.support_count == len(supports)
        counted = [
            x
            for x in supports
            if rules.support_counts(
                supported_at=x.created_at,
                until=s.support_until,
                supporter_township=homes.get(x.user_id),
                suggestion_township=s.township_id,
            )
        ]
        assert s.support_counted == len(counted)
        assert all(x.user_id != s.author_id for x in supports)
        assert (s.threshold_reached_at is not None) == (len(counted) >= threshold)
        if s.threshold_reached_at is not None:
            nth = sorted(x.created_at for x in counted)[threshold - 1]
            assert s.threshold_reached_at == nth
            assert s.reply_due == rules.reply_due(nth, settings.MINSHENG_SUGGESTION_REPLY_DAYS)
    statuses = dict(Suggestion.objects.values_list("status").annotate(n=Count("pk")))
    assert {"done", "not_adopted", "under_study", "adopted", "received"} <= set(statuses)
    done = Suggestion.objects.get(status="done")
    assert done.result_service_id == done.service_id is not None
    assert SuggestionEvent.objects.get(
        suggestion__status="not_adopted", new_status="not_adopted"
    ).note
    times = {
        s.pk: sel.timeliness(s, NOW)
        for s in Suggestion.objects.filter(threshold_reached_at__isnull=False)
    }
    assert rules.Timeliness.OWED in times.values()
    assert rules.Timeliness.OVERDUE in times.values()
    assert SuggestionEvent.objects.filter(action="overdue").count() == 1
    spam = Suggestion.objects.get(hidden_at__isnull=False)
    assert Flag.objects.filter(suggestion=spam).count() == 3
    assert Ban.objects.get().user_id == spam.author_id
    assert spam not in sel.public_suggestions()
    demo_reset()
    assert (Suggestion.objects.count(), Support.objects.count(), Ban.objects.count()) == (0, 0, 0)
    assert SuggestionEvent.objects.count() == 0
