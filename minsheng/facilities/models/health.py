"""Medicines a clinic may dispense against the essential list, and equipment against the
standard configuration: both reference lists are data the county edits."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .register import Facility


class Bilingual(models.Model):
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class Level(models.TextChoices):
    """The level of care a list entry or a standard applies to."""

    VILLAGE = "village", _("Village clinic")
    TOWNSHIP = "township", _("Township health centre")


class Medicine(Bilingual):
    """An entry of the national essential-medicines list (国家基本药物目录), as reference data:
    ``level`` is the lowest level expected to dispense it (a village-level medicine is
    expected at the township too)."""

    class Group(models.TextChoices):
        CHEMICAL = "chemical", _("Chemical and biological")
        PATENT = "patent", _("Chinese patent medicine")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    level = models.CharField(_("expected from"), max_length=10, choices=Level.choices)
    essential = models.BooleanField(_("on the essential list"), default=True)
    keywords = models.CharField(_("other names"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("medicine")
        verbose_name_plural = _("medicines")


class Dispensing(models.Model):
    """A medicine ``facility`` may dispense (and whether it has it in stock)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="dispensing")
    medicine = models.ForeignKey(Medicine, on_delete=models.PROTECT, related_name="+")
    in_stock = models.BooleanField(_("in stock"), default=True)

    class Meta:
        verbose_name = _("medicine dispensed")
        verbose_name_plural = _("medicines dispensed")
        constraints = [
            models.UniqueConstraint(fields=["facility", "medicine"], name="dispensing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.medicine_id}"


class MedicineRequest(models.Model):
    """A resident's order for a medicine ``facility`` lacks (read from the order by
    ``medicine_requests_collect``): what the clinics' lists fall short of."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    medicine = models.ForeignKey(Medicine, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))

    class Meta:
        verbose_name = _("medicine request")
        verbose_name_plural = _("medicine requests")

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.medicine_id} ({self.requested_on})"


class EquipmentType(Bilingual):
    """A kind of equipment with its expected service life (years)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    expected_life_years = models.PositiveSmallIntegerField(_("expected life (years)"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("equipment type")
        verbose_name_plural = _("equipment types")


class StandardItem(models.Model):
    """The national configuration of a standard facility of ``kind``: ``quantity`` working
    items of ``equipment_type`` it should have."""

    kind = models.CharField(_("facility kind"), max_length=16)
    equipment_type = models.ForeignKey(EquipmentType, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("standard item")
        verbose_name_plural = _("standard configuration")
        constraints = [
            models.UniqueConstraint(fields=["kind", "equipment_type"], name="standard_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.equipment_type_id} × {self.quantity}"


class EquipmentState(models.TextChoices):
    WORKING = "working", _("Working")
    DEGRADED = "degraded", _("Degraded")
    BROKEN = "broken", _("Broken")


class Equipment(models.Model):
    """An item of equipment at a facility. ``expected_life_years`` empty: the type's.
    ``uses_per_month``: how much it is used (tests, sessions)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="equipment")
    equipment_type = models.ForeignKey(EquipmentType, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("item"), max_length=200, blank=True)
    purchased_on = models.DateField(_("purchased on"))
    expected_life_years = models.PositiveSmallIntegerField(
        _("expected life (years)"), null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=8, choices=EquipmentState.choices, default=EquipmentState.WORKING
    )
    last_service_on = models.DateField(_("last serviced"), null=True, blank=True)
    uses_per_month = models.PositiveIntegerField(_("uses a month"), default=0)
    replacement_cost = models.DecimalField(
        _("replacement cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    class Meta:
        ordering = ["facility_id", "equipment_type_id", "pk"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return self.label or f"{self.equipment_type_id} ({self.purchased_on})"
