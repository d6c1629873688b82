"""Read-only admin for what was sent: operators look up a failed SMS, never edit one."""

from __future__ import annotations

from django.contrib import admin

from minsheng.core.admin import ReadOnlyMixin
from minsheng.notify.models import Delivery, Message, Preference


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "channel",
        "address",
        "template",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "channel", "template")
    search_fields = ("address", "key", "about", "provider_message_id")
    date_hierarchy = "created_at"


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "template", "about", "read_at")
    list_filter = ("template",)
    search_fields = ("recipient__username", "key", "about")
    list_select_related = ("recipient",)


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "sms", "email", "quiet_start", "quiet_end", "updated_at")
    search_fields = ("user__username",)
    list_select_related = ("user",)
