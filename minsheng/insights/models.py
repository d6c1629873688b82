"""The demand snapshot: what was ordered, what went unmet and what people asked for, per
month, village and service area (``AreaDemand``) and per menu item (``ServiceDemand``),
with each village's population that month (``VillageMonth``).

Written only by ``insights.services.demand_snapshot`` (the ``demand_snapshot`` command and
the nightly task), never in a request; a month is replaced whole in one transaction. Every
figure is defined in ``docs/demand.md``; the pages, the REST API, the map and the estimate
read these tables only, and so will the planning (indicators, budget, siting).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.catalog.models import BilingualName


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


# --- Balance (issue 11): indicators, their snapshots, the money model and saved runs ---------
#
# Written by ``insights.balance.indicator_snapshot`` (the ``indicator_snapshot``
# command and the monthly task), never in a request; a month is replaced whole in one
# transaction. Every indicator and figure is defined in ``docs/balance.md``.


class Indicator(BilingualName):
    """A measure of one service area with the standard it should reach.

    ``attainment = value / standard`` (for a measure where less is better, ``standard /
    value``) makes areas comparable; an area's attainment is the weighted mean of its
    indicators' attainments, each capped at 1 so a surplus in one does not hide a shortfall
    in another. Computed indicators are measured by the platform (``code`` names the
    function in ``insights.indicators``); imported ones come from ``ImportedValue`` rows.
    """

    class Dimension(models.TextChoices):
        SUPPLY = "supply", _("Supply")
        ACCESS = "access", _("Access")
        USE = "use", _("Use")
        OUTCOME = "outcome", _("Outcome")
        VARIETY = "variety", _("Variety")

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed by the platform")
        IMPORTED = "imported", _("Imported statistics")

    class StandardBasis(models.TextChoices):
        NATIONAL = "national", _("National standard")
        PROVINCIAL = "provincial", _("Provincial standard")
        COUNTY = "county", _("County standard")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    # None: the service as a whole, across areas (the three rates of the order loop, the
    # survey score): shown as general outcomes and the happiness index, in no area's stave.
    area = models.ForeignKey(
        "catalog.ServiceArea",
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.COMPUTED
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    standard = models.FloatField(_("standard"))
    standard_basis = models.CharField(
        _("standard basis"), max_length=12, choices=StandardBasis.choices
    )
    standard_note = models.CharField(_("where the standard comes from"), max_length=300, blank=True)
    weight = models.FloatField(_("weight within its area"), default=1.0)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["area__position", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(standard__gt=0), name="indicator_standard_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="indicator_weight_positive"
            ),
        ]


class ImportedValue(models.Model):
    """A statistic the platform does not measure, imported from CSV/XLSX for one region and
    month (the latest import of a region and month wins; the snapshot reads these)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="imported"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    value = models.FloatField(_("value"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    imported_at = models.DateTimeField(_("imported at"))
    source_note = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["month", "indicator", "region"]
        verbose_name = _("imported value")
        verbose_name_plural = _("imported values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "month"], name="importedvalue_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.indicator_id} {self.region_id}"


class IndicatorValue(models.Model):
    """Snapshot: one indicator's value in one region (village, township or the county) in
    one month, with the region's population then and the attainment of the standard."""

    month = models.DateField(_("month"))
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.FloatField(_("value"))
    standard = models.FloatField(_("standard"))  # the standard when computed (kept for trends)
    attainment = models.FloatField(_("attainment"))  # uncapped value/standard
    population = models.PositiveIntegerField(_("population"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["month", "indicator", "region"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "indicator", "region"], name="indicatorvalue_once"
            )
        ]
        indexes = [models.Index(fields=["month", "region"], name="indicatorvalue_region")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.indicator_id} {self.region_id}"


class AreaAttainment(models.Model):
    """Snapshot: one service area's attainment in one region and month (the stave of the
    barrel), with the gap to the standard in people and in yuan.

    - ``attainment``: weighted mean of the area's indicators' capped attainments;
    - ``gap_people``: population x (1 - attainment) where below 1, else 0 (residents'
      worth of service short of the standard);
    - ``gap_yuan``: the spending that lifts attainment to 1 through the area's
      ``SpendingBand`` costs (0 where there are no bands: then None is shown as unknown);
    - ``weakest_indicator``: the area's indicator with the lowest attainment.
    """

    month = models.DateField(_("month"))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "catalog.ServiceArea",
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    attainment = models.FloatField(_("attainment"))
    population = models.PositiveIntegerField(_("population"))
    gap_people = models.FloatField(_("gap in people"))
    gap_yuan = models.FloatField(_("gap in yuan"), null=True, blank=True)
    weakest_indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("weakest indicator"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["month", "region", "area"]
        verbose_name = _("area attainment")
        verbose_name_plural = _("area attainments")
        constraints = [
            models.UniqueConstraint(fields=["month", "region", "area"], name="areaattainment_once")
        ]
        indexes = [models.Index(fields=["month", "area"], name="areaattainment_area")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_id} {self.area_id}"


class SpendingBand(models.Model):
    """The cost of raising an area's attainment between ``lower`` and ``upper``: yuan per
    resident for a whole point (1.0) of attainment. Bands of one area rise in cost, so
    returns to spending diminish (a concave, piecewise-linear response). For a cell of
    population p starting at attainment a, the band's capacity is
    ``(upper - max(lower, a)) * yuan_per_resident * p`` yuan and its gain per 10,000 yuan
    is ``10000 / (yuan_per_resident * p)``. ``rural`` None applies to both kinds of place."""

    area = models.ForeignKey(
        "catalog.ServiceArea",
        verbose_name=_("service area"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    rural = models.BooleanField(_("rural"), null=True, blank=True)
    lower = models.FloatField(_("from attainment"))
    upper = models.FloatField(_("to attainment"))
    yuan_per_resident = models.FloatField(_("yuan per resident per point"))

    class Meta:
        ordering = ["area", "rural", "lower"]
        verbose_name = _("spending band")
        verbose_name_plural = _("spending bands")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lower__gte=0) & models.Q(upper__gt=models.F("lower")),
                name="spendingband_range",
            ),
            models.CheckConstraint(
                condition=models.Q(yuan_per_resident__gt=0), name="spendingband_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.lower:g}–{self.upper:g}"


class LocalWeight(models.Model):
    """因地制宜: how much a region's own priorities weigh an area in the allocation (1 is
    neutral; a mountain township may weigh elderly care 1.5)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(
        "catalog.ServiceArea",
        verbose_name=_("service area"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    weight = models.FloatField(_("weight"))

    class Meta:
        ordering = ["region", "area"]
        verbose_name = _("local weight")
        verbose_name_plural = _("local weights")
        constraints = [
            models.UniqueConstraint(fields=["region", "area"], name="localweight_once"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="localweight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.area_id} {self.weight:g}"


class PlanningRun(models.Model):
    """A saved allocation or siting run: its inputs and results as computed, who ran it and
    when (readable by whoever may see planning in the run's scope)."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Budget allocation")
        SITING = "siting", _("Siting")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    scope = models.ForeignKey(
        "regions.Region", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("snapshot month"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    inputs = models.JSONField(_("inputs"))
    result = models.JSONField(_("result"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("run at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.pk}"
