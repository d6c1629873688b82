"""The maintenance overview in headless Chromium: the projection's chart draws its three
lines (need, budget, cumulative gap) with no Content-Security-Policy violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from minsheng.facilities.services import maintenance as svc
from tests.facilities.maintenance_helpers import plan_on, road
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 30_000


def test_the_projection_chart_draws(world, live_server, browser):
    asset = road(world)
    plan_on(asset, due=timezone.localdate() - timedelta(days=5))
    svc.work_orders_generate(as_of=timezone.localdate(), horizon_days=0)
    # A busy machine makes the server's first page slow: warm it up before the login's
    # ten-second navigation timeout starts.
    warm = browser.new_page()
    warm.goto(f"{live_server.url}/accounts/login/", timeout=120_000)
    warm.close()
    page = log_in(browser, live_server.url, "admin", lands="/staff/dispatch/")
    page.set_default_timeout(WAIT)
    seen = watch_csp(page)
    page.goto(f"{live_server.url}/staff/facilities/maintenance/?years=3")
    expect(page.locator("#trend-chart")).to_have_attribute("data-drawn", "3", timeout=WAIT)
    expect(page.get_by_role("link", name=asset.name_en).first).to_be_visible()
    assert csp_violations(page, seen) == []
