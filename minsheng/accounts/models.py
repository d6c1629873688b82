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
            )
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
