"""The planning dashboard in headless Chromium on a phone-sized screen: the barrels and the
Lorenz curves are drawn, the map fills each village with its shortest plank's colour, the
trend charts draw, each beside its table, and no Content-Security-Policy violation."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from tests.insights.test_plank import build
from tests.web.test_browser import csp_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 30_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def phone_page(browser: Any, base: str, user: Any) -> Any:
    c = Client()
    c.force_login(user)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    host = base.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": c.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(WAIT)
    return page


def test_the_dashboard_draws_its_charts_and_map_with_their_tables(world, live_server, browser):
    balance = build(world)
    page = phone_page(browser, live_server.url, world.county_admin)
    seen = watch_csp(page)
    page.goto(f"{live_server.url}/staff/planning/?month=2026-05")
    expect(page.locator("svg.barrel-chart")).to_have_count(3)
    expect(page.locator("svg.barrel-chart").first.locator("rect.stave")).to_have_count(2)
    assert page.locator("svg.barrel-chart").first.bounding_box()["width"] <= PHONE["width"]
    expect(page.locator("polyline.lorenz-curve")).to_have_count(2)
    # The map: three villages (points at their centroids), coloured by their weakest area.
    paths = page.locator(".map path.leaflet-interactive")
    expect(paths).to_have_count(3, timeout=WAIT)
    fills = sorted(paths.nth(k).get_attribute("fill") for k in range(3))
    assert fills == sorted(["#1f77b4", "#1f77b4", "#d62728"])  # V1, V2: area A; V3: area B
    # The charts drew, and each has its table.
    expect(page.locator("canvas.planning-chart").first).to_be_attached()
    expect(page.locator("canvas.planning-chart:not([data-drawn])")).to_have_count(0)
    for heading in ("rates-h", "happy-h", "towns-h", "map-h"):
        expect(page.locator(f"table[aria-labelledby='{heading}']")).to_be_attached()
    expect(page.locator("table[aria-labelledby='towns-h'] tbody tr")).to_have_count(2)
    assert (
        balance.world.town_a.name in page.locator("table[aria-labelledby='towns-h']").inner_text()
    )
    # Nothing wider than the phone's screen but the tables' own scrolling boxes.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    assert csp_violations(page, seen) == []
