"""One-time SMS codes: sent hashed after commit, six digits, purpose-bound, single use,
expiring, locked after wrong tries, throttled per number and per client address. Each
refusal has its own code and writes nothing (but the count of wrong tries)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import translation
from rest_framework.authtoken.models import Token

from minsheng.accounts import services as s
from minsheng.accounts.models import CodePurpose, PhoneCode, Profile, Role
from minsheng.core.errors import DomainError
from tests.accounts.phone import (
    MOBILE,
    codes_sent,
    console_outbox,
    last_code,
    other_code,
    snapshot,
    with_mobile,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

T0 = datetime.fromisoformat("2026-03-02T09:00:00+08:00")
SECOND = timedelta(seconds=1)
ADDRESS = "10.1.2.3"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages are asserted in English (the site's default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _code_policy(settings: Any, tmp_path: Any) -> None:
    console_outbox(settings, tmp_path)
    settings.MINSHENG_CODE_TTL_SECONDS = 300
    settings.MINSHENG_CODE_MAX_TRIES = 3
    settings.MINSHENG_CODE_INTERVAL_SECONDS = 60
    settings.MINSHENG_CODE_NUMBER_DAILY = 4
    settings.MINSHENG_CODE_ADDRESS_DAILY = 6


@pytest.fixture
def resident(world: Any) -> User:
    """The world's resident, with the mobile they sign in with on their profile."""
    return with_mobile(world.resident)


@pytest.fixture
def send(django_capture_on_commit_callbacks: Any) -> Callable[..., PhoneCode]:
    """``phone_code_send`` with its after-commit SMS run, as after a real commit."""

    def call(
        phone: str = MOBILE,
        *,
        purpose: str = CodePurpose.LOGIN,
        at: datetime = T0,
        address: str | None = ADDRESS,
    ) -> PhoneCode:
        with django_capture_on_commit_callbacks(execute=True):
            return s.phone_code_send(phone=phone, purpose=purpose, address=address, now=at)

    return call


