"""JSON shapes of the order API: parse and check types only; the rules live in services.

The input serializer turns a request body into an :class:`OrderInput` and refuses what is
not even the right shape (a string where a number goes, answers that are not an object,
fields nobody asked for). Whether the place, the service or an answer is *acceptable* is
``order_submit``'s decision, so the web form, the API and Open311 refuse the same things
with the same codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from minsheng.orders.models import Channel, Order
from minsheng.orders.services import OrderInput

# Generous bounds on raw input: the service applies the real limits and words them.
MAX_CODE = 100
MAX_FIELD = 10_000
MAX_ANSWERS = 100
MAX_CHOICES = 100


class StrictFloatField(serializers.FloatField):
    """A number, or a numeric string; never ``true``/``false`` (``float(True)`` is 1.0)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        value: float = super().to_internal_value(data)
        return value


def _text(max_length: int = MAX_FIELD) -> serializers.CharField:
    # trim_whitespace=False: the service strips, and counts the limits itself.
    return serializers.CharField(
        required=False, allow_blank=True, max_length=max_length, trim_whitespace=False
    )


def _bad_text(value: str) -> bool:
    """NUL and lone surrogates: PostgreSQL (text and jsonb) and UTF-8 refuse them."""
    return "\x00" in value or any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)


class OrderInputSerializer(serializers.Serializer):
    """The body of ``POST /api/v1/orders/``; ``.order_input()`` once it is valid."""

    service = _text(MAX_CODE)
    area = _text(MAX_CODE)
    description = _text()
    region = serializers.CharField(max_length=MAX_CODE)
    latitude = StrictFloatField(required=False, allow_null=True)
    longitude = StrictFloatField(required=False, allow_null=True)
    address = _text()
    answers = serializers.JSONField(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    contact_name = _text()
    contact_phone = _text()

    default_error_messages = {
        "unknown_field": _("Unknown field."),
        "not_object": _("Give a JSON object."),
    }

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                {"non_field_errors": [self.error_messages["not_object"]]}, code="not_object"
            )
        unknown = sorted(str(k) for k in data if k not in self.fields)
        if unknown:
            raise serializers.ValidationError(
                {
                    key: [
                        serializers.ErrorDetail(
                            str(self.error_messages["unknown_field"]), code="unknown_field"
                        )
                    ]
                    for key in unknown
                }
            )
        return super().to_internal_value(data)

    def validate_answers(self, value: Any) -> dict[str, Any]:
        """An object whose values are strings, numbers, null or lists of strings/numbers."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise serializers.ValidationError(
                _("Give the answers as an object of code: value."), code="not_object"
            )
        if len(value) > MAX_ANSWERS:
            raise serializers.ValidationError(_("Too many answers."), code="too_many")
        for key, answer in value.items():
            if _bad_text(key) or len(key) > MAX_CODE:
                raise serializers.ValidationError(_("Invalid question code."), code="invalid")
            items = answer if isinstance(answer, list) else [answer]
            if isinstance(answer, list) and len(answer) > MAX_CHOICES:
                raise serializers.ValidationError(_("Too many choices."), code="too_many")
            for item in items:
                if item is None and not isinstance(answer, list):
                    continue
                if isinstance(item, bool) or not isinstance(item, str | int | float):
                    raise serializers.ValidationError(
                        _("Each answer is a string, a number or a list of them."),
                        code="invalid",
                    )
                if isinstance(item, str) and (_bad_text(item) or len(item) > MAX_FIELD):
                    raise serializers.ValidationError(_("Invalid answer text."), code="invalid")
        return value

    def order_input(self, *, default_channel: str = Channel.API) -> OrderInput:
        d = self.validated_data
        return OrderInput(
            region_code=d["region"],
            service_code=d.get("service", ""),
            area_code=d.get("area", ""),
            description=d.get("description", ""),
            answers=d.get("answers") or {},
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            address=d.get("address", ""),
            channel=d.get("channel") or default_channel,
            contact_name=d.get("contact_name", ""),
            contact_phone=d.get("contact_phone", ""),
        )


def _iso(value: Any) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


def order_json(order: Order) -> dict[str, Any]:
    """The API's view of an order (the related rows must already be joined)."""
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "service": order.service.code if order.service is not None else None,
        "area": order.area.code,
        "region": order.region.code,
        "channel": order.channel,
        "created_at": _iso(order.created_at),
        "step_deadline": _iso(order.step_deadline),
        "resolve_deadline": _iso(order.resolve_deadline),
    }
