"""The history of each item of equipment (issue 10, part 7): added, state changed, serviced,
usage recorded, retired. Append-only, like an order's history: the register page shows it
and the service records are read from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.orders.models import AppendOnly, ImmutableQuerySet

from .health import Equipment, EquipmentState


class EquipmentAction(models.TextChoices):
    ADDED = "added", _("added")
    STATE = "state", _("state changed")
    SERVICED = "serviced", _("serviced")
    USAGE = "usage", _("usage recorded")
    RETIRED = "retired", _("retired")


class EquipmentEvent(AppendOnly):
    """One step of an item's history: ``old_state``/``new_state`` for a state change (or a
    service that changed it), ``on`` the day of a service or the retirement, ``uses`` the
    uses a month recorded."""

    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=EquipmentAction.choices)
    old_state = models.CharField(
        _("state before"), max_length=8, choices=EquipmentState.choices, blank=True
    )
    new_state = models.CharField(
        _("state after"), max_length=8, choices=EquipmentState.choices, blank=True
    )
    on = models.DateField(_("on"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("uses a month"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"))

    objects = ImmutableQuerySet["EquipmentEvent"].as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("equipment event")
        verbose_name_plural = _("equipment events")
        indexes = [models.Index(fields=["equipment", "created_at"])]

    def __str__(self) -> str:
        return f"{self.equipment_id}: {self.action} ({self.created_at:%Y-%m-%d})"