def refused(
    call: Callable[[], object], code: str, field: str | None, message: str | None = None
) -> None:
    """``call`` is refused with exactly this code on this field, and writes nothing."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert [(e.code, e.field) for e in info.value.errors] == [(code, field)]
    if message is not None:
        assert str(info.value.errors[0].message) == message
    assert snapshot() == before


def sign_in(code: str, at: datetime = T0) -> User:
    return s.phone_sign_in(phone=MOBILE, code=code, now=at)


# --- the code ---------------------------------------------------------------------------------


def test_a_code_is_six_digits_sent_after_commit_and_stored_only_hashed(resident, send):
    row = send(at=T0)
    [message] = [m for m in snapshot()["sms"]]
    code = message["params"]["code"]
    assert len(code) == 6 and code.isdigit()
    assert message["phone"] == MOBILE
    assert message["template"] == "login_code"
    assert message["params"]["minutes"] == "5"
    stored = PhoneCode.objects.get(pk=row.pk)
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64
    assert (stored.phone, stored.purpose, stored.address) == (MOBILE, "login", ADDRESS)
    assert stored.expires_at == T0 + timedelta(minutes=5)
    assert (stored.failures, stored.used_at) == (0, None)


def test_no_sms_leaves_before_the_transaction_commits(resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        s.phone_code_send(phone=MOBILE, purpose="login", address=ADDRESS, now=T0)
        assert snapshot()["sms"] == []
    assert len(callbacks) == 1
    assert snapshot()["sms"] == []


def test_the_code_signs_in_once(resident, send):
    send(at=T0)
    code = last_code(MOBILE)
    assert sign_in(code, T0 + 10 * SECOND) == resident
    assert PhoneCode.objects.get().used_at == T0 + 10 * SECOND
    refused(
        lambda: sign_in(code, T0 + 20 * SECOND),
        "code_used",
        "code",
        "This code has already been used. Ask for a new code.",
    )


def test_the_code_expires_after_five_minutes(resident, send):
    send(at=T0)
    code = last_code(MOBILE)
    refused(
        lambda: sign_in(code, T0 + 300 * SECOND),
        "code_expired",
        "code",
        "This code has expired. Ask for a new code.",
    )
    assert sign_in(code, T0 + 299 * SECOND) == resident


def test_wrong_tries_are_counted_and_lock_the_code(resident, send):
    send(at=T0)
    code = last_code(MOBILE)
    wrong = other_code(code)
    messages = [
        "Wrong code. 2 more tries before this code stops working.",
        "Wrong code. 1 more try before this code stops working.",
        "Wrong code, and that was the last try. Ask for a new code.",
    ]
    for n, message in enumerate(messages, start=1):
        with pytest.raises(DomainError) as info:
            sign_in(wrong)
        assert [(e.code, e.field, str(e.message)) for e in info.value.errors] == [
            ("code_wrong", "code", message)
        ]
        assert PhoneCode.objects.get().failures == n
    # Dead now: even the right code is refused, and no more tries are counted.
    refused(
        lambda: sign_in(code),
        "code_locked",
        "code",
        "This code was entered wrongly too many times. Ask for a new code.",
    )
    # A new code works.
    send(at=T0 + 60 * SECOND)
    assert sign_in(last_code(MOBILE), T0 + 61 * SECOND) == resident


def test_a_new_code_replaces_the_previous_one(resident, send):
    send(at=T0)
    first = last_code(MOBILE)
    send(at=T0 + 60 * SECOND)
    second = last_code(MOBILE)
    if first != second:  # one chance in a million they are equal
        with pytest.raises(DomainError) as info:
            sign_in(first, T0 + 61 * SECOND)
        assert info.value.codes == ["code_wrong"]
    assert sign_in(second, T0 + 62 * SECOND) == resident


def test_a_code_opens_only_what_it_was_sent_for(resident, send):
    send(at=T0, purpose=CodePurpose.RESET)
    code = last_code(MOBILE)
    refused(
        lambda: sign_in(code),
        "code_missing",
        "code",
        "No code has been sent to this number for this. Ask for a code first.",
    )
    assert (
        s.password_reset_by_code(phone=MOBILE, code=code, password="new-pass-word-9", now=T0)
        == resident
    )


@pytest.mark.parametrize(
    "text", ["", "12345", "1234567", "12 3456", "１２３４５６", "abcdef", None]
)
def test_a_code_that_is_not_six_digits_counts_no_try(resident, send, text):
    send(at=T0)
    refused(lambda: sign_in(text), "not_code", "code", "Enter the 6-digit code from the SMS.")


# --- asking for codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("", "required"),
        ("12345", "not_phone"),
        ("1380000000x", "not_phone"),
        ("0743-6100059", "not_mobile"),
        ("1" * 31, "too_long"),
    ],
)
def test_a_bad_number_is_refused_and_nothing_is_sent(resident, send, phone, code):
    refused(lambda: send(phone), code, "phone")


def test_numbers_are_read_in_the_forms_people_write(resident, send):
    send("+86 138-0000-0001")
    assert codes_sent(MOBILE) != []


def test_at_least_a_minute_between_codes_to_one_number(resident, send):
    send(at=T0)
    refused(
        lambda: send(at=T0 + 30 * SECOND),
        "code_too_soon",
        "phone",
        "A code was just sent to this number. Wait 30 seconds before asking for another.",
    )
    # Another purpose is the same number: still too soon.
    refused(lambda: send(at=T0 + 59 * SECOND, purpose=CodePurpose.RESET), "code_too_soon", "phone")
    send(at=T0 + 60 * SECOND)
    assert len(codes_sent(MOBILE)) == 2


def test_a_number_gets_at_most_its_daily_count_of_codes(resident, send):
    for i in range(4):
        send(at=T0 + i * 60 * SECOND)
    refused(
        lambda: send(at=T0 + 10 * 60 * SECOND),
        "number_daily_cap",
        "phone",
        "Too many codes have been sent to this number today. Try again tomorrow.",
    )
    # 24 hours after the first, one more may go.
    send(at=T0 + timedelta(hours=24) + SECOND)
    assert len(codes_sent(MOBILE)) == 5


def test_an_address_asks_for_at_most_its_daily_count_of_codes(world, send):
    numbers = [f"1390000{i:04d}" for i in range(7)]
    for i, number in enumerate(numbers[:6]):
        send(number, purpose=CodePurpose.SIGNUP, at=T0 + i * SECOND)
    refused(
        lambda: send(numbers[6], purpose=CodePurpose.SIGNUP, at=T0 + 10 * SECOND),
        "address_daily_cap",
        "phone",
        "Too many codes have been asked for from this network today. Try again tomorrow, "
        "or ask your grid worker or the hotline for help.",
    )
    send(numbers[6], purpose=CodePurpose.SIGNUP, at=T0 + 10 * SECOND, address="10.9.9.9")
    assert len(codes_sent(numbers[6])) == 1


def test_login_and_reset_codes_need_an_account_and_sign_up_codes_need_none(resident, send):
    stranger = "13900000009"
    message = "No account uses this mobile number: sign up first."
    refused(lambda: send(stranger), "no_account", "phone", message)
    refused(lambda: send(stranger, purpose=CodePurpose.RESET), "no_account", "phone", message)
    refused(
        lambda: send(MOBILE, purpose=CodePurpose.SIGNUP),
        "mobile_taken",
        "phone",
        "An account already uses this mobile number: log in with it instead.",
    )


def test_staff_do_not_sign_in_by_code(world, send):
    Profile.objects.filter(user=world.dispatcher_a).update(phone="13900000008")
    refused(lambda: send("13900000008"), "no_account", "phone")


def test_an_inactive_account_gets_no_code(resident, send):
    User.objects.filter(pk=resident.pk).update(is_active=False)
    refused(lambda: send(MOBILE), "no_account", "phone")


# --- signing up, resetting a password ---------------------------------------------------------


def sign_up_input(code: str, **changes: Any) -> s.SignUpInput:
    values = {"phone": "13900000001", "code": code, "name": "田秀英", "village": "V1"}
    values.update(changes)
    return s.SignUpInput(**values)


def test_signing_up_makes_a_resident_of_the_village(world, send):
    send("13900000001", purpose=CodePurpose.SIGNUP)
    code = last_code("13900000001")
    user = s.resident_sign_up(data=sign_up_input(code, password="good-pass-word-7"), now=T0)
    profile = Profile.objects.get(user=user)
    assert (user.username, profile.role, profile.region, profile.phone, profile.display_name) == (
        "13900000001",
        Role.RESIDENT,
        world.village_a,
        "13900000001",
        "田秀英",
    )
    assert user.check_password("good-pass-word-7")
    assert PhoneCode.objects.get().used_at == T0


def test_signing_up_without_a_password_leaves_sign_in_by_code_only(world, send):
    send("13900000001", purpose=CodePurpose.SIGNUP)
    user = s.resident_sign_up(data=sign_up_input(last_code("13900000001")), now=T0)
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"name": ""}, [("required", "name")]),
        ({"name": "<b>x</b>"}, [("markup", "name")]),
        ({"village": "T1"}, [("village_unknown", "village")]),
        ({"village": "nowhere"}, [("village_unknown", "village")]),
        ({"password": "123"}, [("password_weak", "password")]),
        (
            {"phone": "0743-6100059", "village": ""},
            [("not_mobile", "phone"), ("village_unknown", "village")],
        ),
    ],
)
def test_a_sign_up_with_bad_input_is_refused_before_the_code_is_tried(world, send, changes, errors):
    send("13900000001", purpose=CodePurpose.SIGNUP)
    data = sign_up_input(other_code(last_code("13900000001")), **changes)
    before = snapshot()
    with pytest.raises(DomainError) as info:
        s.resident_sign_up(data=data, now=T0)
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot() == before  # not even a wrong try counted


def test_a_sign_up_for_a_number_that_has_an_account_is_refused_and_keeps_the_code(world, send):
    send("13900000001", purpose=CodePurpose.SIGNUP)
    code = last_code("13900000001")
    make_user(Role.RESIDENT, world.village_b, username="other")
    Profile.objects.filter(user__username="other").update(phone="13900000001")
    refused(
        lambda: s.resident_sign_up(data=sign_up_input(code), now=T0),
        "mobile_taken",
        "phone",
        "An account already uses this mobile number: log in with it instead.",
    )


def test_a_password_reset_by_code_sets_the_password_and_revokes_tokens(resident, send):
    Token.objects.create(user=resident)
    send(purpose=CodePurpose.RESET)
    s.password_reset_by_code(
        phone=MOBILE, code=last_code(MOBILE), password="new-pass-word-9", now=T0
    )
    resident.refresh_from_db()
    assert resident.check_password("new-pass-word-9")
    assert not Token.objects.filter(user=resident).exists()


def test_a_weak_new_password_is_refused_before_the_code_is_tried(resident, send):
    send(purpose=CodePurpose.RESET)
    refused(
        lambda: s.password_reset_by_code(
            phone=MOBILE, code=other_code(last_code(MOBILE)), password="short", now=T0
        ),
        "password_weak",
        "password",
    )


class FailingGateway:
    def send(self, *, phone: str, template: str, params: Any) -> str:
        from minsheng.notify.sms import SmsError

        raise SmsError("the provider is down")


def test_a_gateway_failure_after_commit_is_logged_not_raised(resident, send, settings, caplog):
    settings.MINSHENG_SMS_BACKEND = "tests.accounts.test_phone_codes.FailingGateway"
    row = send(at=T0)
    assert PhoneCode.objects.filter(pk=row.pk).exists()
    assert snapshot()["sms"] == []
    assert "the provider is down" in caplog.text
