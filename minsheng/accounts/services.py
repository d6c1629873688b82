"""Writes about accounts."""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from minsheng.accounts import policy
from minsheng.accounts.errors import AccountCode
from minsheng.accounts.models import CodePurpose, PhoneCode, Profile
from minsheng.accounts.selectors import account_by_mobile
from minsheng.core.errors import DomainError, ErrorDetail, Throttled
from minsheng.core.inputs import Invalid, read_text
from minsheng.core.locks import hold
from minsheng.core.phones import read_mobile
from minsheng.notify.sms import send_sms
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_by_code

T = TypeVar("T")


@transaction.atomic
def user_set_password(*, user: AbstractBaseUser, password: str | None) -> None:
    """Give ``user`` a new password (``None``: none at all, so no password login) and revoke
    every API token they hold: whoever knew the old password may have taken one.

    Every path that changes a password comes here: the password page, ``POST
    /api/v1/me/password/``, the admin's two password forms and ``minsheng changepassword``.
    Callers check the password against ``AUTH_PASSWORD_VALIDATORS`` first (each words the
    refusal for its own field); the user's other sessions end by themselves, since their
    session hash no longer matches, and the caller keeps its own session if it wants with
    ``update_session_auth_hash``.
    """
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    # Deleted row by row (with signals), so this process's token cache forgets them at once.
    Token.objects.filter(user=user).delete()


# --- Sign-in by phone: one-time SMS codes -------------------------------------------------------
#
# A code is asked for (``phone_code_send``: throttled, sent by SMS after commit), then given
# back once with what it opens: a session (``phone_sign_in``), a new resident account
# (``resident_sign_up``) or a new password (``password_reset_by_code``). Each refusal has its
# own ``AccountCode`` and writes nothing, except a wrong code, which counts a try against the
# code (that count is what locks it).

CODE_TEMPLATES: dict[str, str] = {
    CodePurpose.LOGIN: "login_code",
    CodePurpose.SIGNUP: "signup_code",
    CodePurpose.RESET: "reset_code",
}
_CODE = re.compile(r"\d{6}", re.ASCII)
_DAY = timedelta(hours=24)
MAX_NAME = 100


def _code_hash(phone: str, purpose: str, code: str) -> str:
    """A keyed hash of the code: without the site's secret key a copy of the table cannot be
    searched for the code by trying the million values."""
    return salted_hmac(
        "minsheng.accounts.PhoneCode", f"{purpose}:{phone}:{code}", algorithm="sha256"
    ).hexdigest()


def _mobile(value: Any) -> str:
    try:
        return read_mobile(value)
    except Invalid as exc:
        raise exc.error("phone") from None


def read_code(value: Any) -> str:
    """Six ASCII digits (spaces around them dropped), or :class:`DomainError` ``not_code``."""
    text = value.strip() if isinstance(value, str) else ""
    if not _CODE.fullmatch(text):
        raise DomainError.single(
            AccountCode.NOT_CODE, _("Enter the 6-digit code from the SMS."), "code"
        )
    return text


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def _send_refusal(
    phone: str, purpose: str, address: str | None, now: datetime
) -> DomainError | None:
    """Why no code may be sent now (the throttles, then whether the account fits), or None."""
    since = now - _DAY
    if address and (
        PhoneCode.objects.filter(address=address, created_at__gt=since).count()
        >= settings.MINSHENG_CODE_ADDRESS_DAILY
    ):
        return Throttled.single(
            AccountCode.ADDRESS_DAILY_CAP,
            _(
                "Too many codes have been asked for from this network today. Try again "
                "tomorrow, or ask your grid worker or the hotline for help."
            ),
            "phone",
        )
    sent = list(
        PhoneCode.objects.filter(phone=phone, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.MINSHENG_CODE_NUMBER_DAILY]
    )
    interval = timedelta(seconds=settings.MINSHENG_CODE_INTERVAL_SECONDS)
    if sent and sent[0] > now - interval:
        wait = math.ceil((sent[0] + interval - now).total_seconds())
        return Throttled.single(
            AccountCode.CODE_TOO_SOON,
            ngettext(
                "A code was just sent to this number. Wait %(seconds)d second before asking "
                "for another.",
                "A code was just sent to this number. Wait %(seconds)d seconds before asking "
                "for another.",
                wait,
            )
            % {"seconds": wait},
            "phone",
        )
    if len(sent) >= settings.MINSHENG_CODE_NUMBER_DAILY:
        return Throttled.single(
            AccountCode.NUMBER_DAILY_CAP,
            _("Too many codes have been sent to this number today. Try again tomorrow."),
            "phone",
        )
    account = account_by_mobile(phone)
    if purpose == CodePurpose.SIGNUP and account is not None:
        return DomainError.single(
            AccountCode.MOBILE_TAKEN,
            _("An account already uses this mobile number: log in with it instead."),
            "phone",
        )
    if purpose != CodePurpose.SIGNUP and account is None:
        return DomainError.single(
            AccountCode.NO_ACCOUNT,
            _("No account uses this mobile number: sign up first."),
            "phone",
        )
    return None


