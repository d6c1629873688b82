"""Races on getting in, with real threads and connections (PostgreSQL, or SQLite in a file):
two sign-ups for one mobile make one account; two requests for a code at once send one;
two wrong tries at once both count."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from minsheng.accounts import services as s
from minsheng.accounts.models import CodePurpose, PhoneCode, Profile, Role
from minsheng.core.errors import DomainError
from tests.accounts.phone import codes_sent, console_outbox, last_code, other_code
from tests.orders.test_concurrency import _parallel_database, race, split  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MOBILE = "13900000001"


@pytest.fixture(autouse=True)
def _outbox(settings: Any, tmp_path: Any) -> None:
    console_outbox(settings, tmp_path)
    settings.MINSHENG_CODE_MAX_TRIES = 5


def sign_up(code: str, name: str) -> User:
    return s.resident_sign_up(data=s.SignUpInput(phone=MOBILE, code=code, name=name, village="V1"))


def residents_with(phone: str) -> int:
    return Profile.objects.filter(role=Role.RESIDENT, phone=phone).count()


def test_two_sign_ups_with_one_code_make_one_account(world):
    for i in range(4):
        phone = f"1390000{i:04d}"
        s.phone_code_send(phone=phone, purpose=CodePurpose.SIGNUP, address=f"10.0.0.{i}")
        code = last_code(phone)
        calls = [
            partial(
                s.resident_sign_up,
                data=s.SignUpInput(phone=phone, code=code, name=name, village="V1"),
            )
            for name in ("甲", "乙")
        ]
        wins, losses = split(race(*calls))
        assert len(wins) == 1
        assert [e.codes for e in losses] in ([["code_used"]], [["mobile_taken"]])
        assert residents_with(phone) == 1
        assert User.objects.filter(username=phone).count() == 1


def _resident_entered_by_staff(phone: str) -> Profile:
    """Another way a resident account with this mobile appears (the admin, an import)."""
    with transaction.atomic():
        user = User.objects.create(username=f"entered-{phone}")
        return Profile.objects.create(user=user, role=Role.RESIDENT, phone=phone)


def test_a_sign_up_racing_another_account_for_the_mobile_is_refused_by_the_constraint(world):
    s.phone_code_send(phone=MOBILE, purpose=CodePurpose.SIGNUP, address="10.0.0.1")
    code = last_code(MOBILE)
    signed_up, entered = race(
        partial(sign_up, code, "甲"), partial(_resident_entered_by_staff, MOBILE)
    )
    assert residents_with(MOBILE) == 1
    # Exactly one of the two got the mobile; the other was refused by the check or, when
    # both passed it, by the constraint (the sign-up words it, the other way in raises).
    if isinstance(signed_up, DomainError):
        assert signed_up.codes == ["mobile_taken"]
        assert isinstance(entered, Profile)
        assert PhoneCode.objects.get().used_at is None  # the code was not spent
    else:
        assert isinstance(signed_up, User)
        assert isinstance(entered, IntegrityError)


def test_two_requests_for_a_code_at_once_send_one(world):
    for i in range(4):
        phone = f"1390000{i:04d}"
        calls = [
            partial(s.phone_code_send, phone=phone, purpose=CodePurpose.SIGNUP, address=address)
            for address in ("10.0.1.1", "10.0.1.2")
        ]
        wins, losses = split(race(*calls))
        assert len(wins) == 1
        assert [e.codes for e in losses] == [["code_too_soon"]]
        assert PhoneCode.objects.filter(phone=phone).count() == 1
        assert len(codes_sent(phone)) == 1


def test_two_wrong_tries_at_once_both_count(world):
    s.phone_code_send(phone=MOBILE, purpose=CodePurpose.SIGNUP, address="10.0.0.1")
    wrong = other_code(last_code(MOBILE))
    # Called as a request calls them, outside any transaction: a wrong try's count commits
    # before the refusal is raised (in a transaction of its own, the refusal would roll it
    # back).
    calls = [partial(sign_up, wrong, "甲"), partial(sign_up, wrong, "乙")]
    wins, losses = split(race(*calls, in_transaction=False))
    assert wins == []
    assert [e.codes for e in losses] == [["code_wrong"], ["code_wrong"]]
    assert PhoneCode.objects.get().failures == 2
    assert residents_with(MOBILE) == 0
