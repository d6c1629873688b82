"""/api/docs/ in headless Chromium with every non-local request blocked: Swagger UI draws
every operation from this server's own files, so the docs work offline, and under the
site's Content-Security-Policy without a single violation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web.test_browser import csp_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_operation_offline(browser: Any, live_server: Any) -> None:
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    blocked: list[str] = []

    def only_local(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname in ("localhost", "127.0.0.1") or url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", only_local)
    seen = watch_csp(page)
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for()

    paths = page.locator(".opblock-summary-path").all_inner_texts()
    # 30, and the six order actions of a dispatcher's day (issue 8)
    assert len(paths) == page.locator(".opblock").count() == 36
    normalised = {p.replace("\u200b", "").strip() for p in paths}
    assert "/api/v1/orders/{order_id}/dispatch/" in normalised
    assert "/api/v1/auth/token/" in normalised
    assert "/api/v1/me/password/" in normalised
    assert blocked == []
    assert csp_violations(page, seen) == []
