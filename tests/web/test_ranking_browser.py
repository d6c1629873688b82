"""The ranking's trend chart in headless Chromium: the vendored Chart.js draws it from the
page's data, under the Content-Security-Policy, and the table of the same figures is there."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.orders.models import Satisfaction
from tests import ratings
from tests.ratings import local
from tests.web.test_browser import csp_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_the_trend_chart_is_drawn(world, live_server, browser):
    sat = Satisfaction.SATISFIED
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 4, 2, 9), True, True, sat)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 5, 2, 9), True, False, sat)
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(10_000)
    seen = watch_csp(page)
    page.goto(f"{live_server.url}/ranking/?month=2026-05")
    canvas = page.locator("canvas#trend-chart")
    canvas.wait_for()
    # ranking-chart.js marks the canvas once Chart.js has drawn the three lines.
    expect(canvas).to_have_attribute("data-drawn", "3")
    assert canvas.bounding_box()["height"] > 100
    painted = page.evaluate(
        """() => {
          const c = document.getElementById('trend-chart');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }"""
    )
    assert painted > 1000
    assert page.get_by_role("rowheader", name="2026-05").count() == 1
    assert csp_violations(page, seen) == []
