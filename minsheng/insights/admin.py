"""The insights app in the admin: the balance models (issue 11). Indicators, spending bands
and local weights are reference data the county edits; the snapshots are read-only (they
are written by ``indicator_snapshot`` only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from minsheng.insights.models import (
    AreaAttainment,
    ImportedValue,
    Indicator,
    IndicatorValue,
    LocalWeight,
    PlanningRun,
    SpendingBand,
)


# --- indicators (issue 11) ---
@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = (
        "code", "name_zh", "area", "dimension", "source", "standard", "standard_basis",
        "weight", "active",
    )  # fmt: skip
    list_filter = ("area", "dimension", "source", "standard_basis", "active")
    search_fields = ("code", "name_zh", "name_en")
    list_select_related = ("area",)


@admin.register(ImportedValue)
class ImportedValueAdmin(admin.ModelAdmin):
    list_display = ("month", "indicator", "region", "value", "imported_at", "source_note")
    list_filter = ("indicator",)
    search_fields = ("indicator__code", "region__code", "region__name_zh")
    list_select_related = ("indicator", "region")
    raw_id_fields = ("region", "imported_by")


class SnapshotAdmin(admin.ModelAdmin):
    """Snapshot rows are computed, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SnapshotAdmin):
    list_display = ("month", "indicator", "region", "value", "standard", "attainment", "population")
    list_filter = ("month", "indicator")
    search_fields = ("indicator__code", "region__code", "region__name_zh")
    list_select_related = ("indicator", "region")


@admin.register(AreaAttainment)
class AreaAttainmentAdmin(SnapshotAdmin):
    list_display = (
        "month", "region", "area", "attainment", "population", "gap_people", "gap_yuan",
        "weakest_indicator",
    )  # fmt: skip
    list_filter = ("month", "area")
    search_fields = ("region__code", "region__name_zh")
    list_select_related = ("region", "area", "weakest_indicator")


@admin.register(SpendingBand)
class SpendingBandAdmin(admin.ModelAdmin):
    list_display = ("area", "rural", "lower", "upper", "yuan_per_resident")
    list_filter = ("area", "rural")


@admin.register(LocalWeight)
class LocalWeightAdmin(admin.ModelAdmin):
    list_display = ("region", "area", "weight")
    list_filter = ("area",)
    raw_id_fields = ("region",)
    list_select_related = ("region", "area")


@admin.register(PlanningRun)
class PlanningRunAdmin(SnapshotAdmin):
    list_display = ("created_at", "kind", "scope", "month", "name", "created_by")
    list_filter = ("kind",)
    list_select_related = ("scope", "created_by")
