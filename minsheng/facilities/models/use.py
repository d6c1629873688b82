"""Use: daily counts per facility, the devices that post them, and idle flags with their
follow-up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .register import Facility, Kind


class UseKind(models.TextChoices):
    VISITS = "visits", _("Visits")
    LOANS = "loans", _("Loans")
    CONSULTATIONS = "consultations", _("Consultations")
    BOOKINGS = "bookings", _("Bookings")
    ORDERS = "orders", _("Orders delivered here")


class UseSource(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    IMPORT = "import", _("Imported")
    DEVICE = "device", _("Counter device")
    ORDERS = "orders", _("Orders delivered")


class CounterDevice(models.Model):
    """A counter at a facility's door (or a loans desk) that posts its daily counts through
    the API. The key is shown once; only its SHA-256 is kept, with a prefix to find it."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="devices")
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("key prefix"), max_length=12, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    last_seen_at = models.DateTimeField(_("last posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("counter device")
        verbose_name_plural = _("counter devices")

    def __str__(self) -> str:
        return self.name


class UseCount(models.Model):
    """How many of ``kind`` happened at ``facility`` on ``day``, from one source. A later
    entry from the same source for the same day and kind replaces the count (a device posts
    its running total); each source is kept apart so they never double count."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="use_counts")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=14, choices=UseKind.choices)
    count = models.PositiveIntegerField(_("count"))
    source = models.CharField(_("source"), max_length=8, choices=UseSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    device = models.ForeignKey(
        CounterDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-day", "kind"]
        verbose_name = _("use count")
        verbose_name_plural = _("use counts")
        indexes = [models.Index(fields=["facility", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "day", "kind", "source"], name="use_count_one_per_source"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in UseKind]), name="use_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.day} {self.kind}: {self.count}"


class Cause(models.TextChoices):
    """A likely cause of idleness the platform can see (``facilities.idleness``)."""

    PUBLICITY = "publicity", _("Few residents know of it (low portal views, no survey awareness)")
    STALE = "stale", _("The collection is old")
    ONE_KIND = "one_kind", _("The collection is all of one kind")
    HOURS = "hours", _("Its hours do not fit when residents ask")
    EQUIPMENT = "equipment", _("Equipment broken")
    MAINTENANCE = "maintenance", _("Maintenance overdue")


class FlagStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up status", "Open")
    CLOSED = "closed", _("Closed")


class IdleFlag(models.Model):
    """A facility found idle on ``computed_on``: its use per served resident against its
    peers and its own trend, the causes seen (``causes``: a list of ``{"code", "figure",
    "detail"}``), and the follow-up task it opens (owner, deadline) that closes only with a
    recorded action. At most one open flag per facility."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="idle_flags")
    computed_on = models.DateField(_("computed on"))
    use_per_resident = models.FloatField(_("use per served resident (90 days)"))
    peer_median = models.FloatField(_("peers' median"))
    peer_count = models.PositiveIntegerField(_("peers compared"))
    trend = models.FloatField(_("trend (last 90 days / the 90 before)"), null=True, blank=True)
    causes = models.JSONField(_("likely causes"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=6, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follow-up owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("follow-up due"))
    action = models.TextField(_("action taken"), blank=True, max_length=2000)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("flagged at"))

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("idle flag")
        verbose_name_plural = _("idle flags")
        constraints = [
            models.UniqueConstraint(
                fields=["facility"],
                condition=models.Q(status="open"),
                name="idle_flag_one_open_per_facility",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(action=""),
                name="idle_flag_closed_with_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} ({self.computed_on})"


class AwarenessQuestion(models.Model):
    """A survey question that asks residents whether they know their village's facility of
    ``kind`` (idle part): ``choice`` is the answer meaning "I know it". Awareness in a
    village = respondents of that village choosing ``choice`` / respondents of that village
    answering ``question`` (``selectors.idle.awareness_by_village``). County staff set these."""

    question = models.ForeignKey(
        "voice.Question",
        verbose_name=_("survey question"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    choice = models.ForeignKey(
        "voice.Choice",
        verbose_name=_('the answer "I know it"'),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("facility kind"), max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("set at"))

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("awareness question")
        verbose_name_plural = _("awareness questions")
        constraints = [
            models.UniqueConstraint(fields=["choice", "kind"], name="awareness_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.question_id}/{self.choice_id}"
