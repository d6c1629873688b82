"""The demo county signs in by phone: every resident has a mobile of their own, the demo
logins print how to get in with a code and where the codes appear, and the printed order
can be followed without an account."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from minsheng.accounts import services as accounts
from minsheng.accounts.models import CodePurpose, Profile, Role
from minsheng.core.phones import is_mobile
from minsheng.demo.logins import DEMO_RESIDENT_MOBILE
from minsheng.demo.seed import seed_demo
from minsheng.orders.tracking import track_order
from tests.accounts.phone import last_code

pytestmark = pytest.mark.django_db

SCALE = 0.02


def test_demo_residents_sign_in_with_their_own_mobile(
    settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "sms-outbox.jsonl")
    settings.MINSHENG_SMS_ECHO = False
    seed_demo(scale=SCALE)
    phones = list(Profile.objects.filter(role=Role.RESIDENT).values_list("phone", flat=True))
    assert len(phones) > 100
    assert all(is_mobile(p) for p in phones)
    assert len(set(phones)) == len(phones)
    assert Profile.objects.get(user__username="resident").phone == DEMO_RESIDENT_MOBILE

    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert f"/accounts/phone/   mobile {DEMO_RESIDENT_MOBILE} (张秀英)" in text
    assert settings.MINSHENG_SMS_OUTBOX in text
    assert '"[SMS to 138...]"' in text
    match = re.search(r"/track/  number (\d{8}-\d{6}), phone (\d{11})", text)
    assert match is not None

    # What the lines say works.
    with django_capture_on_commit_callbacks(execute=True):
        accounts.phone_code_send(
            phone=DEMO_RESIDENT_MOBILE, purpose=CodePurpose.LOGIN, address=None
        )
    user = accounts.phone_sign_in(phone=DEMO_RESIDENT_MOBILE, code=last_code(DEMO_RESIDENT_MOBILE))
    assert user.username == "resident"
    tracked = track_order(number=match.group(1), phone=match.group(2), address="10.0.0.1")
    assert tracked.order.number == match.group(1)
