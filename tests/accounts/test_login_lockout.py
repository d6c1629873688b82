"""Login throttling on every way in: the REST token endpoint, the login page and the admin's.

Three failures (this module's policy, see conftest) lock the account *and* the client
address for fifteen minutes; a locked attempt is refused before any password is hashed, and
the right password does not get through it. The REST endpoint also throttles requests per
address and per account in the cache.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/?next=/admin/"
LOCKED_EN = (
    "Too many failed logins. Try again in 15 minutes, or ask a county administrator "
    "to lift the lock."
)
LOCKED_ZH = "登录失败次数过多。请在 15 分钟后再试，或请县管理员解除锁定。"
LOCKED_ROWS = [{"code": "locked_out", "field": None, "message": LOCKED_EN}]
WRONG_ROWS = [
    {"code": "invalid_credentials", "field": "password", "message": "Wrong username or password."}
]


def api(address: str = "10.0.0.1", **headers: str) -> APIClient:
    return APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **headers)


def token(client: APIClient, username: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, format="json", **extra
    )


def web_login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/"})


def lock_resident_by_api(address: str = "10.0.0.1") -> None:
    client = api(address)
    for _ in range(3):
        token(client, "resident", "wrong")


# --- the REST token endpoint -----------------------------------------------------------------


def test_token_endpoint_locks_after_three_failures_and_then_refuses_the_right_password(
    world: Any,
) -> None:
    client = api()

    answers = [token(client, "resident", "wrong") for _ in range(3)]
    right = token(client, "resident")

    assert [(r.status_code, r.json()["errors"]) for r in answers[:2]] == [(400, WRONG_ROWS)] * 2
    for refused in (answers[2], right):
        assert refused.status_code == 429
        assert refused.json() == {"errors": LOCKED_ROWS}
        assert refused["Retry-After"] == "900"
    assert Token.objects.count() == 0
    from axes.models import AccessAttempt  # the counters are rows in the database

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "resident",
        "10.0.0.1",
        3,  # the refused right password is not counted: refusing writes nothing
    )


def test_locked_attempts_never_reach_the_password_hasher(world: Any, counting_hasher: type) -> None:
    client = api()
    for _ in range(3):
        token(client, "resident", "wrong")
    hashed = counting_hasher.calls

    refused = [token(client, "resident", p).status_code for p in ("wrong", PASSWORD) * 10]

    assert refused == [429] * 20
    assert counting_hasher.calls == hashed
    assert hashed > 0  # the first three were checked


def test_failures_count_per_account_across_addresses(world: Any) -> None:
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        token(api(address), "resident", "wrong")

    from_elsewhere = token(api("10.0.0.4"), "resident")
    someone_else_there = token(api("10.0.0.4"), "resident2")

    assert (from_elsewhere.status_code, from_elsewhere.json()) == (429, {"errors": LOCKED_ROWS})
    assert someone_else_there.status_code == 200


def test_failures_count_per_address_across_accounts(world: Any) -> None:
    client = api("10.0.0.9")
    for username in ("grid", "disp_a", "nobody"):
        token(client, username, "wrong")

    same_address = token(client, "resident")
    other_address = token(api("10.0.0.10"), "resident")

    assert (same_address.status_code, same_address.json()) == (429, {"errors": LOCKED_ROWS})
    assert other_address.status_code == 200


def test_failures_on_each_way_in_add_up(world: Any) -> None:
    superuser = get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    web = Client(REMOTE_ADDR="10.0.0.5")

    token(api("10.0.0.5"), "root", "wrong")
    web_login(web, "root", "wrong")
    web.post(ADMIN_LOGIN_URL, {"username": "root", "password": "wrong"})

    assert token(api("10.0.0.6"), "root").status_code == 429
    assert Token.objects.filter(user=superuser).exists() is False


def test_the_lock_ends_a_cool_off_after_the_failure_that_set_it(world: Any) -> None:
    from axes.models import AccessAttempt

    lock_resident_by_api()
    locked_at = timezone.now() - timedelta(minutes=14)
    AccessAttempt.objects.update(attempt_time=locked_at)

    still_locked = [token(api(), "resident", p).status_code for p in ("wrong", PASSWORD)]
    unchanged = AccessAttempt.objects.values_list("attempt_time", "failures_since_start").get()
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    after_cool_off = token(api(), "resident")

    assert still_locked == [429, 429]
    assert unchanged == (locked_at, 3)  # attempts while locked do not prolong the lock
    assert after_cool_off.status_code == 200


# --- the login page and the admin's ----------------------------------------------------------


def test_login_page_locks_after_three_failures_with_a_chinese_message(world: Any) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")

    wrong = [web_login(client, "resident", "wrong") for _ in range(2)]
    locked = web_login(client, "resident", "wrong")
    right = web_login(client, "resident")

    assert [r.status_code for r in wrong] == [200, 200]
    assert LOCKED_ZH not in wrong[1].content.decode()
    for refused in (locked, right):
        assert refused.status_code == 429
        assert refused["Retry-After"] == "900"
        body = refused.content.decode()
        assert '<html lang="zh-hans"' in body
        assert (
            f'<div class="error-summary" role="alert" id="login-error">\n  <p>{LOCKED_ZH}</p>'
            in (body)
        )
        assert 'name="password"' in body  # the page, with its form: not a bare error
    assert "_auth_user_id" not in client.session


def test_login_page_lock_message_in_english(world: Any) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1")
    client.cookies["django_language"] = "en"
    lock_resident_by_api()

    response = web_login(client, "resident")

    assert response.status_code == 429
    assert LOCKED_EN in response.content.decode()


def test_admin_login_locks_after_three_failures(world: Any) -> None:
    get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    client = Client(REMOTE_ADDR="10.0.0.1")

    answers = [
        client.post(ADMIN_LOGIN_URL, {"username": "root", "password": p})
        for p in ("wrong", "wrong", "wrong", PASSWORD)
    ]

    assert [r.status_code for r in answers] == [200, 200, 429, 429]
    assert LOCKED_ZH in answers[3].content.decode()
    assert answers[3]["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


# --- lifting a lock --------------------------------------------------------------------------


def test_an_administrator_lifts_a_lock_in_the_admin(world: Any) -> None:
    from axes.models import AccessAttempt

    lock_resident_by_api()
    root = get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    admin = Client()
    admin.force_login(root)

    listing = admin.get("/admin/axes/accessattempt/")
    lifted = admin.post(
        "/admin/axes/accessattempt/",
        {
            "action": "delete_selected",
            "_selected_action": [
                str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)
            ],
            "post": "yes",
        },
    )

    assert listing.status_code == 200
    assert "resident" in listing.content.decode()
    assert lifted.status_code == 302
    assert AccessAttempt.objects.count() == 0
    assert token(api(), "resident").status_code == 200


def test_the_reset_command_lifts_a_lock(world: Any) -> None:
    lock_resident_by_api()
    assert token(api(), "resident").status_code == 429

    call_command("axes_reset_username", "resident")

    assert token(api(), "resident").status_code == 200


def test_the_reset_command_lifts_an_address_lock(world: Any) -> None:
    client = api("10.0.0.9")
    for username in ("x1", "x2", "x3"):
        token(client, username, "wrong")
    assert token(client, "resident").status_code == 429

    call_command("axes_reset_ip", "10.0.0.9")

    assert token(client, "resident").status_code == 200


# --- REST throttles: per address and per account, in the cache --------------------------------


def test_token_endpoint_throttles_each_address(world: Any, settings: Any) -> None:
    settings.MINSHENG_LOGIN_ADDRESS_RATE = "3/min"
    client = api("10.0.0.1")

    allowed = [token(client, u).status_code for u in ("resident", "resident2", "grid")]
    throttled = token(client, "disp_a")
    elsewhere = token(api("10.0.0.2"), "disp_a")

    assert allowed == [200, 200, 200]
    assert throttled.status_code == 429
    assert [row["code"] for row in throttled.json()["errors"]] == ["throttled"]
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert elsewhere.status_code == 200
    assert Token.objects.filter(user=world.dispatcher_a).count() == 1


def test_token_endpoint_throttles_each_account(world: Any, settings: Any) -> None:
    settings.MINSHENG_LOGIN_ACCOUNT_RATE = "3/min"

    allowed = [token(api(f"10.0.1.{i}"), "resident").status_code for i in range(3)]
    throttled = token(api("10.0.1.9"), "resident")
    other_account = token(api("10.0.1.9"), "resident2")

    assert allowed == [200, 200, 200]
    assert throttled.status_code == 429
    assert [row["code"] for row in throttled.json()["errors"]] == ["throttled"]
    assert other_account.status_code == 200


def test_throttled_requests_never_reach_the_password_hasher(
    world: Any, settings: Any, counting_hasher: type
) -> None:
    settings.MINSHENG_LOGIN_ADDRESS_RATE = "3/min"
    settings.AXES_FAILURE_LIMIT = 1000
    client = api()
    for _ in range(3):
        token(client, "resident", "wrong")
    hashed = counting_hasher.calls

    refused = [token(client, "resident", "wrong").status_code for _ in range(20)]

    assert refused == [429] * 20
    assert counting_hasher.calls == hashed


# --- the client address behind a reverse proxy -------------------------------------------------


def test_the_address_comes_from_the_trusted_proxy_header(world: Any, settings: Any) -> None:
    settings.MINSHENG_CLIENT_IP_HEADER = "X-Real-IP"
    proxy = api("127.0.0.1")  # every request arrives from the proxy
    for username in ("x1", "x2", "x3"):
        token(proxy, username, "wrong", HTTP_X_REAL_IP="10.1.1.1")

    locked_client = token(proxy, "resident", HTTP_X_REAL_IP="10.1.1.1")
    other_client = token(proxy, "resident", HTTP_X_REAL_IP="10.1.1.2")

    assert locked_client.status_code == 429
    assert other_client.status_code == 200
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.1.1.1"}


def test_a_forwarded_header_is_ignored_unless_configured(world: Any, settings: Any) -> None:
    settings.MINSHENG_LOGIN_ADDRESS_RATE = "5/min"
    client = api("10.0.0.1")
    # A client rotating X-Forwarded-For is still one address: the lock and the throttle hold.
    for i, username in enumerate(("x1", "x2", "x3")):
        token(client, username, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    locked = token(client, "resident", HTTP_X_FORWARDED_FOR="192.0.2.99")
    settings.AXES_FAILURE_LIMIT = 1000
    throttled = token(client, "resident", HTTP_X_FORWARDED_FOR="192.0.2.100")
    throttled_again = token(client, "resident", HTTP_X_FORWARDED_FOR="192.0.2.101")

    assert locked.status_code == 429
    assert locked.json() == {"errors": LOCKED_ROWS}
    assert [throttled.status_code, throttled_again.status_code] == [200, 429]
    assert throttled_again.json()["errors"][0]["code"] == "throttled"


def test_a_login_without_a_request_is_neither_counted_nor_refused(world: Any) -> None:
    """Django's test client ``login()`` or a script: no way in from the network, no address."""
    from axes.models import AccessAttempt

    lock_resident_by_api()

    assert Client().login(username="resident", password="wrong") is False
    assert Client().login(username="resident", password=PASSWORD) is True
    assert AccessAttempt.objects.get().failures_since_start == 3
