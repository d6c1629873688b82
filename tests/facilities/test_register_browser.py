"""The public facilities map in headless Chromium: the vendored Leaflet draws the open
facilities as points from the GeoJSON endpoint, under the Content-Security-Policy; without
JavaScript the list is the page (the map's box stays hidden)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from tests.facilities.factories import make_facility
from tests.web.test_browser import csp_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_the_map_shows_the_points_and_the_list_works_without_javascript(
    world, live_server, browser
):
    make_facility(world.village_a, name_en="Jia bookshop")
    make_facility(world.village_b, "clinic", name_en="Yi clinic")
    make_facility(world.village_b, name_en="Closed one", status="closed")  # listed, not mapped
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="en").new_page()
    page.set_default_timeout(30_000)  # a loaded machine
    seen = watch_csp(page)
    page.goto(f"{live_server.url}/facilities/")
    expect(page.locator("[data-map=facilities]")).to_have_attribute("data-points", "2")
    assert page.locator(".leaflet-interactive").count() == 2
    assert page.locator("[data-map=facilities]").bounding_box()["height"] > 100
    assert csp_violations(page, seen) == []

    plain = browser.new_context(java_script_enabled=False, locale="en").new_page()
    plain.set_default_timeout(30_000)
    plain.goto(f"{live_server.url}/facilities/")
    assert not plain.locator("[data-map=facilities]").is_visible()
    links = plain.locator(".facility-list h3 a")
    assert links.count() == 3
    assert all(links.nth(i).is_visible() for i in range(3))
