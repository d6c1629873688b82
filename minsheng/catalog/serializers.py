"""JSON shapes of the catalog API: the menu, its areas and categories, and providers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from minsheng.catalog.models import (
    Category,
    Provider,
    Service,
    ServiceArea,
    ServiceAttribute,
    UrgencyClass,
)

_NAME_HELP = "In the request language (Chinese unless English is asked for and given)."


class ServiceAreaSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_NAME_HELP)

    class Meta:
        model = ServiceArea
        fields = ["code", "name", "name_zh", "name_en", "national", "position"]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_NAME_HELP)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Category
        fields = ["code", "name", "name_zh", "name_en", "area", "position"]
        read_only_fields = fields


def _seconds(value: Any) -> int:
    return int(value.total_seconds())


class UrgencyClassSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_NAME_HELP)
    review_limit_seconds = serializers.SerializerMethodField()
    accept_limit_seconds = serializers.SerializerMethodField()
    resolve_limit_seconds = serializers.SerializerMethodField()

    class Meta:
        model = UrgencyClass
        fields = [
            "code",
            "name",
            "name_zh",
            "name_en",
            "review_limit_seconds",
            "accept_limit_seconds",
            "resolve_limit_seconds",
            "position",
        ]
        read_only_fields = fields

    def get_review_limit_seconds(self, obj: UrgencyClass) -> int:
        return _seconds(obj.review_limit)

    def get_accept_limit_seconds(self, obj: UrgencyClass) -> int:
        return _seconds(obj.accept_limit)

    def get_resolve_limit_seconds(self, obj: UrgencyClass) -> int:
        return _seconds(obj.resolve_limit)


class ChoiceSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class AttributeSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text=_NAME_HELP)
    choices = serializers.SerializerMethodField()

    class Meta:
        model = ServiceAttribute
        fields = [
            "code",
            "label",
            "datatype",
            "required",
            "position",
            "choices",
            "minimum",
            "maximum",
            "whole_number",
            "earliest_days",
            "latest_days",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "minimum": {"help_text": "A number question's least answer (null: none)."},
            "maximum": {"help_text": "A number question's greatest answer (null: none)."},
            "whole_number": {"help_text": "A number question takes whole numbers only."},
            "earliest_days": {
                "help_text": "A date question's first day, in days from the day the order "
                "is placed (0: not before that day; null: no bound)."
            },
            "latest_days": {
                "help_text": "A date question's last day, in days from the day the order is "
                "placed (30: within 30 days; null: no bound)."
            },
        }

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_choices(self, obj: ServiceAttribute) -> list[dict[str, str]]:
        return [{"key": key, "name": name} for key, name in obj.choice_pairs()]


class ServiceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_NAME_HELP)
    description = serializers.CharField(read_only=True, help_text=_NAME_HELP)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    area = serializers.SerializerMethodField()
    urgency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Service
        fields = [
            "code",
            "name",
            "name_zh",
            "name_en",
            "description",
            "area",
            "category",
            "urgency",
            "delivery_mode",
            "dispatch_mode",
            "published",
            "keywords",
        ]
        read_only_fields = fields

    def get_area(self, obj: Service) -> str:
        return obj.category.area.code


class ServiceDetailSerializer(ServiceSerializer):
    attributes = AttributeSerializer(many=True, read_only=True)
    offered_in = serializers.SerializerMethodField(
        help_text="Codes of the regions it is offered in (each covers everything below it)."
    )

    class Meta(ServiceSerializer.Meta):
        fields = [*ServiceSerializer.Meta.fields, "attributes", "offered_in"]
        read_only_fields = fields

    def get_offered_in(self, obj: Service) -> list[str]:
        return sorted(r.code for r in obj.regions.all())


class ProviderSerializer(serializers.ModelSerializer):
    """Public fields for everyone; capacity, phone and base point for dispatch staff only."""

    name = serializers.CharField(read_only=True, help_text=_NAME_HELP)
    regions = serializers.SerializerMethodField(help_text="Codes of the regions served.")
    categories = serializers.SerializerMethodField(help_text="Codes of the categories served.")
    daily_capacity = serializers.SerializerMethodField(help_text="Dispatch staff only, else null.")
    phone = serializers.SerializerMethodField(help_text="Dispatch staff only, else null.")
    latitude = serializers.SerializerMethodField(help_text="Dispatch staff only, else null.")
    longitude = serializers.SerializerMethodField(help_text="Dispatch staff only, else null.")

    class Meta:
        model = Provider
        fields = [
            "id",
            "name",
            "name_zh",
            "name_en",
            "kind",
            "active",
            "regions",
            "categories",
            "daily_capacity",
            "phone",
            "latitude",
            "longitude",
        ]
        read_only_fields = fields

    def _staff(self) -> bool:
        return bool(self.context.get("staff"))

    def get_regions(self, obj: Provider) -> list[str]:
        return sorted(r.code for r in obj.regions.all())

    def get_categories(self, obj: Provider) -> list[str]:
        return sorted(c.code for c in obj.categories.all())

    def get_daily_capacity(self, obj: Provider) -> int | None:
        return obj.daily_capacity if self._staff() else None

    def get_phone(self, obj: Provider) -> str | None:
        return obj.phone if self._staff() else None

    def get_latitude(self, obj: Provider) -> float | None:
        return obj.latitude if self._staff() else None

    def get_longitude(self, obj: Provider) -> float | None:
        return obj.longitude if self._staff() else None
