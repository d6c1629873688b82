"""The ranking's bad month, the error pages and the language switch (the ranking itself:
test_ranking_page.py)."""

from __future__ import annotations

from django.test import Client

from tests.web.conftest import english_client


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
