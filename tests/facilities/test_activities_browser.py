"""Signing up for an activity in headless Chromium on a phone-sized screen: the resident
finds it first in the list (their village), signs up, sees the place taken, withdraws; no
Content-Security-Policy violation on the pages."""

from __future__ import annotations

import pytest

from minsheng.facilities.models import ActivityKind, Signup
from tests.facilities.activities_helpers import make_activity
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_signs_up_on_a_phone(world, live_server, browser):
    # an earlier transactional test's flush may have emptied the kinds the migration wrote
    ActivityKind.objects.get_or_create(
        code="film-night",
        defaults={"field": "culture", "name_zh": "电影放映", "name_en": "Film night"},
    )
    a = make_activity(world, status="announced", capacity="30", title="露天电影《我和我的家乡》")
    base = live_server.url
    page = log_in(browser, base, "resident")
    page.set_viewport_size({"width": 390, "height": 844})
    seen = watch_csp(page)
    page.goto(f"{base}/activities/")
    assert "Your village" in page.locator("main").inner_text()
    page.get_by_role("link", name="露天电影《我和我的家乡》").click()
    page.wait_for_url(f"{base}/activities/{a.pk}/")
    page.get_by_role("button", name="Sign me up").click()
    page.wait_for_url(f"{base}/activities/{a.pk}/")
    text = page.locator("main").inner_text()
    assert "You have signed up." in text and "1 of 30 places taken" in text
    assert Signup.objects.filter(activity=a, user=world.resident).exists()
    # the button is within a phone's width: nothing to scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Withdraw my sign-up").click()
    page.wait_for_url(f"{base}/activities/{a.pk}/")
    assert "Sign me up" in page.locator("main").inner_text()
    assert not Signup.objects.exists()
    assert csp_violations(page, seen) == []
