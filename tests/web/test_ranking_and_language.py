"""The public ranking, the error pages and the language switch."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.utils import timezone

from minsheng.orders import services as s
from minsheng.orders.models import Status
from tests.helpers import order_at
from tests.web.conftest import english_client


def test_ranking_without_ratings_is_empty_not_an_error(world):
    response = english_client().get("/ranking/")
    assert response.status_code == 200
    assert response.context["townships"] == []
    assert "No valid callbacks in this month." in response.content.decode()


def test_ranking_defaults_to_the_latest_month_with_ratings(world):
    order = order_at(world, Status.DELIVERED, provider=world.provider2)
    s.order_rate(
        order_id=order.pk, actor=world.resident, data=s.RatingInput(True, True, "satisfied")
    )
    response = english_client().get("/ranking/")
    this_month = timezone.localdate().replace(day=1)
    assert response.status_code == 200
    assert response.context["month"] == this_month
    rows = response.context["townships"]
    assert [(r.rank, r.name, r.rates.valid) for r in rows] == [(1, world.town_a.name_en, 1)]
    body = response.content.decode()
    assert "<td>100.0%</td>" in body
    assert [r.name for r in response.context["providers"]] == [world.provider2.name_en]
    explicit = english_client().get("/ranking/", {"month": this_month.strftime("%Y-%m")})
    assert explicit.context["townships"] == rows


def test_ranking_of_a_month_without_ratings(world):
    response = english_client().get("/ranking/", {"month": "2001-02"})
    assert response.status_code == 200
    assert response.context["month"] == date(2001, 2, 1)
    assert response.context["providers"] == []


def test_bad_month_is_a_400_with_a_message(world):
    client = english_client()
    for bad in ("2026-13", "soon", "2026-5", "99999-01", "2026-00"):
        response = client.get("/ranking/", {"month": bad})
        assert response.status_code == 400, bad
        assert "Give the month as YYYY-MM, for example 2026-05." in response.content.decode()


def test_pages_are_chinese_by_default(world):
    response = Client().get("/")
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "服务菜单" in body


def test_language_switch_shows_english(world):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/ranking/"})
    assert (response.status_code, response["Location"]) == (302, "/ranking/")
    page = client.get("/ranking/")
    body = page.content.decode()
    assert '<html lang="en">' in body
    assert "Service menu" in body
    assert "Townships" in body


def test_unknown_page_uses_the_friendly_404(world):
    response = english_client().get("/no/such/page/")
    assert response.status_code == 404
    assert "There is no such page, or it is not yours to see." in response.content.decode()


def test_server_error_page_renders_on_its_own(world):
    from django.test import RequestFactory
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "出错了" in response.content.decode()


def test_a_stale_form_gets_the_friendly_csrf_page(world):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    response = client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    assert "The form was open too long" in response.content.decode()
