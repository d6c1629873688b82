"""The facilities app in the admin: each part registers its models here (reference data the
county edits, and rows to look up). Medicines (issue 10, item 6) first."""

from __future__ import annotations

from django.contrib import admin

from minsheng.facilities.models import Dispensing, Medicine, MedicineRequest


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
