"""The inbox, the record of every SMS and e-mail sent, and each person's choices.

Notifications know people and channels, not what they are about: ``key`` (the idempotency
key) and ``about`` are the caller's opaque strings (``orders`` writes ``order:12``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One notification in a person's in-site inbox. Its words are the template's, filled
    in with ``params`` in the reader's language when shown."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    template = models.CharField(_("template"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    link = models.CharField(_("link"), max_length=300, blank=True)
    about = models.CharField(_("about"), max_length=100, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="message_recipient_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="message_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.template} ({self.key})"


class DeliveryChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DEFERRED = "deferred", _("Deferred (quiet hours)")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One SMS or e-mail of one notification to one person (or, with no account, one phone).

    The unique constraints are what make sending twice impossible: the same key to the same
    person on the same channel is one row, claimed once (``queued`` → ``sending``) before the
    gateway is called.
    """

    key = models.CharField(_("idempotency key"), max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=DeliveryChannel.choices)
    # The phone or e-mail address it went to, as it was when it was queued.
    address = models.CharField(_("address"), max_length=254)
    template = models.CharField(_("template"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    link = models.CharField(_("link"), max_length=300, blank=True)
    about = models.CharField(_("about"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["status", "not_before"], name="delivery_status_due"),
            models.Index(fields=["address", "template"], name="delivery_address_template"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient", "channel"],
                condition=models.Q(recipient__isnull=False),
                name="delivery_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["key", "address", "channel"],
                condition=models.Q(recipient__isnull=True),
                name="delivery_once_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address}: {self.template} ({self.status})"


class Preference(models.Model):
    """A person's channels and quiet hours. Without a row the defaults apply
    (``notify.selectors.preference_of``): the inbox always, SMS for residents with a mobile,
    e-mail for anyone with an address, no quiet hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notify_preference",
    )
    sms = models.BooleanField(_("SMS"))
    email = models.BooleanField(_("e-mail"))
    # Local time; start after end spans midnight (22:00-07:00). Both empty: no quiet hours.
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | models.Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="preference_quiet_both_or_neither",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: sms={self.sms} email={self.email}"
