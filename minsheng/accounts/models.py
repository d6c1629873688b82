from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DISPATCHER = "dispatcher", _("Dispatcher")
    PROVIDER_STAFF = "provider_staff", _("Provider staff")
    COUNTY_ADMIN = "county_admin", _("County administrator")


STAFF_ROLES = frozenset({Role.GRID_WORKER, Role.DISPATCHER, Role.COUNTY_ADMIN})
# Who reviews and dispatches orders, and sees what the public does not (unpublished
# services, providers' capacity).
DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.COUNTY_ADMIN})


class Profile(models.Model):
    """A person's role and the region their work is scoped to.

    A dispatcher scoped to a township sees and acts on that township's orders only; a
    county administrator (or dispatcher scoped to the county) sees the whole county. A grid
    worker orders on behalf of residents in their region. A resident's region is home.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESIDENT)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    display_name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            # A dispatcher without a region would otherwise be read as "the whole county".
            models.CheckConstraint(
                condition=~models.Q(role__in=[Role.DISPATCHER, Role.COUNTY_ADMIN])
                | models.Q(region__isnull=False),
                name="profile_dispatcher_has_region",
                violation_error_message=_(
                    "Dispatchers and county administrators work in a region: choose one "
                    "(the county for the whole county)."
                ),
            ),
            # Sign-in by phone: one resident account per mobile number (stored mobiles are
            # 11 digits starting with 1, landlines start with their trunk 0: a household
            # may share a landline, never a sign-in number). Two sign-ups racing for one
            # number meet here.
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(role=Role.RESIDENT, phone__startswith="1"),
                name="profile_one_resident_per_mobile",
                violation_error_message=_("Another resident account already uses this mobile."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name or self.user.get_username()} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.role in DISPATCH_ROLES and self.region_id is None:
            raise ValidationError(
                {
                    "region": _(
                        "Dispatchers and county administrators work in a region: choose one "
                        "(the county for the whole county)."
                    )
                }
            )


# --- Sign-in by phone: one-time SMS codes -------------------------------------------------------


class CodePurpose(models.TextChoices):
    """What a code was sent for: a code for one purpose opens nothing else."""

    LOGIN = "login", _("log in")
    SIGNUP = "signup", _("sign up")
    RESET = "reset", _("password reset")


class PhoneCode(models.Model):
    """One SMS code sent to a mobile number, for one purpose.

    The code itself is never stored: ``code_hash`` is a keyed hash of it (HMAC with the
    site's secret key, the number and the purpose), compared in constant time, so a copy of
    the table does not give the codes away, nor let them be found by trying the million
    six-digit values. Only the newest code for a number and purpose counts; it is dead once
    used, expired or locked by too many wrong tries (``failures``).

    The rows are also the throttles' counts (sends per number, per client address): every
    app server reads the same table, so the limits hold however many there are.
    """

    phone = models.CharField(_("mobile"), max_length=11)
    purpose = models.CharField(_("purpose"), max_length=10, choices=CodePurpose.choices)
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    address = models.GenericIPAddressField(_("requested from"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    failures = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [
            models.Index(fields=["phone", "created_at"], name="phonecode_phone_time"),
            models.Index(fields=["address", "created_at"], name="phonecode_address_time"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.phone[:3]}****{self.phone[-4:]} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
        )
