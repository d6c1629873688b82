"""Who may read which notifications and change which preferences; who may post replies.

- Every signed-in person has an inbox and preferences of their own, and reads and marks
  only their own messages (``inbox_of`` is filtered by the reader: another's message is
  not found).
- The SMS provider posts inbound replies with the shared secret
  ``MINSHENG_SMS_INBOUND_SECRET``; without it configured, nobody may.
"""

from __future__ import annotations

import hmac

from django.conf import settings

from minsheng.accounts.models import Role
from minsheng.accounts.types import Actor


def sms_by_default(role: str | None) -> bool:
    """Whom SMS reaches unless they choose otherwise: residents (who are out and about);
    staff read the inbox at work."""
    return role == Role.RESIDENT


def can_use_inbox(user: Actor) -> bool:
    return user is not None and user.is_authenticated


def can_post_inbound_sms(secret: str) -> bool:
    expected = settings.MINSHENG_SMS_INBOUND_SECRET
    return bool(expected) and hmac.compare_digest(secret.encode(), expected.encode())
