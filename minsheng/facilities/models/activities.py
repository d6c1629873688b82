"""Activities: new content for rural life, held at facilities and in villages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .health import Bilingual
from .register import Facility


class ActivityKind(Bilingual):
    """A kind of activity (opera, film night, square dance, reading club, health talk,
    farming class…), as reference data a county extends with its own customs."""

    class Field(models.TextChoices):
        CULTURE = "culture", _("Culture")
        SPORTS = "sports", _("Sports")
        EDUCATION = "education", _("Education")
        HEALTH = "health", _("Health")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    field = models.CharField(_("field"), max_length=10, choices=Field.choices)

    class Meta:
        ordering = ["field", "code"]
        verbose_name = _("activity kind")
        verbose_name_plural = _("activity kinds")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Announced")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    """An activity in ``village`` (at ``facility`` if there is one), announced to the
    village, with sign-up, attendance (``attendance`` counts everyone who came, signed up or
    not) and residents' ratings. ``custom`` says how it fits local customs."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.ForeignKey(ActivityKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    custom = models.CharField(_("local custom it fits"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    # issue 10, activities: why it was called off (everyone who signed up reads it)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["village", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class Signup(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up at"))

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="signup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.user_id}"


class ActivityRating(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score (1-5)"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("activity rating")
        verbose_name_plural = _("activity ratings")
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="activity_rating_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="activity_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.score}"
