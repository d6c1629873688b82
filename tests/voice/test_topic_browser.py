"""The monthly topic in headless Chromium: the county administrator ticks a candidate,
picks it with its lead department and a task, marks the task done and declares the topic
done; a resident on a phone follows it without logging in. No page breaks the
Content-Security-Policy. Screenshots go to ``var/screenshots/`` for a person to look at."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.voice.models import MonthlyTopic, TopicStatus
from minsheng.voice.services import topics as s
from tests.voice.topic_fixtures import MONTH, NOW, Month
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["tests.voice.topic_fixtures"]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def shot(page: Any, name: str) -> None:
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def test_pick_and_follow_a_topic_in_the_browser(
    world: Any, month_world: Month, live_server: Any, browser: Any
) -> None:
    base = live_server.url
    s.topic_candidates_compute(month=MONTH, now=NOW)
    due = (timezone.localdate() + timedelta(days=20)).isoformat()

    admin = log_in(browser, base, "admin", lands="/staff/dispatch/")
    seen = watch_csp(admin)
    admin.goto(f"{base}/staff/topics/?month=2026-05")
    admin.get_by_role("checkbox", name="路灯").check()
    admin.get_by_role("button", name="Pick the chosen as the month's topic…").click()
    admin.get_by_label("Title").fill("修好村里的路灯")
    admin.get_by_label("Lead department").select_option(str(month_world.department.pk))
    first = admin.get_by_role("group", name="Task 1")
    first.get_by_label("Task").fill("排查全村路灯")
    first.get_by_label("Owner").select_option(str(month_world.department.pk))
    first.get_by_label("Due on").fill(due)
    admin.get_by_role("button", name="Pick as the month's topic").click()
    admin.wait_for_url(re.compile(r"/staff/topics/\d+/$"))
    topic = MonthlyTopic.objects.get()
    admin.get_by_label("What was done").fill("换了 12 盏灯")
    admin.get_by_role("button", name="Mark done").click()
    admin.get_by_label("Outcome").fill("全村路灯已修好")
    admin.get_by_role("button", name="The topic is done").click()
    admin.wait_for_url(f"{base}/staff/topics/{topic.pk}/")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.DONE
    assert csp_violations(admin, seen) == []
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.goto(f"{base}/staff/topics/?month=2026-05")
    shot(admin, "topic-candidates-phone.png")
    assert csp_violations(admin, seen) == []

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2
    ).new_page()
    seen = watch_csp(phone)
    phone.goto(f"{base}/topics/")
    phone.get_by_role("link", name="修好村里的路灯").click()
    phone.wait_for_url(f"{base}/topics/{topic.pk}/")
    assert "全村路灯已修好" in phone.locator("main").inner_text()
    assert "13912345678" not in phone.content()
    shot(phone, "topic-public-phone.png")
    assert csp_violations(phone, seen) == []
