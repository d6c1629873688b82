"""The order loop as people really use it (issue 8), end to end in headless Chromium.

A villager signs up with a code from the console gateway's outbox, picks the place by
tapping the map, attaches a photo and orders; the township's dispatcher finds the order by
her phone number and approves and dispatches it in one step; the provider's staff see her
number as a ``tel:`` link, accept, start and deliver with a photo as proof; she is told at
every step by SMS (the outbox is read), and rates through the SMS's link in a browser that
never logged in. No Content-Security-Policy violation on the way.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from playwright.sync_api import expect

from minsheng.accounts.models import Profile
from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.notify.sms import read_outbox
from minsheng.orders.models import ContactView, Order, OrderPhoto, PhotoKind, Rating, Status
from tests.accounts.phone import last_code
from tests.photos import phone_jpeg, png
from tests.regions.maps import draw
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "13912345678"
# A shared, busy machine: a map's first drawing may take a while.
WAIT = 30_000


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def english(browser: Any, base: str) -> Any:
    """A fresh phone-sized browser that has chosen English, logged in as nobody."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}]
    )
    page = context.new_page()
    page.set_default_timeout(WAIT)
    return page


def sent_to(phone: str) -> list[dict[str, Any]]:
    return [m for m in read_outbox() if m["phone"] == phone]


def test_a_villagers_order_from_sign_up_to_rating(world, media, live_server, browser, settings):
    base = live_server.url
    settings.MINSHENG_SITE_URL = base
    draw(world)  # the villages' boundaries: V1 and V3 in township T1, V2 in T2

    # --- she signs up with a code sent to her phone ------------------------------------------
    resident = english(browser, base)
    seen = watch_csp(resident)
    resident.goto(f"{base}/accounts/signup/")
    resident.get_by_label("Mobile number").fill("139 1234 5678")
    resident.get_by_role("button", name="Send me a code").click()
    resident.get_by_text("A code has been sent to 139****5678").wait_for()
    resident.get_by_label("Code from the SMS").fill(last_code(MOBILE))
    resident.get_by_label("Your name").fill("田秀英")
    resident.get_by_label("Your village").select_option("V1")
    resident.get_by_role("button", name="Create my account").click()
    resident.wait_for_url(f"{base}/")
    profile = Profile.objects.get(phone=MOBILE)
    assert (profile.display_name, profile.region.code, profile.role) == ("田秀英", "V1", "resident")

    # --- she orders: the place by a tap on the map, a photo, her words -------------------------
    resident.goto(f"{base}/services/{world.service.code}/order/")
    paths = resident.locator("path.leaflet-interactive")
    expect(paths).to_have_count(3, timeout=WAIT)  # V1, V2, V3
    paths.nth(2).click()  # V3's square, in its middle
    resident.locator("#f-map-status").filter(has_text="Marked in Bing").wait_for()
    assert resident.get_by_label("Place (village)").input_value() == "V3"
    resident.get_by_label("Photos (optional)").set_input_files(
        files=[{"name": "kitchen.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg((640, 480))}]
    )
    resident.get_by_label("Anything else we should know?").fill("老人一个人住，中午送一顿")
    resident.get_by_role("button", name="Place the order").click()
    resident.wait_for_url(re.compile(r"/me/orders/\d+/$"))
    order = Order.objects.get()
    assert (order.region.code, order.contact_name, order.contact_phone) == (
        "V3",
        "田秀英",
        MOBILE,
    )
    assert order.latitude is not None and order.longitude is not None
    assert list(OrderPhoto.objects.filter(order=order).values_list("kind", flat=True)) == [
        PhotoKind.NEED
    ]

    # --- the dispatcher of T1 finds it by her phone and approves and dispatches in one step --
    dispatcher = log_in(browser, base, "disp_a", lands="/staff/dispatch/")
    dispatcher.set_default_timeout(WAIT)
    dispatcher.goto(f"{base}/staff/orders/")
    dispatcher.get_by_label("Phone").fill("139 1234 5678")
    dispatcher.get_by_role("button", name="Search").click()
    dispatcher.wait_for_url(re.compile(r"/staff/orders/\?.*phone="))
    rows = dispatcher.locator(".order-row")
    assert rows.count() == 1
    rows.get_by_role("link").first.click()
    dispatcher.wait_for_url(f"{base}/staff/orders/{order.pk}/")
    with translation.override("en"):
        team = world.provider.name
    dispatcher.get_by_role("button", name=f"Approve and dispatch {team}").click()
    dispatcher.wait_for_url(f"{base}/staff/orders/{order.pk}/")
    order.refresh_from_db()
    assert (order.status, order.provider_id) == (Status.DISPATCHED, world.provider.pk)

    # --- the provider's staff call her, take it, and deliver with a photo ----------------------
    staff = log_in(browser, base, "p1staff", lands="/staff/provider/")
    staff.set_default_timeout(WAIT)
    job = staff.locator("#today article").first
    assert order.number in job.inner_text()
    assert job.locator('a[href="tel:+8613912345678"]').count() == 1
    # The one showing of her number in full is on the record.
    assert ContactView.objects.filter(order=order, user=world.provider_staff).count() == 1
    staff.get_by_role("button", name="Accept").click()
    staff.get_by_role("button", name="Start the service").click()
    staff.get_by_label("What was done").fill("Delivered lunch and checked on her")
    staff.get_by_label("Photos of the work done (optional)").set_input_files(
        files=[{"name": "done.png", "mimeType": "image/png", "buffer": png((200, 100))}]
    )
    staff.get_by_role("button", name="Mark as delivered").click()
    assert "delivered" in staff.locator(".messages").inner_text()
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert sorted(OrderPhoto.objects.filter(order=order).values_list("kind", flat=True)) == [
        PhotoKind.DELIVERY,
        PhotoKind.NEED,
    ]

    # --- she was told at each step, by SMS (the console gateway's outbox) ---------------------
    told = [m["template"] for m in sent_to(MOBILE)]
    assert told[0] == "signup_code"
    assert told[1:] == [
        "order_approved",
        "order_dispatched",
        "order_accepted",
        "order_started",
        "order_delivered",
    ]
    link = sent_to(MOBILE)[-1]["params"]["link"]
    assert link.startswith(f"{base}/r/")

    # --- and rates through the SMS's link, in a browser that never logged in ------------------
    stranger = english(browser, base)
    strangers_seen = watch_csp(stranger)
    stranger.goto(f"{base}{urlsplit(link).path}")
    stranger.get_by_role("group", name="Were you contacted?").get_by_label("Yes").check()
    stranger.get_by_role("group", name="Was your problem solved?").get_by_label("Yes").check()
    stranger.get_by_label("Satisfied", exact=True).check()
    stranger.get_by_role("button", name="Send the rating").click()
    stranger.get_by_text("Thank you: your rating has been recorded.").wait_for()
    rating = Rating.objects.get(order=order)
    assert (rating.via, rating.rated_by_id, rating.solved, rating.satisfaction) == (
        "resident",
        None,
        True,
        "satisfied",
    )
    order.refresh_from_db()
    assert order.status == Status.CLOSED

    assert csp_violations(resident, seen) == []
    assert csp_violations(stranger, strangers_seen) == []
