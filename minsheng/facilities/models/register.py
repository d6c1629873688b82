"""The facility register: what the county built, where, when it is open, what it offers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from minsheng.orders.models import AppendOnly, Audience, ImmutableQuerySet


class Kind(models.TextChoices):
    BOOKSHOP = "bookshop", _("Rural bookshop / library")
    CLINIC = "clinic", _("Village clinic")
    HEALTH_CENTRE = "health_centre", _("Township health centre")
    CULTURAL = "cultural", _("Cultural station")
    SPORTS = "sports", _("Sports ground")
    ELDERLY = "elderly", _("Elderly-care point")
    ROAD = "road", _("Road section")
    BRIDGE = "bridge", _("Bridge")
    WATER = "water", _("Water supply")
    LIGHTS = "lights", _("Street lights")


# Infrastructure is maintained, not visited: it has no opening hours or use counts of its own,
# and is never flagged idle.
INFRASTRUCTURE = frozenset({Kind.ROAD, Kind.BRIDGE, Kind.WATER, Kind.LIGHTS})
# Kinds that hold a collection of books (issue 10, part 5).
LIBRARIES = frozenset({Kind.BOOKSHOP})
# Kinds that dispense medicines and are held to the standard equipment of a clinic.
HEALTH = frozenset({Kind.CLINIC, Kind.HEALTH_CENTRE})


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", pgettext_lazy("facility status", "Open")
    CLOSED = "closed", _("Closed temporarily")
    ABANDONED = "abandoned", _("Abandoned")


class Condition(models.TextChoices):
    """The physical state of the building or the infrastructure asset, as last inspected."""

    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    FAILED = "failed", _("Out of use")


class Facility(models.Model):
    """A public facility or infrastructure asset in a village or township.

    ``township`` is ``region``'s township (or ``region`` itself), kept for scope filters and
    set by ``facility_create``/``facility_update`` only. ``population_served`` 0 means the
    population of ``region``. ``opening_hours`` is a list of ``{"days": [0-6 Monday first],
    "opens": "HH:MM", "closes": "HH:MM"}``; ``facilities.hours`` parses and checks it.
    ``keepers`` are the accounts that run it day to day (the village librarian, the clinic's
    doctor): they enter its use, collection, medicines and equipment.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "regions.Region",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.JSONField(_("opening hours"), default=list, blank=True)
    hours_note = models.CharField(_("note on hours"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    services = models.ManyToManyField(
        "catalog.Service", verbose_name=_("services delivered"), blank=True, related_name="+"
    )
    provider = models.ForeignKey(
        "catalog.Provider",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(_("capacity (people a day)"), null=True, blank=True)
    population_served = models.PositiveIntegerField(
        _("population served"), default=0, help_text=_("0: the population of its region.")
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    # The asset's life and money (part 9): what it cost, how long it is built to last, how it is.
    built_cost = models.DecimalField(
        _("cost to build (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    design_life_years = models.PositiveSmallIntegerField(
        _("design life (years)"), null=True, blank=True
    )
    condition = models.CharField(
        _("condition"), max_length=8, choices=Condition.choices, default=Condition.GOOD
    )
    inspected_on = models.DateField(_("last inspected"), null=True, blank=True)
    keepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("keepers"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["township_id", "region_id", "kind", "code"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["township"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in Kind]), name="facility_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]),
                name="facility_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="facility_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="facility_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="facility_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def is_infrastructure(self) -> bool:
        return self.kind in INFRASTRUCTURE


class FacilityAction(models.TextChoices):
    CREATED = "created", _("registered")
    UPDATED = "updated", _("updated")
    STATUS = "status", _("status changed")
    IMPORTED = "imported", _("imported")
    PHOTO = "photo", _("photo added")
    FLAGGED = "flagged", _("flagged idle")
    FOLLOWED_UP = "followed_up", _("follow-up closed")
    DEVICE = "device", _("counter device")
    NOTE = "note", _("note")


class FacilityEvent(AppendOnly):
    """One step of a facility's history, with who may read it."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=FacilityAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    audience = models.CharField(
        _("who may read it"), max_length=8, choices=Audience.choices, default=Audience.STAFF
    )
    created_at = models.DateTimeField(_("at"))

    objects = ImmutableQuerySet["FacilityEvent"].as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("facility event")
        verbose_name_plural = _("facility events")


class FacilityPhoto(models.Model):
    """A published photo of a facility, re-encoded like an order photo (no metadata)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(_("photo"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=20)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("facility photo")
        verbose_name_plural = _("facility photos")

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.width}×{self.height}"


class PortalViews(models.Model):
    """How many times the facility's public page was opened on a day (one row per day,
    counted with ``F()``): whether residents can find it."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("portal views")
        verbose_name_plural = _("portal views")
        constraints = [
            models.UniqueConstraint(fields=["facility", "day"], name="portal_views_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.day}: {self.views}"
