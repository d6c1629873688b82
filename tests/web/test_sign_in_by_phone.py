"""The sign-in-by-phone pages end to end, through the console gateway's outbox: sign up,
log in with a code or with the mobile and a password, reset a password; every refusal
shown next to its field with its status, and nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from minsheng.accounts.models import PhoneCode, Profile, Role
from tests.accounts.phone import (
    MOBILE,
    codes_sent,
    console_outbox,
    last_code,
    other_code,
    snapshot,
    with_mobile,
)
from tests.web.conftest import english_client

pytestmark = pytest.mark.django_db

NEW = "13900000001"
SIGNUP = "/accounts/signup/"
PHONE_LOGIN = "/accounts/phone/"
RESET = "/accounts/reset/"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _outbox(settings: Any, tmp_path: Any) -> None:
    console_outbox(settings, tmp_path)
    settings.MINSHENG_CODE_NUMBER_DAILY = 3
    settings.MINSHENG_CODE_ADDRESS_DAILY = 4
    settings.MINSHENG_CLIENT_IP_HEADER = ""


@pytest.fixture
def resident(world: Any) -> User:
    return with_mobile(world.resident)


@pytest.fixture
def post(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """A POST whose after-commit work (the SMS) runs as after a real commit."""

    def call(client: Client, path: str, data: dict[str, Any], **extra: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, **extra)

    return call


def signed_in_as(client: Client) -> str | None:
    response = client.get("/me/")
    if response.status_code != 200:
        return None
    return response.wsgi_request.user.get_username()


def page_refused(
    post: Callable[..., Any],
    client: Client,
    path: str,
    data: dict[str, Any],
    *,
    status: int,
    message: str,
    field: str | None,
) -> None:
    """The page answers ``status`` with ``message`` (next to ``field``'s input when given)
    and writes nothing."""
    before = snapshot()
    response = post(client, path, data)
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    if field is not None:
        assert f'id="a-{field}-error"' in html
    assert snapshot() == before
    assert signed_in_as(client) is None


# --- getting in -------------------------------------------------------------------------------


def test_a_villager_signs_up_with_a_code_and_is_logged_in(world, post):
    client = english_client()
    page = client.get(SIGNUP)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("phone", "code", "name", "village", "password", "password2"):
        assert f'name="{name}"' in html
    assert 'autocomplete="one-time-code"' in html
    town, village = world.town_a.name_en, world.village_a.name_en
    assert f'<optgroup label="{town}"><option value="V1">{village}</option></optgroup>' in html

    sent = post(client, SIGNUP, {"action": "send", "phone": "139 0000 0001"})
    assert sent.status_code == 200
    assert (
        "A code has been sent to 139****0001. It is valid for 5 minutes." in sent.content.decode()
    )
    assert 'value="139 0000 0001"' in sent.content.decode()  # the number is kept
    [message] = [m for m in snapshot()["sms"]]
    assert (message["phone"], message["template"]) == (NEW, "signup_code")

    done = post(
        client,
        SIGNUP,
        {
            "action": "signup",
            "phone": "139 0000 0001",
            "code": last_code(NEW),
            "name": "田秀英",
            "village": "V1",
            "password": "good-pass-word-7",
            "password2": "good-pass-word-7",
        },
    )
    assert (done.status_code, done["Location"]) == (302, "/start/")  # the landing page
    assert signed_in_as(client) == NEW
    profile = Profile.objects.get(user__username=NEW)
    assert (profile.role, profile.region_id, profile.phone, profile.display_name) == (
        Role.RESIDENT,
        world.village_a.pk,
        NEW,
        "田秀英",
    )
    # The password set at sign-up works with the mobile in place of the username.
    again = english_client()
    response = again.post(LOGIN, {"username": NEW, "password": "good-pass-word-7"})
    assert response.status_code == 302
    assert signed_in_as(again) == NEW


def test_after_getting_in_the_page_goes_where_it_was_asked_if_it_is_this_site(resident, post):
    client = english_client()
    post(client, PHONE_LOGIN, {"action": "send", "phone": MOBILE})
    done = post(
        client,
        PHONE_LOGIN,
        {"action": "login", "phone": MOBILE, "code": last_code(MOBILE), "next": "/me/"},
    )
    assert done["Location"] == "/me/"
    other = english_client()
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    post(other, PHONE_LOGIN, {"action": "send", "phone": MOBILE})
    done = post(
        other,
        PHONE_LOGIN,
        {
            "action": "login",
            "phone": MOBILE,
            "code": last_code(MOBILE),
            "next": "https://evil.example/",
        },
    )
    assert done["Location"] == "/start/"  # not the other site: the landing page


def test_a_resident_logs_in_with_a_code(resident, post):
    client = english_client()
    page = client.get(PHONE_LOGIN).content.decode()
    assert 'href="/accounts/login/"' in page and 'aria-current="page">With an SMS code' in page
    post(client, PHONE_LOGIN, {"action": "send", "phone": MOBILE})
    response = post(
        client, PHONE_LOGIN, {"action": "login", "phone": MOBILE, "code": last_code(MOBILE)}
    )
    assert (response.status_code, response["Location"]) == (302, "/start/")
    assert signed_in_as(client) == resident.username
    assert PhoneCode.objects.get().used_at is not None


def test_the_password_login_takes_a_username_or_a_residents_mobile(resident):
    User.objects.get(pk=resident.pk).set_password("pass-word-123")
    by_name = english_client()
    assert (
        by_name.post(LOGIN, {"username": "resident", "password": "pass-word-123"}).status_code
        == 302
    )
    by_mobile = english_client()
    assert (
        by_mobile.post(
            LOGIN, {"username": "+86 138 0000 0001", "password": "pass-word-123"}
        ).status_code
        == 302
    )
    assert signed_in_as(by_mobile) == "resident"
    wrong = english_client()
    assert wrong.post(LOGIN, {"username": MOBILE, "password": "nope-nope-1"}).status_code == 200
    assert signed_in_as(wrong) is None


def test_staff_do_not_log_in_with_their_mobile(world):
    Profile.objects.filter(user=world.dispatcher_a).update(phone="13900000008")
    client = english_client()
    assert (
        client.post(LOGIN, {"username": "13900000008", "password": "pass-word-123"}).status_code
        == 200
    )
    assert signed_in_as(client) is None


def test_a_password_is_reset_with_a_code(resident, post):
    client = english_client()
    post(client, RESET, {"action": "send", "phone": MOBILE})
    assert snapshot()["sms"][0]["template"] == "reset_code"
    response = post(
        client,
        RESET,
        {
            "action": "reset",
            "phone": MOBILE,
            "code": last_code(MOBILE),
            "password": "new-pass-word-9",
            "password2": "new-pass-word-9",
        },
    )
    assert (response.status_code, response["Location"]) == (302, LOGIN)
    assert (
        english_client()
        .post(LOGIN, {"username": MOBILE, "password": "new-pass-word-9"})
        .status_code
        == 302
    )


# --- refusals, each with its own message, nothing written -------------------------------------


def test_a_wrong_code_is_refused_and_counted(resident, post):
    client = english_client()
    post(client, PHONE_LOGIN, {"action": "send", "phone": MOBILE})
    response = post(
        client,
        PHONE_LOGIN,
        {"action": "login", "phone": MOBILE, "code": other_code(last_code(MOBILE))},
    )
    assert response.status_code == 400
    assert "Wrong code. 4 more tries before this code stops working." in response.content.decode()
    assert PhoneCode.objects.get().failures == 1
    assert signed_in_as(client) is None


def test_an_expired_code_is_refused(resident, post):
    client = english_client()
    post(client, PHONE_LOGIN, {"action": "send", "phone": MOBILE})
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page_refused(
        post,
        client,
        PHONE_LOGIN,
        {"action": "login", "phone": MOBILE, "code": last_code(MOBILE)},
        status=400,
        message="This code has expired. Ask for a new code.",
        field="code",
    )


def test_a_used_code_is_refused(resident, post):
    client = english_client()
    post(client, PHONE_LOGIN, {"action": "send", "phone": MOBILE})
    code = last_code(MOBILE)
    post(client, PHONE_LOGIN, {"action": "login", "phone": MOBILE, "code": code})
    other = english_client()
    page_refused(
        post,
        other,
        PHONE_LOGIN,
        {"action": "login", "phone": MOBILE, "code": code},
        status=400,
        message="This code has already been used. Ask for a new code.",
        field="code",
    )


def test_codes_asked_too_often_are_refused(resident, post):
    client = english_client()
    post(client, PHONE_LOGIN, {"action": "send", "phone": MOBILE})
    page_refused(
        post,
        client,
        PHONE_LOGIN,
        {"action": "send", "phone": MOBILE},
        status=429,
        message="A code was just sent to this number. Wait",
        field="phone",
    )
    for minutes in (2, 4):
        PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=minutes))
        post(client, PHONE_LOGIN, {"action": "send", "phone": MOBILE})
    assert len(codes_sent(MOBILE)) == 3
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    page_refused(
        post,
        client,
        PHONE_LOGIN,
        {"action": "send", "phone": MOBILE},
        status=429,
        message="Too many codes have been sent to this number today.",
        field="phone",
    )


def test_codes_asked_from_one_address_too_often_are_refused(world, post):
    client = english_client()
    for i in range(4):
        post(client, SIGNUP, {"action": "send", "phone": f"1390000100{i}"}, REMOTE_ADDR="10.0.0.7")
    before = snapshot()
    response = client.post(
        SIGNUP, {"action": "send", "phone": "13900001009"}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 429
    assert (
        "Too many codes have been asked for from this network today." in response.content.decode()
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("138000", "Enter a mainland mobile number (11 digits starting with 13-19)"),
        ("0743-6100059", "Enter a mobile number (11 digits starting with 13-19): SMS goes there."),
        ("", "Enter a phone number."),
    ],
)
def test_a_bad_number_is_refused_on_the_page(world, post, phone, message):
    page_refused(
        post,
        english_client(),
        SIGNUP,
        {"action": "send", "phone": phone},
        status=400,
        message=message,
        field="phone",
    )


def test_two_different_passwords_are_refused_at_sign_up(world, post):
    client = english_client()
    post(client, SIGNUP, {"action": "send", "phone": NEW})
    page_refused(
        post,
        client,
        SIGNUP,
        {
            "action": "signup",
            "phone": NEW,
            "code": last_code(NEW),
            "name": "田",
            "village": "V1",
            "password": "good-pass-word-7",
            "password2": "good-pass-word-8",
        },
        status=400,
        message="The two passwords differ.",
        field="password2",
    )


def test_a_number_with_an_account_cannot_sign_up_again(resident, post):
    page_refused(
        post,
        english_client(),
        SIGNUP,
        {"action": "send", "phone": MOBILE},
        status=400,
        message="An account already uses this mobile number: log in with it instead.",
        field="phone",
    )


def test_the_existing_password_login_page_links_the_other_ways_in(world):
    html = english_client().get(LOGIN).content.decode()
    for href in (PHONE_LOGIN, SIGNUP, RESET, "/track/"):
        assert f'href="{href}' in html
