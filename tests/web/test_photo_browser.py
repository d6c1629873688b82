"""Photos in headless Chromium: a resident attaches one when ordering and sees it, the
provider's staff deliver with a photo as proof; the pages load them under the site's
Content-Security-Policy, from the views that check who may see them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from minsheng.orders.models import Order, OrderPhoto, PhotoKind, Status
from tests.helpers import advance
from tests.photos import phone_jpeg, png
from tests.web.test_browser import csp_violations, log_in, standard_catalog, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["standard_catalog"]  # its autouse fixture: the areas the need form offers


def loaded_images(page: Any) -> list[int]:
    """The natural width of each photo thumbnail on the page (0: it did not load), each
    scrolled into view first (they load lazily) and waited for."""
    images = page.locator(".photo-list img")
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
    for i in range(images.count()):
        expect(images.nth(i)).to_have_js_property("complete", True)
    return page.eval_on_selector_all(".photo-list img", "els => els.map(e => e.naturalWidth)")


def test_a_photo_is_attached_when_ordering_and_when_delivering(world, media, live_server, browser):
    base = live_server.url

    resident = log_in(browser, base, "resident")
    seen = watch_csp(resident)
    resident.goto(f"{base}/need/")
    resident.get_by_label("Service area").select_option("elderly")
    resident.get_by_label("What do you need?").fill("The roof leaks over the bed")
    resident.get_by_label("Photos (optional)").set_input_files(
        files=[{"name": "roof.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg((640, 480))}]
    )
    resident.get_by_role("button", name="Place the order").click()
    resident.wait_for_url(re.compile(r"/me/orders/\d+/$"))
    order = Order.objects.get()
    need = OrderPhoto.objects.get(order=order)
    assert (need.kind, need.width, need.height) == (PhotoKind.NEED, 480, 640)
    resident.reload()
    assert loaded_images(resident) == [240]  # the 320 px thumbnail of a 480×640 photo
    with resident.expect_navigation():
        resident.get_by_role("link", name="Photo of the need, photo 1").click()
    assert resident.url == f"{base}/orders/{order.pk}/photos/{need.pk}/"

    advance(world, order, Status.IN_SERVICE)
    staff = log_in(browser, base, "p1staff", lands="/staff/provider/")
    staff.goto(f"{base}/staff/provider/")
    assert loaded_images(staff) == [240]  # the resident's photo, on the work order
    staff.get_by_label("What was done").fill("Patched the roof")
    staff.get_by_label("Photos of the work done (optional)").set_input_files(
        files=[{"name": "done.png", "mimeType": "image/png", "buffer": png((200, 100))}]
    )
    staff.get_by_role("button", name="Mark as delivered").click()
    assert "delivered" in staff.locator(".messages").inner_text()
    order.refresh_from_db()
    assert order.status == Status.DELIVERED

    resident.goto(f"{base}/me/orders/{order.pk}/")
    assert loaded_images(resident) == [240, 200]
    assert resident.get_by_role("img", name="Proof of delivery, photo 2").is_visible()
    assert csp_violations(resident, seen) == []
