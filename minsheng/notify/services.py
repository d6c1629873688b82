"""Writes: sending a notification, one attempt at a delivery, preferences, reading the inbox.

``notification_send`` writes in the caller's transaction and sends nothing itself: the SMS
and e-mail go after the commit, through the ``deliver`` Celery task (inline when no broker
is configured). Each delivery is claimed (``queued`` → ``sending``) by a compare-and-swap
before the gateway is called, so a task run twice (a redelivered message, a retry racing
the sweep) sends once.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import Code, DomainError, ErrorDetail
from minsheng.core.inputs import Invalid, read_bool
from minsheng.notify import selectors, wording
from minsheng.notify.models import (
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Message,
    Preference,
)
from minsheng.notify.sms import TEMPLATES, SmsError, send_sms

logger = logging.getLogger(__name__)

# What a failed attempt may raise and be retried for; anything else is a bug and is raised.
RETRYABLE = (SmsError, smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class Sent:
    """What ``notification_send`` wrote: the inbox message (None when it existed or there
    is no account) and the deliveries it created (none for a key already used)."""

    message: Message | None
    deliveries: list[Delivery]


def _create_once(model: type[Message] | type[Delivery], **fields: object) -> object | None:
    """Insert a row, or nothing when its idempotency key was already used (the unique
    constraint decides, so two senders at once still write one row)."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None


def notification_send(
    *,
    recipient: User | None,
    key: str,
    template: str,
    params: Mapping[str, str],
    link: str = "",
    about: str = "",
    phone: str = "",
    quiet_hours: bool = True,
    now: datetime | None = None,
) -> Sent:
    """Notify one person: a message in their inbox, and an SMS and e-mail as they chose.

    ``recipient`` None with a ``phone``: someone without an account (an order placed for
    them by a grid worker), who gets the SMS only. ``key`` identifies the notification
    (e.g. ``order-event:42``): the same key to the same person is written once, on every
    channel, however often this is called. ``link`` is a path on this site. With
    ``quiet_hours``, SMS and e-mail falling in the person's quiet hours wait for their end.
    Call it inside the transaction that makes the news true.
    """
    if template not in TEMPLATES:
        raise ValueError(f"unknown notification template {template!r}")
    now = now or timezone.now()
    values = {name: str(value) for name, value in params.items()}
    common = {"key": key, "template": template, "params": values, "link": link, "about": about}
    message = None
    addresses: list[tuple[str, str]] = []
    if recipient is not None:
        message = _create_once(Message, recipient=recipient, created_at=now, **common)
        prefs = selectors.preference_of(recipient)
        mobile = selectors.mobile_of(recipient)
        if prefs.sms and mobile:
            addresses.append((DeliveryChannel.SMS, mobile))
        if prefs.email and recipient.email:
            addresses.append((DeliveryChannel.EMAIL, recipient.email))
        wait = prefs.quiet_until(now) if quiet_hours else None
    elif phone:
        addresses.append((DeliveryChannel.SMS, phone))
        wait = None
    else:
        raise ValueError("a notification needs a recipient or a phone")
    deliveries = []
    for channel, address in addresses:
        delivery = _create_once(
            Delivery,
            recipient=recipient,
            channel=channel,
            address=address,
            status=DeliveryStatus.DEFERRED if wait else DeliveryStatus.QUEUED,
            not_before=wait,
            created_at=now,
            **common,
        )
        if isinstance(delivery, Delivery):
            deliveries.append(delivery)
            transaction.on_commit(_queue_later(delivery.pk, wait), robust=True)
    return Sent(message if isinstance(message, Message) else None, deliveries)


def _queue_later(delivery_id: int, wait: datetime | None) -> Callable[[], None]:
    def queue() -> None:
        delivery_queue(delivery_id=delivery_id, eta=wait)

    return queue


def delivery_queue(*, delivery_id: int, eta: datetime | None = None) -> None:
    """Hand a delivery to the ``deliver`` task (after the commit that wrote it).

    Without a broker tasks run inline and would ignore ``eta``: a deferred delivery then
    waits for the periodic ``send_due`` task instead.
    """
    from minsheng.notify.tasks import deliver

    if eta is not None and deliver.app.conf.task_always_eager:
        return
    deliver.apply_async(args=[delivery_id], eta=eta)


@dataclass(frozen=True)
class Attempt:
    status: str  # a DeliveryStatus value, or "skipped" (not ours to send: sent, claimed)
    attempts: int = 0
    retry: bool = False


