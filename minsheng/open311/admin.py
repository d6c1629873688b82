"""Admin for client applications' API keys and the Open311 rows of orders.

A key is created through ``api_key_create``: the raw key is shown once, in a message after
saving, and never again (only its digest is stored). Keys are revoked, never deleted: the
requests they created keep pointing at them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from minsheng.core.admin import ReadOnlyMixin
from minsheng.open311 import services
from minsheng.open311.models import ApiKey, ServiceRequest


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "contact", "created_at", "revoked_at", "request_count")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "contact")
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["name", "contact", "rate_limit"]
        return ["name", "contact", "rate_limit", "prefix", "created_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["prefix", "created_at", "revoked_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiKey]:
        return super().get_queryset(request).annotate(num_requests=Count("requests"))

    @admin.display(description=_("requests"), ordering="num_requests")
    def request_count(self, obj: ApiKey) -> int:
        return int(getattr(obj, "num_requests", 0))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ModelForm, change: bool) -> None:
        if change:
            services.api_key_change(
                key_id=obj.pk, name=obj.name, contact=obj.contact, rate_limit=obj.rate_limit
            )
            return
        key, raw = services.api_key_create(
            name=obj.name, contact=obj.contact, rate_limit=obj.rate_limit
        )
        # The admin goes on to log and redirect with ``obj``: make it the created row.
        obj.pk, obj.prefix, obj.digest, obj.created_at = (
            key.pk,
            key.prefix,
            key.digest,
            key.created_at,
        )
        obj._state.adding = False
        messages.warning(
            request,
            _("The new API key is %(key)s — copy it now: it is not shown again.") % {"key": raw},
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        ids = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        for pk in ids:
            services.api_key_revoke(key_id=pk)
        self.message_user(
            request,
            ngettext("%(n)d key revoked.", "%(n)d keys revoked.", len(ids)) % {"n": len(ids)},
        )


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("order", "api_key", "source", "source_id", "token")
    list_select_related = ("order", "api_key")
    list_filter = ("api_key",)
    search_fields = ("token", "source_id", "order__id")
    # The person's phone is the order's contact: read (and its reading logged) on the order.
    exclude = ("phone",)
    readonly_fields = [f.name for f in ServiceRequest._meta.fields if f.name != "phone"]
