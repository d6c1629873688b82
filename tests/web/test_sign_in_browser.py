"""Signing up and logging in by phone in headless Chromium, the codes read from the console
gateway's outbox; and following the new resident's order without an account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from minsheng.accounts.models import PhoneCode
from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.orders import services as s
from tests.accounts.phone import last_code
from tests.web.test_browser import csp_violations, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def test_a_villager_signs_up_logs_in_by_code_and_follows_an_order(
    world, live_server, browser, settings, tmp_path
):
    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "sms-outbox.jsonl")
    settings.MINSHENG_SMS_ECHO = False
    base = live_server.url
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(10_000)
    seen = watch_csp(page)

    # Sign up (the site speaks Chinese until asked otherwise).
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("手机号").fill("139 1234 5678")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("验证码已发送到 139****5678").wait_for()
    page.get_by_label("短信验证码").fill(last_code(MOBILE))
    page.get_by_label("您的姓名").fill("田秀英")
    page.get_by_label("您所在的村").select_option("V1")
    page.get_by_role("button", name="创建我的账号").click()
    page.wait_for_url(f"{base}/")
    assert "田秀英" in page.locator(".who").inner_text()

    # Log out, then in again with a new code (a minute later, as the interval asks).
    page.locator("header").get_by_role("button").click()
    page.goto(f"{base}/accounts/phone/")

    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    page.get_by_label("手机号").fill(MOBILE)
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("验证码已发送到 139****5678").wait_for()
    page.get_by_label("短信验证码").fill(last_code(MOBILE))
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    assert "田秀英" in page.locator(".who").inner_text()

    # Her order, followed by number and phone from a browser with no account.

    order = s.order_submit(
        actor=User.objects.get(username=MOBILE),
        data=s.OrderInput(region_code="V1", service_code=world.service.code),
    )
    other = browser.new_context().new_page()
    other.set_default_timeout(10_000)
    other.goto(f"{base}/track/")
    other.get_by_label("工单编号").fill(order.number)
    other.get_by_label("下单时留的电话").fill(MOBILE)
    other.get_by_role("button", name="查看工单").click()
    other.get_by_text(f"工单 {order.number}").wait_for()
    assert "点单" in other.locator(".timeline").inner_text()
    assert csp_violations(page, seen) == []
