"""Reads: a person's preferences (or their defaults), their inbox, what was sent where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from minsheng.accounts.models import Profile
from minsheng.accounts.types import Actor
from minsheng.core.phones import is_mobile
from minsheng.notify import policy
from minsheng.notify.models import Delivery, DeliveryChannel, DeliveryStatus, Message, Preference


@dataclass(frozen=True)
class Preferences:
    """A person's channels (the inbox is always on) and quiet hours (local time)."""

    sms: bool
    email: bool
    quiet_start: time | None = None
    quiet_end: time | None = None

    def quiet_until(self, now: datetime) -> datetime | None:
        """The end of the quiet period ``now`` falls in, or None outside quiet hours.

        Start after end spans midnight (22:00-07:00: quiet from 22:00 to 07:00 next day).
        """
        start, end = self.quiet_start, self.quiet_end
        if start is None or end is None or start == end:
            return None
        local = timezone.localtime(now)
        t = local.time()
        today_end = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        if start < end:
            return today_end if start <= t < end else None
        if t >= start:
            return today_end + timedelta(days=1)
        if t < end:
            return today_end
        return None


def _profile(user: Actor) -> Profile | None:
    # Not accounts.selectors.profile_of: it knows regions, which notifications do not.
    if user is None or not user.is_authenticated:
        return None
    return Profile.objects.filter(user_id=user.pk).first()


def mobile_of(user: Actor) -> str:
    """The person's mobile number (SMS goes there), or "" when they have none."""
    profile = _profile(user)
    phone = profile.phone if profile is not None else ""
    return phone if phone and is_mobile(phone) else ""


def default_preferences(user: Actor) -> Preferences:
    """Without a choice of their own: SMS for residents with a mobile (staff read the
    inbox at work), e-mail for anyone with an address."""
    profile = _profile(user)
    by_default = policy.sms_by_default(profile.role if profile is not None else None)
    return Preferences(
        sms=by_default and bool(mobile_of(user)),
        email=bool(getattr(user, "email", "")),
    )


def preference_of(user: Actor) -> Preferences:
    if user is None or not user.is_authenticated:
        return Preferences(sms=False, email=False)
    row = Preference.objects.filter(user_id=user.pk).first()
    if row is None:
        return default_preferences(user)
    return Preferences(
        sms=row.sms, email=row.email, quiet_start=row.quiet_start, quiet_end=row.quiet_end
    )


def inbox_of(user: Actor) -> QuerySet[Message]:
    """A person's inbox, newest first."""
    if user is None or not user.is_authenticated:
        return Message.objects.none()
    return Message.objects.filter(recipient_id=user.pk).order_by("-created_at", "-pk")


def unread_count(user: Actor) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return inbox_of(user).filter(read_at__isnull=True).count()


def sms_sent_to(*, phone: str, template: str) -> QuerySet[Delivery]:
    """The SMS of ``template`` that reached ``phone`` (sent by the gateway), newest first."""
    return Delivery.objects.filter(
        channel=DeliveryChannel.SMS, address=phone, template=template, status=DeliveryStatus.SENT
    ).order_by("-sent_at", "-pk")


def due_deliveries(now: datetime) -> QuerySet[Delivery]:
    """Deferred deliveries whose quiet hours have ended."""
    return Delivery.objects.filter(status=DeliveryStatus.DEFERRED, not_before__lte=now).order_by(
        "not_before", "pk"
    )
