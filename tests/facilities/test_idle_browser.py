"""An idle flag in headless Chromium: the township's dispatcher opens it from the list, sees
the twelve months of use drawn, closes it with the action taken; no page breaks the
Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

import pytest

from minsheng.facilities.models import IdleFlag
from minsheng.facilities.services.idle import facility_idle_detect
from tests.facilities.idle_helpers import AS_OF, shops
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_follow_up_an_idle_flag_in_the_browser(world: Any, live_server: Any, browser: Any) -> None:
    base = live_server.url
    s = shops(world)
    facility_idle_detect(as_of=AS_OF)
    flag = IdleFlag.objects.get()
    page = log_in(browser, base, world.dispatcher_a.username, lands="/staff/dispatch/")
    seen = watch_csp(page)
    page.goto(f"{base}/staff/facilities/idle/")
    page.get_by_role("link", name=s.a.name_en).click()
    page.wait_for_url(f"{base}/staff/facilities/idle/{flag.pk}/")
    page.wait_for_selector("#use-chart[data-drawn='12']")
    page.get_by_label("Action taken").fill(
        "Opened on Saturdays; told the village in its group chat"
    )
    page.get_by_role("button", name="Close the follow-up").click()
    page.wait_for_url(re.compile(rf"/staff/facilities/idle/{flag.pk}/$"))
    assert "Opened on Saturdays" in page.content()
    flag.refresh_from_db()
    assert flag.status == "closed"
    assert csp_violations(page, seen) == []
