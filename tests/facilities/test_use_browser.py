"""The use page on a phone, in headless Chromium: a keeper enters a day's counts, the
twelve-month chart is drawn by the vendored Chart.js under the Content-Security-Policy, and
nothing sticks out sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from tests.facilities.factories import make_facility
from tests.facilities.use_helpers import counts_of
from tests.web.test_browser import PASSWORD, csp_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_a_keeper_enters_counts_on_a_phone_and_sees_the_chart(world, live_server, browser):
    shop = make_facility(world.village_a, keepers=[world.grid_worker])
    base = live_server.url
    page = browser.new_context(
        locale="en-GB", viewport={"width": 390, "height": 844}, device_scale_factor=2
    ).new_page()
    page.set_default_timeout(30_000)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    seen = watch_csp(page)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("grid")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button").click()
    page.wait_for_load_state()
    page.goto(f"{base}/staff/facilities/{shop.pk}/use/")
    page.get_by_label("Visits").fill("17")
    page.get_by_label("Loans").fill("5")
    page.get_by_role("button", name="Save the counts").click()
    expect(page.locator("#use-chart")).to_have_attribute("data-drawn", "2")
    today = timezone.localdate().isoformat()
    assert counts_of(shop) == [(today, "loans", 5, "staff"), (today, "visits", 17, "staff")]
    assert page.get_by_role("rowheader", name=today).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations(page, seen) == []
