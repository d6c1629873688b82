"""The demand map and page in headless Chromium: the villages are filled by their class,
the chart draws, and no Content-Security-Policy violation on the way."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.insights.services import demand_snapshot
from tests.insights.conftest import MAY
from tests.regions.maps import draw
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 30_000


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_the_map_fills_each_village_by_its_rate(demand_world, live_server, browser):
    draw(demand_world.world)  # V3 is demand_world's (nobody lives there)
    demand_snapshot(month=MAY)
    page = log_in(browser, live_server.url, "admin", lands="/staff/dispatch/")
    page.set_default_timeout(WAIT)
    seen = watch_csp(page)
    page.goto(f"{live_server.url}/staff/demand/map/?month=2026-05&measure=placed")
    paths = page.locator("path.leaflet-interactive")
    expect(paths).to_have_count(3, timeout=WAIT)
    fills = {paths.nth(k).get_attribute("fill") for k in range(3)}
    # V1 3.0 per 1,000 (class 4 of 5: up to 3.2), V2 4.0 (the top class), V3 no rate.
    assert fills == {"rgb(227, 74, 51)", "rgb(179, 0, 0)", "rgb(217, 217, 217)"}
    table = page.get_by_role("table")
    expect(table.get_by_role("row").nth(1)).to_contain_text("2000")
    assert csp_violations(page, seen) == []
    page.goto(f"{live_server.url}/staff/demand/?month=2026-05")
    expect(page.locator("#trend-chart")).to_be_attached()
    page.wait_for_load_state("load")
    assert csp_violations(page, seen) == []
