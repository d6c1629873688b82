"""Read-only admin for orders: history is changed only through the order services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from minsheng.core.admin import ReadOnlyMixin
from minsheng.orders.models import Order, OrderEvent, Rating


class OrderEventInline(ReadOnlyMixin, admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "action",
        "old_status",
        "new_status",
        "actor",
        "provider",
        "round",
        "note",
    )
    readonly_fields = fields
    ordering = ("created_at", "pk")
    show_change_link = False


class RatingInline(ReadOnlyMixin, admin.TabularInline):
    model = Rating
    extra = 0
    can_delete = False
    fields = (
        "round",
        "via",
        "contacted",
        "solved",
        "satisfaction",
        "comment",
        "rated_by",
        "valid",
        "created_at",
    )
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "title",
        "status",
        "township",
        "provider",
        "created_at",
        "step_deadline",
        "escalated_at",
    )
    list_filter = ("status", "channel", "urgency", "area", "township")
    search_fields = ("pk", "description", "contact_name", "contact_phone", "address")
    list_select_related = ("service", "area", "township", "provider")
    date_hierarchy = "created_at"
    inlines = [OrderEventInline, RatingInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Order._meta.fields]


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "order",
        "action",
        "old_status",
        "new_status",
        "actor",
        "provider",
        "created_at",
    )
    list_filter = ("action",)
    list_select_related = ("order", "actor", "provider")
    date_hierarchy = "created_at"
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in OrderEvent._meta.fields]


@admin.register(Rating)
class RatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "order",
        "round",
        "via",
        "contacted",
        "solved",
        "satisfaction",
        "valid",
        "township",
        "provider",
        "created_at",
    )
    list_filter = ("via", "satisfaction", "solved", "contacted", "valid")
    list_select_related = ("order", "township", "provider")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Rating._meta.fields]
