"""The demand snapshot: what was ordered, what went unmet and what people asked for, per
month, village and service area (``AreaDemand``) and per menu item (``ServiceDemand``),
with each village's population that month (``VillageMonth``).

Written only by ``insights.services.demand_snapshot`` (the ``demand_snapshot`` command and
the nightly task), never in a request; a month is replaced whole in one transaction. Every
figure is defined in ``docs/demand.md``; the pages, the REST API, the map and the estimate
read these tables only, and so will the planning (indicators, budget, siting).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VillageMonth(models.Model):
    """A village in a computed month: its population then (the denominator of every rate),
    and that the month was computed for it (a village with no demand still has a row)."""

    month = models.DateField(_("month"))  # the first day of the month
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "regions.Region",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    population = models.PositiveIntegerField(_("population"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["month", "village"]
        verbose_name = _("village month")
        verbose_name_plural = _("village months")
        constraints = [
            models.UniqueConstraint(fields=["month", "village"], name="villagemonth_once")
        ]
        indexes = [models.Index(fields=["month", "township"], name="villagemonth_township")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.village_id}"


class DemandCounts(models.Model):
    """The counts both tables share (see docs/demand.md for each)."""

    month = models.DateField(_("month"))
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "regions.Region",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    area = models.ForeignKey(
        "catalog.ServiceArea",
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    placed = models.PositiveIntegerField(_("orders placed"), default=0)
    unmet = models.PositiveIntegerField(_("orders unmet"), default=0)
    suggestions = models.PositiveIntegerField(_("suggestions"), default=0)
    supports = models.PositiveIntegerField(_("supports"), default=0)
    stated = models.PositiveIntegerField(_("stated needs"), default=0)

    class Meta:
        abstract = True


class AreaDemand(DemandCounts):
    """One village's demand in one service area in one month; rows only where some count
    is not zero. ``unmet`` counts each order once; the reasons may overlap."""

    declined = models.PositiveIntegerField(_("declined by a provider"), default=0)
    rejected = models.PositiveIntegerField(_("rejected at review"), default=0)
    overdue = models.PositiveIntegerField(_("overdue (escalated)"), default=0)
    reopened = models.PositiveIntegerField(_("reopened: not solved"), default=0)
    unsatisfied = models.PositiveIntegerField(_("rated dissatisfied"), default=0)

    class Meta:
        ordering = ["month", "village", "area"]
        verbose_name = _("area demand")
        verbose_name_plural = _("area demand")
        constraints = [
            models.UniqueConstraint(fields=["month", "village", "area"], name="areademand_once")
        ]
        indexes = [models.Index(fields=["month", "township"], name="areademand_township")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.village_id} {self.area_id}"


class ServiceDemand(DemandCounts):
    """One village's demand for one menu item in one month (orders of that item, survey
    choices naming it, suggestions to change it); rows only where some count is not zero."""

    service = models.ForeignKey(
        "catalog.Service", verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["month", "village", "service"]
        verbose_name = _("service demand")
        verbose_name_plural = _("service demand")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "village", "service"], name="servicedemand_once"
            )
        ]
        indexes = [models.Index(fields=["month", "township"], name="servicedemand_township")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.village_id} {self.service_id}"
