"""A provider's day on a phone, in headless Chromium: the console's tabs reach each section,
today's job shows the resident's number to call and a map link, nothing sticks out sideways,
and the page meets no Content-Security-Policy refusal."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.catalog.models import Category, Provider, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.orders.models import ContactView, Status
from tests.helpers import advance, submit
from tests.web.test_browser import PASSWORD, csp_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_the_provider_console_works_on_a_phone(world, live_server, browser):
    Provider.objects.update(daily_capacity=50)
    order = advance(
        world,
        submit(
            world,
            contact_name="王秀英",
            contact_phone="13800138000",
            latitude=30.0123,
            longitude=110.0456,
            address="3组12号",
        ),
        Status.DISPATCHED,
    )
    base = live_server.url
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2
    ).new_page()
    page.set_default_timeout(10_000)
    seen = watch_csp(page)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("p1staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button").click()
    page.wait_for_url(f"{base}/staff/provider/")  # staff land on their console

    job = page.locator("#today article").first
    assert order.number in job.inner_text()
    call = job.get_by_role("link", name="拨打 13800138000")
    assert call.get_attribute("href") == "tel:+8613800138000"
    navigate = job.get_by_role("link", name="导航 甲镇 · 甲村 · 3组12号")
    assert navigate.get_attribute("href").startswith("geo:30.0123,110.0456?q=")
    assert ContactView.objects.filter(order=order, where="provider_console").count() == 1

    tabs = page.get_by_role("navigation", name="工作台各栏目")
    tabs.get_by_role("link", name="历史记录").click()
    assert page.url.endswith("#history")
    assert page.locator("#history").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert csp_violations(page, seen) == []
