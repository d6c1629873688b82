from __future__ import annotations

from django.contrib import admin

from minsheng.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "level", "kind", "parent", "population")
    list_filter = ("level", "kind")
    search_fields = ("code", "name_zh", "name_en")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    ordering = ("code",)
    # Boundaries come only through `minsheng import_boundaries`, which checks them: an
    # outline typed here as raw JSON would be read by every order's placing unchecked.
    exclude = ("boundary",)
