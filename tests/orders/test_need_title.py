"""A free-form need is titled by its own first words, not by its area (``orders.titles``);
a menu item by its service."""

from __future__ import annotations

import pytest

from minsheng.orders.services import OrderInput, order_submit
from minsheng.orders.titles import first_words
from tests.web.conftest import logged_in


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("路灯坏了", "路灯坏了"),
        ("路灯坏了，", "路灯坏了"),
        # Cut after the comma, the last boundary within twenty characters.
        (
            "村口的路灯坏了三天了，晚上出门很不方便，请尽快来修一下",
            "村口的路灯坏了三天了，晚上出门很不方便…",
        ),
        # A first sentence that fills the title keeps its full stop, with no ellipsis.
        (
            "村口的路灯坏了三天了晚上出门很不方便。请尽快来修",
            "村口的路灯坏了三天了晚上出门很不方便。",
        ),
        # The last boundary is taken, not the first.
        ("村口路灯坏了。晚上很黑，老人出门容易摔跤受伤", "村口路灯坏了。晚上很黑…"),
        # Latin letters count half: cut before a word, not inside it.
        (
            "Grab bars in the bathroom would help my mother a lot",
            "Grab bars in the bathroom would help my…",
        ),
        # Between Chinese and Latin script is a boundary too, when in the second half.
        ("帮我家老人装一个新的开关面板和3个LED灯泡谢谢", "帮我家老人装一个新的开关面板和3个LED…"),
        # The first line that says something; runs of spaces are one.
        ("\n\n   水管   冻裂了\n家里没水", "水管 冻裂了"),
        ("  \n ", ""),
        # No boundary in the second half: cut at the limit.
        (
            "一二三四五六七八九十一二三四五六七八九十一二三",
            "一二三四五六七八九十一二三四五六七八九十…",
        ),
    ],
)
def test_first_words(text, title):
    assert first_words(text) == title


def need(world, description: str):
    return order_submit(
        actor=world.resident,
        data=OrderInput(
            region_code="V1", service_code="", area_code="elderly", description=description
        ),
    )


def test_a_need_is_titled_by_its_first_words_and_a_menu_item_by_its_service(world):
    order = need(world, "村口的路灯坏了三天了，晚上出门很不方便，请尽快来修一下")
    assert order.title == "村口的路灯坏了三天了，晚上出门很不方便…"
    menu = order_submit(
        actor=world.resident,
        data=OrderInput(region_code="V1", service_code=world.service.code, description="多谢"),
    )
    assert menu.title == world.service.name


def test_a_need_without_words_falls_back_to_its_area(world):
    order = need(world, "路灯坏了")
    order.description = ""  # as an imported need may come
    assert order.title == order.area.name


def test_pages_show_the_need_by_its_words_with_its_area_beside(world):
    order = need(world, "Grab bars in the bathroom would help my mother a lot")
    client = logged_in(world.resident)
    listing = client.get("/me/").content.decode()
    assert '<span class="order-title">Grab bars in the bathroom would help my…</span>' in listing
    assert f"{order.area.name} · {order.region.name} · " in listing
    page = client.get(f"/me/orders/{order.pk}/").content.decode()
    assert "<h1>Grab bars in the bathroom would help my…</h1>" in page
