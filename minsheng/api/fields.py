"""DRF fields and base serializers every REST adapter shares: strict about types and
unknown keys, so a client's mistake is a 400 naming the field, never a guess."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from minsheng.core.ids import MAX_ID
from minsheng.core.inputs import Invalid, read_bool, read_float, read_id


class StrictFloatField(serializers.FloatField):
    """A number, or a numeric string (``core.inputs.read_float``); never ``true``/``false``."""

    def to_internal_value(self, data: Any) -> float:
        try:
            return read_float(data)
        except Invalid:
            self.fail("invalid")
            raise  # unreachable: fail() raises


class IdField(serializers.IntegerField):
    """A row id (``core.inputs.read_id``): a positive whole number a bigint holds."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data: Any) -> int:
        try:
            return read_id(data)
        except Invalid:
            self.fail("invalid")
            raise  # unreachable: fail() raises


class StrictBooleanField(serializers.BooleanField):
    """Yes or no (``core.inputs.read_bool``): true/false, 1/0, yes/no; nothing else."""

    def to_internal_value(self, data: Any) -> bool:
        try:
            return read_bool(data)
        except Invalid:
            self.fail("invalid", input=data)
            raise  # unreachable: fail() raises


class StrictSerializer(serializers.Serializer):
    """A JSON object with only the declared fields: a typo is refused, never ignored."""

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
