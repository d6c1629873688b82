"""The facilities app's admin: each part keeps its own block of registrations."""

from __future__ import annotations

from django.contrib import admin

# --- activities (issue 10, item 8) ----------------------------------------------------------
# The kinds of activity are reference data the county extends with its own customs. The
# activities themselves change only through their services (the lifecycle), so they are
# not edited here.
from minsheng.facilities.models import ActivityKind


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "field")
    list_filter = ("field",)
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("field", "code")
