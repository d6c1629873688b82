"""A dispatcher's day in headless Chromium (issue 8): they land on the console, find an order
by the resident's phone number, approve and dispatch it in one step, and the console's queue
refreshes itself and says so to screen readers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.orders.models import Order, Status
from tests.helpers import submit
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_a_dispatcher_finds_an_order_by_phone_and_dispatches_it_in_one_step(
    world, live_server, browser
):
    base = live_server.url
    order = submit(
        world,
        actor=world.grid_worker,
        channel="hotline",
        contact_name="王秀英",
        contact_phone="13800138000",
    )
    submit(world, description="另一位居民")

    dispatcher = log_in(browser, base, "disp_a", lands="/staff/dispatch/")
    assert dispatcher.get_by_role("heading", level=1).inner_text() == "Dispatch console"
    dispatcher.goto(f"{base}/staff/orders/")
    dispatcher.get_by_label("Phone").fill("138 0013 8000")
    dispatcher.get_by_role("button", name="Search").click()
    dispatcher.wait_for_url(re.compile(r"/staff/orders/\?.*phone="))
    rows = dispatcher.locator(".order-row")
    assert rows.count() == 1
    rows.get_by_role("link").click()
    dispatcher.wait_for_url(f"{base}/staff/orders/{order.pk}/")
    with translation.override("en"):
        team = world.provider2.name
    dispatcher.get_by_role("button", name=f"Approve and dispatch {team}").click()
    dispatcher.wait_for_url(f"{base}/staff/orders/{order.pk}/")
    assert "approved and dispatched" in dispatcher.locator(".messages").inner_text()
    order.refresh_from_db()
    assert (order.status, order.provider_id) == (Status.DISPATCHED, world.provider2.pk)


def test_the_console_refreshes_its_queue_and_announces_it(world, live_server, browser, settings):
    settings.MINSHENG_QUEUE_REFRESH_SECONDS = 1
    base = live_server.url
    submit(world)
    dispatcher = log_in(browser, base, "disp_a", lands="/staff/dispatch/")
    seen = watch_csp(dispatcher)
    dispatcher.goto(f"{base}/staff/dispatch/")
    assert dispatcher.locator(".queue .order-row").count() == 1
    submit(world, description="新来的工单")
    status = dispatcher.locator("#queue-status")
    status.filter(has_text="The queue was updated: 2 orders.").wait_for(timeout=10_000)
    assert dispatcher.locator(".queue .order-row").count() == 2
    assert status.get_attribute("aria-live") == "polite"
    assert csp_violations(dispatcher, seen) == []
    assert Order.objects.count() == 2