def _send(delivery: Delivery) -> str:
    """Send through the gateway or the mail backend; the provider's message id."""
    if delivery.channel == DeliveryChannel.SMS:
        return send_sms(phone=delivery.address, template=delivery.template, params=delivery.params)
    link = f"{settings.MINSHENG_SITE_URL}{delivery.link}" if delivery.link else ""
    # In the site's language, as SMS are: not whichever the request that queued it spoke.
    with translation.override(settings.LANGUAGE_CODE):
        subject = wording.title(delivery.template, delivery.params)
        body = wording.body(delivery.template, delivery.params)
    send_mail(
        subject=subject,
        message=f"{body}\n\n{link}".strip(),
        from_email=None,
        recipient_list=[delivery.address],
    )
    return ""


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> Attempt:
    """One attempt at sending a delivery: claim it, send it, record how it went.

    A delivery already sent, being sent, failed for good, or deferred to later is left alone
    ("skipped"). A gateway or mail failure puts it back in the queue (``retry``) until
    ``MINSHENG_NOTIFY_MAX_ATTEMPTS`` attempts have failed; then it is ``failed``.
    """
    now = now or timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.DEFERRED])
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1)
    )
    if not claimed:
        return Attempt("skipped")
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        message_id = _send(delivery)
    except RETRYABLE as exc:
        final = delivery.attempts >= settings.MINSHENG_NOTIFY_MAX_ATTEMPTS
        status = DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED
        logger.warning("delivery %s attempt %s failed: %s", delivery_id, delivery.attempts, exc)
        Delivery.objects.filter(pk=delivery_id).update(
            status=status, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return Attempt(status, delivery.attempts, retry=not final)
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT,
        provider_message_id=message_id[:100],
        sent_at=timezone.now(),
        last_error="",
    )
    return Attempt(DeliveryStatus.SENT, delivery.attempts)


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt: doubling from ``MINSHENG_NOTIFY_RETRY_SECONDS``,
    at most an hour."""
    return float(min(3600.0, settings.MINSHENG_NOTIFY_RETRY_SECONDS * 2 ** max(attempts - 1, 0)))


# --- preferences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceInput:
    sms: object
    email: object
    quiet_start: object = ""
    quiet_end: object = ""


_TIME = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)


def _read_time(value: object, field: str) -> time | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, time):
        return value
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError(value)
        return time(int(match.group(1)), int(match.group(2)))
    except ValueError:
        raise DomainError.single(
            Code.INVALID, _("Enter a time of day as hours and minutes, such as 22:00."), field
        ) from None


def preference_set(*, user: User, data: PreferenceInput, now: datetime | None = None) -> Preference:
    """Save a person's channels and quiet hours (both ends or neither, and not equal)."""
    errors: list[ErrorDetail] = []
    channels: dict[str, bool] = {}
    for field in ("sms", "email"):
        try:
            channels[field] = read_bool(getattr(data, field) or False)
        except Invalid as exc:
            errors.append(exc.detail(field))
    times: dict[str, time | None] = {}
    for field in ("quiet_start", "quiet_end"):
        try:
            times[field] = _read_time(getattr(data, field), field)
        except DomainError as exc:
            errors.extend(exc.errors)
    if not errors:
        start, end = times["quiet_start"], times["quiet_end"]
        if (start is None) != (end is None):
            missing = "quiet_end" if end is None else "quiet_start"
            errors.append(
                ErrorDetail(
                    Code.REQUIRED,
                    _("Give both the start and the end of your quiet hours, or neither."),
                    missing,
                )
            )
        elif start is not None and start == end:
            errors.append(
                ErrorDetail(
                    Code.INVALID,
                    _("Quiet hours must end at another time than they start."),
                    "quiet_end",
                )
            )
        if channels.get("sms") and not selectors.mobile_of(user):
            errors.append(
                ErrorDetail(
                    Code.NOT_MOBILE,
                    _("SMS needs a mobile number on your profile: add one first."),
                    "sms",
                )
            )
        if channels.get("email") and not user.email:
            errors.append(
                ErrorDetail(
                    Code.REQUIRED,
                    _("E-mail needs an address on your account: add one first."),
                    "email",
                )
            )
    if errors:
        raise DomainError(errors)
    row, _created = Preference.objects.update_or_create(
        user=user,
        defaults={
            **channels,
            "quiet_start": times["quiet_start"],
            "quiet_end": times["quiet_end"],
            "updated_at": now or timezone.now(),
        },
    )
    return row


# --- the inbox ----------------------------------------------------------------------------------


def message_mark_read(*, user: Actor, message_id: int, now: datetime | None = None) -> int:
    """Mark one of the person's own messages read (another's is not found: 0 rows)."""
    return (
        selectors.inbox_of(user)
        .filter(pk=message_id, read_at__isnull=True)
        .update(read_at=now or timezone.now())
    )


def messages_mark_all_read(*, user: Actor, now: datetime | None = None) -> int:
    return (
        selectors.inbox_of(user).filter(read_at__isnull=True).update(read_at=now or timezone.now())
    )
