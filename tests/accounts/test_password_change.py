"""Changing a password, on every path that can: the page, the REST endpoint, the admin's two
forms and the ``changepassword`` command. Each revokes the user's API tokens; a refusal
changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.accounts.conftest import PASSWORD
from tests.web.test_accessibility import check

pytestmark = pytest.mark.django_db

PAGE = "/accounts/password/"
API = "/api/v1/me/password/"
ME = "/api/v1/me/"
NEW = "a-new-pass-word-456"


def reload(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)


def web_client(user: Any, *, language: str = "en", address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def api_client(user: Any) -> tuple[APIClient, Token]:
    key = Token.objects.create(user=user)
    client = APIClient(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key.key}")
    return client, key


def page_form(old: str = PASSWORD, new1: str = NEW, new2: str = NEW) -> dict[str, str]:
    return {"old_password": old, "new_password1": new1, "new_password2": new2}


def assert_unchanged(user: Any, token: Token | None = None) -> None:
    """Nothing was written: the old password still works, the token is still there."""
    fresh = reload(user)
    assert fresh.check_password(PASSWORD)
    assert fresh.password == user.password
    if token is not None:
        assert Token.objects.filter(pk=token.pk, user=user).exists()


# --- the page --------------------------------------------------------------------------------


def test_password_page_has_labelled_fields_for_phones_and_password_managers(world: Any) -> None:
    response = web_client(world.resident).get(PAGE)

    assert response.status_code == 200
    body = response.content.decode()
    check(body, PAGE)
    assert "<h1>Change your password</h1>" in body
    for name, label, autocomplete in (
        ("old_password", "Current password", "current-password"),
        ("new_password1", "New password", "new-password"),
        ("new_password2", "New password again", "new-password"),
    ):
        assert f'<label for="id_{name}">{label}</label>' in body
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
        assert tag is not None
        assert 'type="password"' in tag[0]
        assert f'autocomplete="{autocomplete}"' in tag[0]
        assert "required" in tag[0]
    # The rules for a new password are read out with the field they are about.
    rules = re.search(r'<input[^>]*name="new_password1"[^>]*>', body)
    assert rules is not None and 'aria-describedby="id_new_password1-help"' in rules[0]
    assert "Your password must contain at least 8 characters." in body


def test_password_page_is_chinese_by_default(world: Any) -> None:
    body = web_client(world.resident, language="zh-hans").get(PAGE).content.decode()

    assert "<h1>修改密码</h1>" in body
    assert '<label for="id_old_password">当前密码</label>' in body


def test_changing_the_password_keeps_the_session_and_revokes_api_tokens(world: Any) -> None:
    api, _token = api_client(world.resident)
    assert api.get(ME).status_code == 200  # the token is now in this process's cache
    client = web_client(world.resident)

    response = client.post(PAGE, page_form())

    assert (response.status_code, response["Location"]) == (302, "/")
    assert reload(world.resident).check_password(NEW)
    assert Token.objects.filter(user=world.resident).exists() is False
    assert api.get(ME).status_code == 401
    home = client.get("/")
    assert home.wsgi_request.user == world.resident  # still signed in here
    assert (
        "Your password has been changed. Apps signed in as you must sign in again."
        in home.content.decode()
    )


def test_a_wrong_old_password_changes_nothing(world: Any) -> None:
    _api, token = api_client(world.resident)

    response = web_client(world.resident).post(PAGE, page_form(old="wrong"))

    assert response.status_code == 200
    body = response.content.decode()
    check(body, "password refused")
    assert (
        '<p class="field-error" id="id_old_password-error">'
        "Your old password was entered incorrectly. Please enter it again.</p>"
    ) in body
    old_input = re.search(r'<input[^>]*name="old_password"[^>]*>', body)
    assert old_input is not None
    assert 'aria-invalid="true"' in old_input[0]
    assert 'aria-describedby="id_old_password-error"' in old_input[0]
    assert_unchanged(world.resident, token)


@pytest.mark.parametrize(
    ("new1", "new2", "field", "message"),
    [
        ("password", "password", "new_password2", "This password is too common."),
        (
            "x7",
            "x7",
            "new_password2",
            "This password is too short. It must contain at least 8 characters.",
        ),
        (NEW, NEW + "x", "new_password2", "The two password fields didn’t match."),
    ],
)
def test_a_new_password_the_rules_refuse_changes_nothing(
    world: Any, new1: str, new2: str, field: str, message: str
) -> None:
    _api, token = api_client(world.resident)

    response = web_client(world.resident).post(PAGE, page_form(new1=new1, new2=new2))

    assert response.status_code == 200
    assert (
        f'<p class="field-error" id="id_{field}-error">{message}</p>' in response.content.decode()
    )
    assert_unchanged(world.resident, token)


def test_wrong_old_passwords_count_towards_the_login_lock(world: Any) -> None:
    client = web_client(world.resident, language="zh-hans")
    for _ in range(2):
        client.post(PAGE, page_form(old="wrong"))

    locked = client.post(PAGE, page_form(old="wrong"))
    right = client.post(PAGE, page_form())

    for refused in (locked, right):
        assert refused.status_code == 429
        assert (
            "登录失败次数过多。请在 15 分钟后再试，或请县管理员解除锁定。"
            in refused.content.decode()
        )
    assert_unchanged(world.resident)


# --- the REST endpoint -----------------------------------------------------------------------


def test_api_change_revokes_the_tokens_and_the_old_token_stops_working(world: Any) -> None:
    client, _token = api_client(world.resident)
    assert client.get(ME).status_code == 200  # cached per process from here on

    response = client.post(API, {"old_password": PASSWORD, "new_password": NEW}, format="json")

    assert (response.status_code, response.content) == (204, b"")
    assert Token.objects.filter(user=world.resident).exists() is False
    assert client.get(ME).status_code == 401
    fresh = APIClient()
    old = fresh.post(
        "/api/v1/auth/token/", {"username": "resident", "password": PASSWORD}, format="json"
    )
    new = fresh.post(
        "/api/v1/auth/token/", {"username": "resident", "password": NEW}, format="json"
    )
    assert (old.status_code, new.status_code) == (400, 200)


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        (
            {"old_password": "wrong", "new_password": NEW},
            [
                {
                    "code": "password_incorrect",
                    "field": "old_password",
                    "message": "Your old password was entered incorrectly. Please enter it again.",
                }
            ],
        ),
        (
            {"old_password": PASSWORD, "new_password": "password"},
            [
                {
                    "code": "password_too_common",
                    "field": "new_password",
                    "message": "This password is too common.",
                }
            ],
        ),
        (
            {"old_password": PASSWORD, "new_password": "x7"},
            [
                {
                    "code": "password_too_short",
                    "field": "new_password",
                    "message": "This password is too short. It must contain at least 8 characters.",
                }
            ],
        ),
        (
            {"old_password": PASSWORD},
            [{"code": "required", "field": "new_password", "message": "This field is required."}],
        ),
        (
            {"old_password": PASSWORD, "new_password": NEW, "new_password2": NEW},
            [{"code": "unknown_field", "field": "new_password2", "message": "Unknown field."}],
        ),
    ],
)
def test_api_refusals_change_nothing(world: Any, body: dict[str, str], rows: list[Any]) -> None:
    client, token = api_client(world.resident)

    response = client.post(API, body, format="json")

    assert (response.status_code, response.json()) == (400, {"errors": rows})
    assert_unchanged(world.resident, token)
    assert client.get(ME).status_code == 200


def test_api_wrong_old_passwords_count_towards_the_login_lock(world: Any) -> None:
    client, token = api_client(world.resident)
    for _ in range(2):
        client.post(API, {"old_password": "wrong", "new_password": NEW}, format="json")

    locked = client.post(API, {"old_password": "wrong", "new_password": NEW}, format="json")
    right = client.post(API, {"old_password": PASSWORD, "new_password": NEW}, format="json")

    for refused in (locked, right):
        assert refused.status_code == 429
        assert [row["code"] for row in refused.json()["errors"]] == ["locked_out"]
        assert refused["Retry-After"] == "900"
    assert_unchanged(world.resident, token)


def test_api_change_in_a_session_needs_csrf_and_keeps_the_session(world: Any) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.resident)
    client.get(PAGE)  # sets the CSRF cookie, as the site's pages do
    csrf = client.cookies["csrftoken"].value
    body = {"old_password": PASSWORD, "new_password": NEW}

    refused = client.post(API, body, content_type="application/json")
    changed = client.post(API, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)

    assert refused.status_code == 403
    assert changed.status_code == 204
    assert reload(world.resident).check_password(NEW)
    assert client.get(ME).status_code == 200  # this session goes on


# --- the admin and the command ---------------------------------------------------------------


@pytest.fixture
def root(world: Any) -> Any:
    return get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)


def test_admin_setting_a_users_password_revokes_their_tokens(world: Any, root: Any) -> None:
    _api, _token = api_client(world.resident)
    admin = web_client(root)

    response = admin.post(
        f"/admin/auth/user/{world.resident.pk}/password/",
        {"usable_password": "true", "password1": NEW, "password2": NEW},
    )

    assert response.status_code == 302
    assert reload(world.resident).check_password(NEW)
    assert Token.objects.filter(user=world.resident).exists() is False


def test_admin_disabling_a_password_revokes_the_tokens(world: Any, root: Any) -> None:
    _api, _token = api_client(world.resident)

    response = web_client(root).post(
        f"/admin/auth/user/{world.resident.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )

    assert response.status_code == 302
    assert reload(world.resident).has_usable_password() is False
    assert Token.objects.filter(user=world.resident).exists() is False


def test_admin_refusing_a_password_changes_nothing(world: Any, root: Any) -> None:
    _api, token = api_client(world.resident)

    response = web_client(root).post(
        f"/admin/auth/user/{world.resident.pk}/password/",
        {"usable_password": "true", "password1": "x7", "password2": "x7"},
    )

    assert response.status_code == 200
    assert_unchanged(world.resident, token)


def test_admin_changing_their_own_password_revokes_their_tokens(world: Any, root: Any) -> None:
    _api, _token = api_client(root)
    admin = web_client(root)

    response = admin.post("/admin/password_change/", page_form())

    assert response.status_code == 302
    assert reload(root).check_password(NEW)
    assert Token.objects.filter(user=root).exists() is False
    assert admin.get("/admin/").status_code == 200  # still signed in


def test_changepassword_command_revokes_the_tokens(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _api, _token = api_client(world.resident)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW)

    call_command("changepassword", "resident")

    assert reload(world.resident).check_password(NEW)
    assert Token.objects.filter(user=world.resident).exists() is False


def test_changepassword_command_gives_up_after_three_mismatches_changing_nothing(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _api, token = api_client(world.resident)
    answers = iter([NEW, NEW + "x"] * 3)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError, match="after 3 attempts"):
        call_command("changepassword", "resident")

    assert_unchanged(world.resident, token)
