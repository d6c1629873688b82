"""The cancel form in a browser: the script asks once more; saying no sends nothing, and
saying yes (with the box ticked) cancels. No inline script: the page's policy holds."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.orders.models import Status
from tests.helpers import order_at
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_the_script_asks_before_cancelling(world, live_server, browser):
    order = order_at(world, Status.APPROVED)
    page = log_in(browser, live_server.url, "resident")
    seen = watch_csp(page)
    page.goto(f"{live_server.url}/me/orders/{order.pk}/")
    questions: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.get_by_label("Yes, cancel this order. This cannot be undone.").check()
    page.once("dialog", lambda d: answer(d, False))
    page.get_by_role("button", name="Cancel the order").click()
    page.wait_for_timeout(300)
    order.refresh_from_db()
    assert order.status == Status.APPROVED
    assert page.url == f"{live_server.url}/me/orders/{order.pk}/"

    page.once("dialog", lambda d: answer(d, True))
    page.get_by_role("button", name="Cancel the order").click()
    page.wait_for_url(f"{live_server.url}/me/orders/{order.pk}/")
    page.wait_for_selector("text=has been cancelled")
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert questions == ["Cancel this order? This cannot be undone."] * 2
    assert csp_violations(page, seen) == []
