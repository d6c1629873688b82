"""The portal's front page shows the people's voice without login: the surveys open now,
the latest official replies (never a hidden suggestion's), the latest monthly topics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.catalog.models import Provider
from minsheng.voice.models import MonthlyTopic, Suggestion, SuggestionStatus, Survey, SurveyStatus
from tests.factories import ProviderFactory
from tests.web.conftest import english_client

pytestmark = pytest.mark.django_db


def _suggestion(world: Any, title: str, **fields: Any) -> Suggestion:
    now = timezone.now()
    return Suggestion.objects.create(
        author=world.resident,
        kind="facility",
        title=title,
        body="……",
        region=world.village_a,
        created_at=now,
        support_until=now + timedelta(days=90),
        **fields,
    )


def test_the_front_page_shows_open_surveys_replies_and_topics(world: Any) -> None:
    today = timezone.localdate()
    now = timezone.now()
    Survey.objects.create(
        title="村民需求调查",
        status=SurveyStatus.OPEN,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=9),
        created_by=world.county_admin,
        created_at=now,
    )
    Survey.objects.create(
        title="草稿问卷",
        opens_on=today,
        closes_on=today,
        created_by=world.county_admin,
        created_at=now,
    )
    replied = _suggestion(
        world, "村口装路灯", status=SuggestionStatus.ADOPTED, replied_at=now, reply="好的"
    )
    _suggestion(world, "还没答复的建议")
    _suggestion(world, "被隐藏的广告", replied_at=now, hidden_at=now, hidden_reason="spam")
    lead = ProviderFactory(name_zh="县住建局", kind=Provider.Kind.DEPARTMENT, staff=[])
    topic = MonthlyTopic.objects.create(
        month=today.replace(day=1),
        title="修好村里的路灯",
        lead=lead,
        picked_by=world.county_admin,
        picked_at=now,
    )
    page = english_client().get("/")
    assert page.status_code == 200
    html = page.content.decode()
    section = html[html.index('id="voice-heading"') : html.index("need-callout")]
    assert "村民需求调查" in section and "草稿问卷" not in section
    assert f'href="/suggestions/{replied.pk}/"' in section and "Adopted" in section
    assert "还没答复的建议" not in section and "被隐藏的广告" not in section
    assert f'href="/topics/{topic.pk}/"' in section and "0 of 0 tasks done (0%)" in section
