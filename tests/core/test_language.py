import pytest


@pytest.mark.django_db
def test_pages_are_chinese_even_when_the_browser_asks_for_english(client):
    page = client.get("/ranking/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans"' in page.content.decode()


@pytest.mark.django_db
def test_a_chosen_language_is_kept_by_its_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/ranking/"})
    assert response.status_code == 302
    page = client.get("/ranking/")
    assert page.headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_api_clients_get_the_language_they_ask_for(client):
    response = client.get("/api/v1/orders/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "en"
    response = client.get("/api/v1/orders/")
    assert response.headers["Content-Language"] == "zh-hans"
