from __future__ import annotations

from django.contrib import admin

from minsheng.catalog.models import (
    Category,
    Provider,
    Service,
    ServiceArea,
    ServiceAttribute,
    Synonym,
    UrgencyClass,
)


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ("code", "name_zh", "name_en", "position")


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "national", "position")
    list_filter = ("national",)
    search_fields = ("code", "name_zh", "name_en")
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "area", "position")
    list_filter = ("area",)
    search_fields = ("code", "name_zh", "name_en")
    list_select_related = ("area",)


@admin.register(UrgencyClass)
class UrgencyClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "review_limit", "accept_limit", "resolve_limit", "position")


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0
    fields = (
        "position",
        "code",
        "label_zh",
        "label_en",
        "datatype",
        "required",
        "choices",
        "minimum",
        "maximum",
        "whole_number",
        "earliest_days",
        "latest_days",
    )


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_zh",
        "category",
        "urgency",
        "delivery_mode",
        "dispatch_mode",
        "published",
    )
    list_filter = ("published", "dispatch_mode", "delivery_mode", "urgency", "category__area")
    search_fields = ("code", "name_zh", "name_en", "keywords")
    list_select_related = ("category", "urgency")
    filter_horizontal = ("regions",)
    inlines = [ServiceAttributeInline]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "kind", "daily_capacity", "active")
    list_filter = ("kind", "active")
    search_fields = ("name_zh", "name_en", "phone")
    filter_horizontal = ("regions", "categories", "staff")


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ("word", "means")
    search_fields = ("word", "means")
