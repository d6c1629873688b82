"""The facility's medicines page on a phone: a manager adds a medicine with the form, sees
it on the list and the coverage move; no inline script breaks the page's policy."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.facilities.models import Dispensing, Kind
from tests.web.test_browser import csp_violations, log_in, watch_csp

from .factories import make_facility
from .medicines_helpers import dispense, small_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_a_manager_adds_a_medicine_on_a_phone(world, live_server, browser):
    small_list()
    clinic = make_facility(world.village_a, Kind.CLINIC)
    dispense(clinic, "amlodipine")
    page = log_in(browser, live_server.url, "disp_a", lands="/staff/dispatch/")
    page.set_viewport_size({"width": 390, "height": 844})
    seen = watch_csp(page)
    url = f"{live_server.url}/staff/facilities/{clinic.pk}/medicines/"
    page.goto(url)
    page.get_by_text("It may dispense 1 of the 4 essential medicines").wait_for()
    page.get_by_label("Medicine (required)").select_option("metformin")
    page.get_by_role("button", name="Add to the list").click()
    page.wait_for_url(url)
    page.get_by_text("Added to the list: Metformin").wait_for()
    page.get_by_text("It may dispense 2 of the 4 essential medicines").wait_for()
    assert sorted(Dispensing.objects.values_list("medicine__code", flat=True)) == [
        "amlodipine",
        "metformin",
    ]
    assert csp_violations(page, seen) == []
