"""Suggestions in headless Chromium on a phone-sized screen: a resident posts one through
the form, another supports it past the threshold, the township's dispatcher replies from
the staff page; no Content-Security-Policy violation on any of the pages."""

from __future__ import annotations

import re

import pytest

from minsheng.voice.models import Suggestion
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_post_support_and_reply_in_the_browser(world, live_server, browser, settings):
    settings.MINSHENG_SUGGESTION_THRESHOLD = 1
    base = live_server.url
    from minsheng.accounts.models import Role
    from tests.factories import make_user

    make_user(Role.RESIDENT, world.village_a, username="neighbour")

    author = log_in(browser, base, "resident")
    author.set_viewport_size({"width": 390, "height": 844})
    seen = watch_csp(author)
    author.goto(f"{base}/suggestions/new/")
    author.get_by_role("button", name="Post the suggestion").click()  # nothing filled in
    assert author.locator("#error-summary").is_visible()
    assert Suggestion.objects.count() == 0
    author.get_by_label("A facility").check()
    author.get_by_label("Title").fill("村口修一座桥")
    author.get_by_label("Your suggestion").fill("下雨天孩子过河上学很危险。")
    author.get_by_label("Place").select_option("V1")
    author.get_by_role("button", name="Post the suggestion").click()
    author.wait_for_url(re.compile(r"/suggestions/\d+/$"))
    s = Suggestion.objects.get()
    assert "your own support does not count" in author.locator("main").inner_text()
    author_csp = csp_violations(author, seen)

    neighbour = log_in(browser, base, "neighbour")
    seen_n = watch_csp(neighbour)
    neighbour.goto(f"{base}/suggestions/")
    neighbour.get_by_role("link", name="村口修一座桥").click()
    neighbour.get_by_role("button", name="I support this").click()
    neighbour.wait_for_url(f"{base}/suggestions/{s.pk}/")
    assert "You support this suggestion." in neighbour.locator("main").inner_text()
    s.refresh_from_db()
    assert (s.support_count, s.support_counted) == (1, 1) and s.reply_due is not None
    neighbour_csp = csp_violations(neighbour, seen_n)

    staff = log_in(browser, base, "disp_a", lands="/staff/dispatch/")
    seen_s = watch_csp(staff)
    staff.goto(f"{base}/staff/suggestions/")
    staff.get_by_role("link", name="村口修一座桥").click()
    staff.get_by_label("Under study").check()
    staff.get_by_label("Official reply (everyone reads it)").fill("已请交通局勘察。")
    staff.get_by_role("button", name="Publish the reply").click()
    staff.wait_for_url(f"{base}/suggestions/{s.pk}/")
    s.refresh_from_db()
    assert (s.status, s.reply) == ("under_study", "已请交通局勘察。")
    staff_csp = csp_violations(staff, seen_s)
    assert (author_csp, neighbour_csp, staff_csp) == ([], [], [])
