"""Structural accessibility checks on every page: language, skip link, one h1, a label for
every input, aria-describedby pointing at real elements, unique ids."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client

from minsheng.orders.models import Status
from tests.helpers import order_at
from tests.web.conftest import logged_in

FIELDS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button"}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str]] = []
        self.describedby: list[str] = []
        self.h1 = 0
        self.links: list[str] = []
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label":
            self._label_depth += 1
            if "for" in a:
                self.label_for.add(a["for"])
        if tag in FIELDS and a.get("type", "") not in UNLABELLED_TYPES:
            self.fields.append({**a, "_wrapped": "1" if self._label_depth else ""})
        if "aria-describedby" in a:
            self.describedby.extend(a["aria-describedby"].split())
        if tag == "h1":
            self.h1 += 1
        if tag == "a":
            self.links.append(a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1


def check(body: str, url: str) -> None:
    page = Page()
    page.feed(body)
    assert page.lang in ("zh-hans", "en"), url
    assert "#main" in page.links and "main" in page.ids, url
    assert page.h1 == 1, url
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert duplicates == set(), (url, duplicates)
    for f in page.fields:
        labelled = f.get("id") in page.label_for or f["_wrapped"] or f.get("aria-label")
        assert labelled, (url, f)
    missing = set(page.describedby) - set(page.ids)
    assert missing == set(), (url, missing)


def test_public_pages(world, repair):
    client = Client()
    for url in (
        "/",
        "/?region=NOPE",
        "/services/home-repair/",
        "/ranking/",
        "/ranking/?month=x",
        "/accounts/login/",
        "/nope/",
    ):
        check(client.get(url).content.decode(), url)


def test_resident_pages_including_refusals(world, repair):
    delivered = order_at(world, Status.DELIVERED)
    client = logged_in(world.resident)
    for url in (
        "/",
        "/me/",
        f"/me/orders/{delivered.pk}/",
        "/services/home-repair/order/",
        "/need/",
        "/staff/dispatch/",
    ):
        check(client.get(url).content.decode(), url)
    refused = client.post("/services/home-repair/order/", {"region": "V2", "latitude": "x"})
    check(refused.content.decode(), "order refused")
    rating = client.post(f"/me/orders/{delivered.pk}/rate/", {"contacted": "maybe"})
    check(rating.content.decode(), "rating refused")


def test_staff_pages_including_refusals(world, repair):
    submitted = order_at(world, Status.SUBMITTED)
    approved = order_at(world, Status.APPROVED)
    dispatched = order_at(world, Status.DISPATCHED, provider=world.provider2)
    dispatcher = logged_in(world.dispatcher_a)
    for url in (
        "/staff/dispatch/",
        "/staff/escalations/",
        "/staff/orders/",
        f"/staff/orders/{submitted.pk}/",
        f"/staff/orders/{approved.pk}/",
        "/services/home-repair/order/",
    ):
        check(dispatcher.get(url).content.decode(), url)
    check(
        dispatcher.post(f"/staff/orders/{submitted.pk}/reject/", {"reason": ""}).content.decode(),
        "reject refused",
    )
    provider = logged_in(world.provider2_staff)
    check(provider.get("/staff/provider/").content.decode(), "/staff/provider/")
    check(
        provider.post(f"/staff/provider/orders/{dispatched.pk}/decline/").content.decode(),
        "decline refused",
    )


# --- the ranking (issue 8) ---


def test_ranking_pages_and_the_rating_validity_form(world, repair):
    from minsheng.orders import services as s

    client = Client()
    for url in ("/ranking/township/T1/", "/ranking/township/T1/?month=x", "/ranking/?format=x"):
        check(client.get(url).content.decode(), url)
    delivered = order_at(world, Status.DELIVERED)
    rating = s.order_callback(
        order_id=delivered.pk,
        actor=world.dispatcher_a,
        data=s.RatingInput(False, True, "dissatisfied"),
    )
    dispatcher = logged_in(world.dispatcher_a)
    check(dispatcher.get(f"/staff/orders/{delivered.pk}/").content.decode(), "staff order")
    check(dispatcher.get("/ranking/township/T1/").content.decode(), "township, staff")
    refused = dispatcher.post(f"/staff/ratings/{rating.pk}/validity/", {"valid": "0"})
    assert refused.status_code == 400
    check(refused.content.decode(), "rating validity refused")
