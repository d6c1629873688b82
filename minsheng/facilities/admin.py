"""The facilities app in the admin: the reference data the county edits (medicines, equipment
types, the standard configuration, activity kinds) and rows to look up; each part keeps its
own block of registrations."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from minsheng.facilities.models import (
    ActivityKind,
    Dispensing,
    Equipment,
    EquipmentType,
    Kind,
    Medicine,
    MedicineRequest,
    StandardItem,
)


# --- medicines (issue 10, item 6) ---
@admin.register(Medicine)
class MedicineAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "group", "level", "essential")
    list_filter = ("group", "level", "essential")
    search_fields = ("code", "name_zh", "name_en", "keywords")


@admin.register(Dispensing)
class DispensingAdmin(admin.ModelAdmin):
    list_display = ("facility", "medicine", "in_stock")
    list_filter = ("in_stock", "medicine__level")
    search_fields = ("facility__code", "facility__name_zh", "medicine__code", "medicine__name_zh")
    list_select_related = ("facility", "medicine")
    raw_id_fields = ("facility",)


@admin.register(MedicineRequest)
class MedicineRequestAdmin(admin.ModelAdmin):
    list_display = ("requested_on", "facility", "medicine", "township", "order")
    list_filter = ("medicine",)
    date_hierarchy = "requested_on"
    search_fields = ("facility__code", "facility__name_zh", "medicine__name_zh")
    list_select_related = ("facility", "medicine", "township")
    raw_id_fields = ("order", "facility", "township")


# --- equipment (issue 10, part 7): the reference data (types, the standard configuration)
# the county edits, and the items themselves (the register pages keep their history).


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
# --- activities (issue 10, item 8) ----------------------------------------------------------
# The kinds of activity are reference data the county extends with its own customs. The
# activities themselves change only through their services (the lifecycle), so they are
# not edited here.


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "field")
    list_filter = ("field",)
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("field", "code")
