"""Helpers for the sign-in-by-phone tests: the SMS outbox in a temporary file, the codes it
holds, and a snapshot of everything a refused step must leave as it was."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from minsheng.accounts.models import PhoneCode, Profile
from minsheng.notify.sms import read_outbox

MOBILE = "13800000001"


def codes_sent(phone: str) -> list[str]:
    """The codes the console gateway sent to ``phone``, oldest first."""
    return [m["params"]["code"] for m in read_outbox() if m["phone"] == phone]


def last_code(phone: str) -> str:
    return codes_sent(phone)[-1]


def other_code(code: str) -> str:
    """A code that is not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def snapshot() -> dict[str, Any]:
    """Codes (every column), accounts, profiles and messages sent."""
    return {
        "codes": list(PhoneCode.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "password")),
        "profiles": list(Profile.objects.order_by("pk").values()),
        "sms": read_outbox(),
    }


def with_mobile(user: Any, mobile: str = MOBILE) -> User:
    """``user`` again, with ``mobile`` on their profile (the number they sign in with)."""
    Profile.objects.filter(user=user).update(phone=mobile)
    return User.objects.get(pk=user.pk)


def console_outbox(settings: Any, tmp_path: Any) -> None:
    """The console gateway writes to a file of this test's own and prints nothing."""
    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "sms-outbox.jsonl")
    settings.MINSHENG_SMS_ECHO = False