def phone_code_send(
    *, phone: Any, purpose: str, address: str | None, now: datetime | None = None
) -> PhoneCode:
    """Send a new 6-digit code to ``phone`` for ``purpose`` (by SMS, after commit).

    Refused, with nothing written, when the number is not a mobile, a code went to it less
    than ``MINSHENG_CODE_INTERVAL_SECONDS`` ago, it or ``address`` had their daily count of
    codes, or the account does not fit the purpose (none to log in to; one already there to
    sign up). The checks and the new row run under a lock on the number and the address,
    so two requests at once cannot both pass a limit.
    """
    mobile = _mobile(phone)
    purpose = CodePurpose(purpose)
    now = now or timezone.now()
    with transaction.atomic():
        hold(f"phone-code:{mobile}", *([f"phone-code-address:{address}"] if address else []))
        error = _send_refusal(mobile, purpose, address, now)
        if error is not None:
            raise error
        code = f"{secrets.randbelow(1_000_000):06d}"
        ttl = settings.MINSHENG_CODE_TTL_SECONDS
        row = PhoneCode.objects.create(
            phone=mobile,
            purpose=purpose,
            code_hash=_code_hash(mobile, purpose, code),
            address=address,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
        params = {"code": code, "minutes": str(_minutes(ttl))}
        # robust: a gateway that fails is logged, not a server error; the person asks again
        # after the interval (the row stays: it counts, as a send attempt, against the caps).
        template = CODE_TEMPLATES[purpose]

        def send_code_sms() -> None:  # a named function: Django logs a robust failure by name
            send_sms(phone=mobile, template=template, params=params)

        transaction.on_commit(send_code_sms, robust=True)
    return row


def _code_refusal(row: PhoneCode | None, code: str, now: datetime) -> DomainError | None:
    """Why ``code`` does not open ``row`` (the newest code of its number and purpose)."""
    if row is None:
        return DomainError.single(
            AccountCode.CODE_MISSING,
            _("No code has been sent to this number for this. Ask for a code first."),
            "code",
        )
    if row.used_at is not None:
        return DomainError.single(
            AccountCode.CODE_USED,
            _("This code has already been used. Ask for a new code."),
            "code",
        )
    if row.failures >= settings.MINSHENG_CODE_MAX_TRIES:
        return DomainError.single(
            AccountCode.CODE_LOCKED,
            _("This code was entered wrongly too many times. Ask for a new code."),
            "code",
        )
    if row.expires_at <= now:
        return DomainError.single(
            AccountCode.CODE_EXPIRED,
            _("This code has expired. Ask for a new code."),
            "code",
        )
    if not constant_time_compare(row.code_hash, _code_hash(row.phone, row.purpose, code)):
        left = settings.MINSHENG_CODE_MAX_TRIES - row.failures - 1
        message: str | Promise
        if left <= 0:
            message = _("Wrong code, and that was the last try. Ask for a new code.")
        else:
            message = ngettext(
                "Wrong code. %(left)d more try before this code stops working.",
                "Wrong code. %(left)d more tries before this code stops working.",
                left,
            ) % {"left": left}
        return DomainError.single(AccountCode.CODE_WRONG, message, "code")
    return None


def _redeem(
    *, phone: str, purpose: str, code: Any, now: datetime | None, act: Callable[[], T]
) -> T:
    """Check ``code`` against the newest code of ``phone`` for ``purpose`` and, if it opens
    it, run ``act`` and spend the code, in one transaction.

    A wrong code counts one try (committed, then refused); a refusal by ``act`` rolls back
    to before it and leaves the code unspent. Call it outside any transaction, as a request
    does: inside one, the refusal would roll the count of a wrong try back with it. The code's row is locked first, so two tries
    at once are counted one after the other and a code is spent once.
    """
    text = read_code(code)
    now = now or timezone.now()
    error: DomainError | None = None
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        error = _code_refusal(row, text, now)
        if row is not None and error is not None and error.codes == [AccountCode.CODE_WRONG]:
            PhoneCode.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
        if row is not None and error is None:
            try:
                with transaction.atomic():
                    result = act()
                    row.used_at = now
                    row.save(update_fields=["used_at"])
            except DomainError as exc:
                error = exc
    if error is not None:
        raise error
    return result


def _account(phone: str) -> User:
    user = account_by_mobile(phone)
    if user is None:
        raise DomainError.single(
            AccountCode.NO_ACCOUNT, _("No account uses this mobile number: sign up first."), "phone"
        )
    return user


def phone_sign_in(*, phone: Any, code: Any, now: datetime | None = None) -> User:
    """The account a login code opens (the caller starts the session); the code is spent."""
    mobile = _mobile(phone)
    user = _account(mobile)
    return _redeem(phone=mobile, purpose=CodePurpose.LOGIN, code=code, now=now, act=lambda: user)


def _password_errors(password: str, user: User | None, field: str) -> list[ErrorDetail]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return [ErrorDetail(AccountCode.PASSWORD_WEAK, " ".join(exc.messages), field)]
    return []


def _taken() -> DomainError:
    return DomainError.single(
        AccountCode.MOBILE_TAKEN,
        _("An account already uses this mobile number: log in with it instead."),
        "phone",
    )


@dataclass(frozen=True)
class SignUpInput:
    phone: Any
    code: Any
    name: Any
    village: Any  # a village's code
    password: str | None = None  # optional: without one, the resident signs in by code only


def resident_sign_up(*, data: SignUpInput, now: datetime | None = None) -> User:
    """Create a resident's account with the mobile a sign-up code was sent to: username and
    profile phone are the mobile, home is the chosen village, a password only if given.

    One resident account per mobile is the database's constraint
    (``profile_one_resident_per_mobile``): of two sign-ups racing for one number, the second
    is refused ``mobile_taken`` (or finds the code spent) and writes nothing.
    """
    errors: list[ErrorDetail] = []
    mobile = name = ""
    village: Region | None = None
    try:
        mobile = read_mobile(data.phone)
    except Invalid as exc:
        errors.append(exc.detail("phone"))
    try:
        name = read_text(data.name, max_length=MAX_NAME, required=True, markup=False)
    except Invalid as exc:
        errors.append(exc.detail("name"))
    village = region_by_code(data.village) if isinstance(data.village, str) else None
    if village is None or village.level != Region.Level.VILLAGE:
        errors.append(
            ErrorDetail(
                AccountCode.VILLAGE_UNKNOWN, _("Choose your village from the list."), "village"
            )
        )
    if data.password:
        errors.extend(_password_errors(data.password, None, "password"))
    try:
        read_code(data.code)
    except DomainError as exc:
        errors.extend(exc.errors)
    if errors:
        raise DomainError(errors)
    assert village is not None  # checked above

    def create() -> User:
        if account_by_mobile(mobile) is not None:
            raise _taken()
        try:
            with transaction.atomic():
                user = User(username=mobile)
                if data.password:
                    user.set_password(data.password)
                else:
                    user.set_unusable_password()
                user.save()
                Profile.objects.create(
                    user=user,
                    role=policy.SELF_SIGN_UP_ROLE,
                    region=village,
                    display_name=name,
                    phone=mobile,
                )
        except IntegrityError:
            # Another sign-up took the number (or the username) between the check and here.
            raise _taken() from None
        return user

    return _redeem(phone=mobile, purpose=CodePurpose.SIGNUP, code=data.code, now=now, act=create)


def password_reset_by_code(
    *, phone: Any, code: Any, password: str, now: datetime | None = None
) -> User:
    """Give the account of ``phone`` a new password, with a reset code sent to it (the user's
    API tokens are revoked, as on every password change)."""
    mobile = _mobile(phone)
    user = _account(mobile)
    errors = _password_errors(password, user, "password")
    try:
        read_code(code)
    except DomainError as exc:
        errors.extend(exc.errors)
    if errors:
        raise DomainError(errors)

    def reset() -> User:
        user_set_password(user=user, password=password)
        return user

    return _redeem(phone=mobile, purpose=CodePurpose.RESET, code=code, now=now, act=reset)
