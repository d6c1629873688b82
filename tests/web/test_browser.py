"""The order loop driven through headless Chromium (Playwright, sync API).

A resident orders a service answering its questions, a dispatcher approves and dispatches
it, the provider's staff accepts, starts and delivers it in the browser, and the resident
rates it and sees it closed. One screenshot of the portal on a phone is kept in
``var/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.orders.models import Order, Status
from tests.helpers import advance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"

# Every Content-Security-Policy refusal the page meets, as the browser reports it (an init
# script runs before the page's own and is not itself subject to the policy).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
}, true);
"""


def watch_csp(page: Any) -> list[str]:
    """Collect the page's CSP violations: its events and the console's reports."""
    seen: list[str] = []
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def csp_violations(page: Any, seen: list[str]) -> list[str]:
    return [*seen, *page.evaluate("window.__cspViolations || []")]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    """The areas and urgency classes the migration seeds: an earlier transactional test's
    flush may have emptied them (serialized rollback clashes with re-created content types)."""
    seed_standard(ServiceArea, Category, UrgencyClass)


def log_in(browser: Any, base: str, username: str, lands: str = "/") -> Any:
    """A fresh browser (own cookies) logged in as ``username``, having chosen English; they
    land where ``orders.policy.landing_url_name`` sends them (``lands``)."""
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    # Pages are Chinese until the person picks a language: pick English with the switch.
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.wait_for_url(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button").click()
    page.wait_for_url(f"{base}{lands}")
    return page


def test_order_loop_in_the_browser(world, repair, live_server, browser):
    base = live_server.url

    # (a) the resident browses the menu and orders, answering the service's questions
    resident = log_in(browser, base, "resident")
    resident.get_by_role("link", name="Home repair", exact=True).click()
    resident.get_by_role("link", name="Order this service").click()
    resident.get_by_label("Needs a hand").check()
    resident.get_by_label("How many people").fill("2")
    resident.get_by_label("When").fill("2026-05-01T09:30")
    resident.get_by_label("Carrying upstairs").check()
    resident.get_by_label("Anything else we should know?").fill("The screen flickers")
    assert resident.get_by_label("Place (village)").input_value() == "V1"
    resident.get_by_role("button", name="Place the order").click()
    resident.wait_for_url(re.compile(r"/me/orders/\d+/$"))
    order = Order.objects.get()
    assert order.answers == {
        "mobility": "aided",
        "people": 2,
        "when": "2026-05-01T09:30:00+08:00",
        "extras": ["carry"],
    }
    assert f"Order {order.number} has been placed." in resident.locator(".messages").inner_text()
    resident.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="My orders"
    ).click()
    assert resident.get_by_role("link", name=re.compile("Home repair")).is_visible()
    assert "Submitted" in resident.locator(".order-row").inner_text()

    # the dispatcher of T1 reviews and dispatches it (through the services)
    advance(world, order, Status.DISPATCHED)

    # (b) the provider's staff accepts, starts and delivers it
    staff = log_in(browser, base, "p1staff", lands="/staff/provider/")
    staff.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="My work orders"
    ).click()
    staff.get_by_role("button", name="Accept").click()
    staff.get_by_role("button", name="Start the service").click()
    staff.get_by_label("What was done").fill("Replaced the capacitor")
    staff.get_by_role("button", name="Mark as delivered").click()
    assert "delivered" in staff.locator(".messages").inner_text()
    order.refresh_from_db()
    assert order.status == Status.DELIVERED

    # (c) the resident rates it and sees it closed
    resident.goto(f"{base}/me/orders/{order.pk}/")
    rating = resident.locator("form", has=resident.get_by_role("button", name="Send the rating"))
    rating.get_by_role("group", name="Were you contacted?").get_by_label("Yes").check()
    rating.get_by_role("group", name="Was your problem solved?").get_by_label("Yes").check()
    rating.get_by_label("Basically satisfied").check()
    rating.get_by_label("Comment").fill("Quick and tidy")
    resident.get_by_role("button", name="Send the rating").click()
    resident.wait_for_url(f"{base}/me/orders/{order.pk}/")
    assert "Closed" in resident.locator(".facts").inner_text()
    order.refresh_from_db()
    assert order.status == Status.CLOSED


def test_portal_on_a_phone_screenshot(world, repair, live_server, browser):
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2
    ).new_page()
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text() == "服务菜单"
    # Nothing sticks out sideways on a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "portal-phone.png"), full_page=True)
    assert (folder / "portal-phone.png").stat().st_size > 10_000


def test_pages_load_with_no_content_security_policy_violation(world, repair, live_server, browser):
    base = live_server.url
    root = get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    seen = watch_csp(page)
    visited = []

    def visit(path: str) -> None:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("load")
        visited.append((path, csp_violations(page, seen)))
        seen.clear()

    visit("/")
    visit("/services/home-repair/")
    visit("/accounts/login/")
    page.get_by_label("用户名").fill("resident")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button").click()
    page.wait_for_url(f"{base}/")
    visit("/accounts/password/")
    visit("/services/home-repair/order/")
    visit("/me/")
    admin = browser.new_context().new_page()
    admin.set_default_timeout(10_000)
    seen_admin = watch_csp(admin)
    admin.goto(f"{base}/admin/login/")
    admin_login = csp_violations(admin, seen_admin)
    admin.get_by_label("用户名").fill("root")
    admin.get_by_label("密码").fill(PASSWORD)
    admin.locator("input[type=submit]").click()
    admin.wait_for_url(f"{base}/admin/")
    admin.goto(f"{base}/admin/auth/user/{root.pk}/change/")
    admin.wait_for_load_state("load")
    admin_change = csp_violations(admin, seen_admin)

    assert visited == [(path, []) for path, _ in visited]
    assert (admin_login, admin_change) == ([], [])
