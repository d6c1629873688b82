"""Details found on the way: durations in natural Chinese, the language switch in each
language's own words, and the rating not shown as the provider's step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from minsheng.core.durations import natural_duration
from minsheng.orders.models import Satisfaction, Status
from minsheng.orders.selectors import timeline_for
from minsheng.orders.services import RatingInput, order_rate
from minsheng.orders.templatetags.minsheng_ui import duration, since
from tests.helpers import order_at
from tests.web.conftest import logged_in

H = 3600


@pytest.mark.parametrize(
    ("seconds", "zh", "en"),
    [
        (5 * H + 35 * 60, "5小时35分钟", "5 hours, 35 minutes"),
        (H, "1小时", "1 hour"),
        (2 * 86400, "2天", "2 days"),
        (86400 + 12 * H + 5 * 60, "1天12小时", "1 day, 12 hours"),
        (86400 + 5 * 60, "1天", "1 day"),  # the next unit is 0: stop there
        (59, "0分钟", "0 minutes"),
        (-30, "0分钟", "0 minutes"),
    ],
)
def test_durations_read_naturally_in_both_languages(seconds, zh, en):
    with translation.override("zh-hans"):
        assert natural_duration(seconds) == zh
    with translation.override("en"):
        assert natural_duration(seconds) == en


def test_the_filters_use_it():
    with translation.override("zh-hans"):
        assert duration(timedelta(hours=24)) == "1天"
        assert since(timezone.now() - timedelta(hours=5, minutes=35, seconds=10)) == "5小时35分钟"
    assert duration(None) == since(None) == "—"


def test_waiting_times_on_a_chinese_queue_have_no_spaces_or_commas(world):
    order_at(world, Status.SUBMITTED, now=timezone.now() - timedelta(hours=5, minutes=35))
    body = logged_in(world.dispatcher_a, language="zh-hans").get("/staff/dispatch/").content
    assert "已等待5小时35分钟" in body.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_switch_names_each_language_in_its_own_words(world, language):
    body = logged_in(world.resident, language=language).get("/").content.decode()
    selected = " selected" if language == "zh-hans" else ""
    assert f'<option value="zh-hans" lang="zh-hans"{selected}>中文</option>' in body
    selected = " selected" if language == "en" else ""
    assert f'<option value="en" lang="en"{selected}>English</option>' in body
    assert "英语" not in body


def test_the_rating_is_not_shown_as_the_providers_step(world):
    order = order_at(world, Status.DELIVERED)
    order_rate(
        order_id=order.pk,
        actor=world.resident,
        data=RatingInput(contacted="yes", solved="yes", satisfaction=Satisfaction.SATISFIED),
    )
    teams = [(e.event.action, e.team) for e in timeline_for(world.resident, order)]
    team = world.provider.name
    assert teams == [
        ("submit", ""),
        ("approve", ""),
        ("dispatch", team),
        ("accept", team),
        ("start", team),
        ("deliver", team),
        ("rate", ""),
    ]
    body = logged_in(world.resident).get(f"/me/orders/{order.pk}/").content.decode()
    rated = body[body.index("<strong>Rated</strong>") :]
    rated = rated[: rated.index("</li>")]
    assert team not in rated
