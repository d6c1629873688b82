"""Read-only admin for orders: history is changed only through the order services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from minsheng.core.admin import ReadOnlyMixin
from minsheng.orders.models import ContactView, Order, OrderEvent, OrderPhoto, Rating
from minsheng.orders.services.contact import contact_views_record


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


class OrderPhotoInline(ReadOnlyMixin, admin.TabularInline):
    """Photos, linked to the view that checks who may see them (never a storage URL)."""

    model = OrderPhoto
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "uploaded_by", "width", "height", "bytes", "link")
    readonly_fields = fields
    ordering = ("created_at", "pk")

    @admin.display(description=_("photo"))
    def link(self, photo: OrderPhoto) -> str:
        url = reverse("order_photo", args=[photo.order_id, photo.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


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
    inlines = [OrderEventInline, RatingInline, OrderPhotoInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The contact as the policy lets this user read it, its showing logged (below).
        hidden = {"contact_name", "contact_phone"}
        return [f.name for f in Order._meta.fields if f.name not in hidden] + ["contact"]

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        order = super().get_object(request, object_id, from_field)
        if order is not None:
            shown = contact_views_record(
                user=request.user, orders=[order], where=ContactView.Where.ADMIN
            )
            order.contact_shown = shown[order.pk]
        return order

    @admin.display(description=_("contact"))
    def contact(self, obj: Order) -> str:
        shown = getattr(obj, "contact_shown", None)
        return f"{shown.name} {shown.phone}".strip() if shown is not None else ""


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
