"""A library's collection page in headless Chromium: the class chart is drawn from the
figures the page embeds (the table beside it holds the same), a title is added through the
form on a phone, and nothing breaks the Content-Security-Policy."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.facilities.models import Title
from tests.facilities.collections_helpers import add_titles, library
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_the_collection_page_in_the_browser(world: Any, live_server: Any, browser: Any) -> None:
    shop = library(world)
    add_titles(
        shop,
        [
            ("稻田养鱼技术", "S", 2025, 1, 3),
            ("平凡的世界", "I", 2020, 2, 4),
            ("土地承包法问答", "D", 2000, 3, 0),
        ],
    )
    base = live_server.url
    # The live server's first answer can take long on a loaded machine (log_in waits 10 s).
    with urllib.request.urlopen(f"{base}/accounts/login/", timeout=120) as first:  # noqa: S310
        assert first.status == 200
    page = log_in(browser, base, "admin", lands="/staff/dispatch/")
    seen = watch_csp(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/staff/facilities/{shop.pk}/collection/")
    page.wait_for_selector("#chart-classes[data-drawn='3']")
    form = page.locator("form[action$='/collection/titles/']")
    form.get_by_label("Title").fill("活着")
    form.get_by_label("Subject class (CLC)").select_option("I")
    form.get_by_label("Publication year").fill("2012")
    form.get_by_label("Copies").fill("3")
    form.get_by_role("button", name="Add the title").click()
    page.wait_for_selector("text=“活着” is added.")
    assert Title.objects.filter(facility=shop, title="活着", subject="I", copies=3).exists()
    assert csp_violations(page, seen) == []
