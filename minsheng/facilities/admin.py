from __future__ import annotations

from django import forms
from django.contrib import admin

# --- equipment (issue 10, part 7): the reference data (types, the standard configuration)
# the county edits, and the items themselves (the register pages keep their history).
from minsheng.facilities.models import Equipment, EquipmentType, Kind, StandardItem


@admin.register(EquipmentType)
class EquipmentTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "expected_life_years")
    search_fields = ("code", "name_zh", "name_en")


class StandardItemForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=Kind.choices)

    class Meta:
        model = StandardItem
        fields = ("kind", "equipment_type", "quantity", "required")


@admin.register(StandardItem)
class StandardItemAdmin(admin.ModelAdmin):
    form = StandardItemForm
    list_display = ("kind", "equipment_type", "quantity", "required")
    list_filter = ("kind", "required")
    list_select_related = ("equipment_type",)


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "facility",
        "equipment_type",
        "state",
        "purchased_on",
        "last_service_on",
        "uses_per_month",
        "retired_on",
    )
    list_filter = ("state", "equipment_type")
    search_fields = ("label", "facility__name_zh", "facility__code")
    raw_id_fields = ("facility",)
    list_select_related = ("facility", "equipment_type")


# --- end of equipment
