from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A node of the administrative tree: county → township → village."""

    class Level(models.TextChoices):
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village")

    class Kind(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.RURAL)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # The village's (or township's) outline: a GeoJSON Polygon or MultiPolygon in WGS84
    # longitude/latitude, checked by ``regions.geometry.read_boundary`` when imported.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="region_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="region_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(level="county") | models.Q(parent__isnull=False),
                name="region_parent_required_below_county",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = get_language() or "zh-hans"
        if lang.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def township_id(self) -> int | None:
        """The id of the township this region is in (itself for a township)."""
        if self.level == self.Level.TOWNSHIP:
            return self.pk
        if self.level == self.Level.VILLAGE:
            return self.parent_id
        return None

    @property
    def township(self) -> Region | None:
        """The township this region is in (itself for a township): no query for a village
        loaded with ``select_related("parent")``."""
        if self.level == self.Level.TOWNSHIP:
            return self
        if self.level == self.Level.VILLAGE:
            return self.parent
        return None

    def ancestor_ids(self) -> list[int]:
        """This region's id and its ancestors', nearest first.

        The level says how many ancestors there are, so the walk never loads the county
        just to learn it has no parent (a village loaded with ``select_related("parent")``
        costs no query at all).
        """
        ids = [self.pk]
        node = self
        for remaining in range(LEVEL_DEPTH[self.level], 0, -1):
            if node.parent_id is None:
                break
            ids.append(node.parent_id)
            if remaining > 1:
                node = node.parent  # type: ignore[assignment]
        return ids


LEVEL_DEPTH: dict[str, int] = {"county": 0, "township": 1, "village": 2}
