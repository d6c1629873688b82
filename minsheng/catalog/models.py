from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The areas with their own icon under static/minsheng/icons/ (the national standard's nine).
AREA_ICONS = frozenset(
    {
        "childcare",
        "education",
        "employment",
        "health",
        "elderly",
        "housing",
        "vulnerable",
        "military",
        "culture-sports",
    }
)


class BilingualName(models.Model):
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


class ServiceArea(BilingualName):
    """An area of the national basic public service standard, or a local one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    national = models.BooleanField(_("national standard area"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    @property
    def icon(self) -> str:
        """The static path of the area's icon on the menu (a local area: a generic one)."""
        return f"minsheng/icons/area-{self.code if self.code in AREA_ICONS else 'other'}.svg"


class Category(BilingualName):
    area = models.ForeignKey(
        ServiceArea, verbose_name=_("area"), on_delete=models.PROTECT, related_name="categories"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["area__position", "position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class UrgencyClass(BilingualName):
    """Time limits for each step of an order (Beijing 12345 practice).

    ``resolve_limit`` runs from submission to delivery: emergency 2 h, utilities 24 h,
    general 7 days, complex 15 days. Review and acceptance each have their own, shorter
    limit; an overdue step is escalated, an overdue acceptance is re-dispatched.
    """

    code = models.SlugField(_("code"), max_length=20, unique=True)
    review_limit = models.DurationField(_("review limit"))
    accept_limit = models.DurationField(_("acceptance limit"))
    resolve_limit = models.DurationField(_("resolution limit"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("urgency class")
        verbose_name_plural = _("urgency classes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_limit__gt=timedelta(0))
                & models.Q(accept_limit__gt=timedelta(0))
                & models.Q(resolve_limit__gt=timedelta(0)),
                name="urgency_limits_positive",
            )
        ]


class Service(BilingualName):
    """An item of the published menu."""

    class DeliveryMode(models.TextChoices):
        FACILITY = "facility", _("At a facility")
        DOOR = "door", _("Door-to-door")
        ONLINE = "online", _("Online")

    class DispatchMode(models.TextChoices):
        MANUAL = "manual", _("Dispatcher chooses")
        AUTO = "auto", _("Automatic to the best candidate")
        GRAB = "grab", _("Providers grab (first come, first served)")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="services"
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=10, choices=DeliveryMode.choices
    )
    urgency = models.ForeignKey(
        UrgencyClass, verbose_name=_("urgency class"), on_delete=models.PROTECT
    )
    dispatch_mode = models.CharField(
        _("dispatch mode"), max_length=10, choices=DispatchMode.choices, default="manual"
    )
    regions = models.ManyToManyField(
        "regions.Region",
        verbose_name=_("offered in"),
        related_name="services",
        help_text=_("Offering it in a township or the county covers everything below it."),
    )
    published = models.BooleanField(_("published"), default=False)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)

    class Meta:
        ordering = ["category__area__position", "category__position", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    @property
    def description(self) -> str:
        if (get_language() or "").startswith("en") and self.description_en:
            return self.description_en
        return self.description_zh


class ServiceAttribute(models.Model):
    """A typed question asked when the service is ordered (Open311 attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLEVALUELIST = "singlevaluelist", _("Single choice")
        MULTIVALUELIST = "multivaluelist", _("Multiple choice")

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(_("code"), max_length=60)
    label_zh = models.CharField(_("question (Chinese)"), max_length=200)
    label_en = models.CharField(_("question (English)"), max_length=200, blank=True)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # [{"key": "a", "name_zh": "…", "name_en": "…"}, …] for the list types.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    # Bounds, checked on the server by orders.attributes.clean_answer (blank: no bound).
    # A number question's least and greatest answer, and whether it must be whole.
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    whole_number = models.BooleanField(_("whole numbers only"), default=False)
    # A date question's bounds, in days from the day the order is placed: 0 is that day,
    # -365 a year before it, 30 a month after. Relative, not absolute dates, so a menu
    # item's questions stay right year after year ("not before today", "within 30 days").
    earliest_days = models.IntegerField(
        _("earliest (days from the order day)"),
        null=True,
        blank=True,
        help_text=_("0: not before the day of the order; -365: at most a year before it."),
    )
    latest_days = models.IntegerField(
        _("latest (days from the order day)"),
        null=True,
        blank=True,
        help_text=_("0: not after the day of the order; 30: within 30 days of it."),
    )

    class Meta:
        # By the column, not the relation: ordering by "service" would join the service
        # and its category and area to sort by their orderings.
        ordering = ["service_id", "position", "pk"]
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="attribute_code_unique"),
            models.CheckConstraint(
                condition=models.Q(minimum__isnull=True)
                | models.Q(maximum__isnull=True)
                | models.Q(minimum__lte=models.F("maximum")),
                name="attribute_minimum_not_above_maximum",
            ),
            models.CheckConstraint(
                condition=models.Q(earliest_days__isnull=True)
                | models.Q(latest_days__isnull=True)
                | models.Q(earliest_days__lte=models.F("latest_days")),
                name="attribute_earliest_not_after_latest",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en") and self.label_en:
            return self.label_en
        return self.label_zh

    @property
    def is_list(self) -> bool:
        return self.datatype in (self.Datatype.SINGLEVALUELIST, self.Datatype.MULTIVALUELIST)

    def clean(self) -> None:
        """Bounds only where they mean something: numbers on number questions, days on
        date questions (the admin and ``full_clean`` ask this)."""
        errors: dict[str, str] = {}
        number_bounds = ("minimum", "maximum")
        day_bounds = ("earliest_days", "latest_days")
        if self.datatype != self.Datatype.NUMBER:
            for name in number_bounds:
                if getattr(self, name) is not None:
                    errors[name] = str(_("Only a number question has this bound."))
            if self.whole_number:
                errors["whole_number"] = str(_("Only a number question has this bound."))
        if self.datatype != self.Datatype.DATETIME:
            for name in day_bounds:
                if getattr(self, name) is not None:
                    errors[name] = str(_("Only a date question has this bound."))
        if errors:
            raise ValidationError(errors)

    def choice_pairs(self) -> list[tuple[str, str]]:
        en = (get_language() or "").startswith("en")
        return [
            (str(c["key"]), str((c.get("name_en") if en else None) or c.get("name_zh") or c["key"]))
            for c in self.choices
        ]


class Provider(BilingualName):
    """Who delivers: a department, a volunteer team, a social organisation, an enterprise."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Government department")
        VOLUNTEER = "volunteer", _("Volunteer team")
        SOCIAL = "social", _("Social organisation")
        ENTERPRISE = "enterprise", _("Enterprise")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    regions = models.ManyToManyField(
        "regions.Region",
        verbose_name=_("regions served"),
        related_name="providers",
        help_text=_("Serving a township or the county covers everything below it."),
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories served"), related_name="providers"
    )
    daily_capacity = models.PositiveIntegerField(_("orders per day"), default=10)
    latitude = models.FloatField(_("base latitude"), null=True, blank=True)
    longitude = models.FloatField(_("base longitude"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff accounts"),
        related_name="providers",
        blank=True,
    )

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(daily_capacity__gte=1), name="provider_capacity_positive"
            )
        ]


# --- Search words residents use (issue 8: the residents' menu) --------------------------------


class Synonym(models.Model):
    """A word residents use for what the menu calls otherwise: 看病 for the doctor, 没电 for
    a power fault. A search holding the word also looks for what it means (staff keep the
    list in the admin; ``catalog.selectors.search_terms``)."""

    word = models.CharField(
        _("word"),
        max_length=40,
        unique=True,
        help_text=_("As residents say it: 看病, 低保, 没电. A search containing it is widened."),
    )
    means = models.CharField(
        _("means"),
        max_length=200,
        help_text=_("Words of the menu it stands for, separated by spaces: 医生 卫生院 体检."),
    )

    class Meta:
        ordering = ["word"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(word="") & ~models.Q(means=""), name="synonym_not_blank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.word} → {self.means}"

    @property
    def terms(self) -> list[str]:
        return [t for t in re.split(r"[\s,，、;；]+", self.means) if t]
