"""The Open311 face of the order loop: client applications' keys, and what a GeoReport v2
request carries beyond the order itself (token, person fields, where an import came from).

Orders know nothing of Open311: this app points at them, never the other way round.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A client application's key for ``POST requests`` and ``POST servicerequestupdates``.

    Only a SHA-256 digest of the key is stored; ``prefix`` (its first eight characters)
    lets staff tell keys apart in lists without being able to use them.
    """

    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8, unique=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    # Requests per minute; empty: MINSHENG_OPEN311_KEY_RATE.
    rate_limit = models.PositiveIntegerField(_("requests per minute"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ServiceRequest(models.Model):
    """An order as Open311 knows it: created by a client app, or imported from a server."""

    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="open311",
    )
    api_key = models.ForeignKey(
        ApiKey,
        verbose_name=_("API key"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    # Resolves to the order at tokens/{token}.
    token = models.CharField(_("token"), max_length=64, unique=True)
    # Imports: the server the request came from and its id there.
    source = models.CharField(_("imported from"), max_length=200, blank=True)
    source_id = models.CharField(_("id at the source"), max_length=100, blank=True)
    # The optional person and device fields of POST requests.
    email = models.CharField(_("email"), max_length=254, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    address_id = models.CharField(_("address id"), max_length=100, blank=True)
    zipcode = models.CharField(_("postal code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="open311_request_source_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} ({self.token})"
