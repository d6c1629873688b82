"""The resident's pages speak plainly: 审核 and 评价, not the officials' 审单 and 评单, and
"这一步最晚完成时间" for the current step's deadline."""

from __future__ import annotations

from minsheng.orders.models import Status
from tests.helpers import order_at
from tests.web.conftest import logged_in

JARGON = ("审单", "评单", "环节时限")


def test_a_residents_order_pages_use_plain_words(world):
    delivered = order_at(world, Status.DELIVERED)
    waiting = order_at(world, Status.APPROVED)
    client = logged_in(world.resident, language="zh-hans")
    page = client.get(f"/me/orders/{delivered.pk}/").content.decode()
    assert "审核通过" in page  # the timeline's approval
    assert "评价这次服务" in page
    other = client.get(f"/me/orders/{waiting.pk}/").content.decode()
    assert "这一步最晚完成时间" in other
    for body in (page, other):
        for word in JARGON:
            assert word not in body, word
    for url in ("/", "/me/"):
        body = client.get(url).content.decode()
        for word in JARGON:
            assert word not in body, (url, word)
