"""Helpers of the equipment tests: a small standard of one's own, items written directly,
and the snapshot a refusal must leave as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minsheng.core.errors import DomainError
from minsheng.facilities.models import (
    Equipment,
    EquipmentEvent,
    EquipmentType,
    Facility,
    StandardItem,
)


def small_standard(kind: str = "clinic") -> dict[str, EquipmentType]:
    """Replace ``kind``'s standard with three lines of new types: a couch (life 10, 1
    required), a thermometer (life 3, 2 required), an ECG (life 8, 1, not required)."""
    StandardItem.objects.filter(kind=kind).delete()
    types = {
        "couch": EquipmentType.objects.create(
            code="t-couch", name_zh="床", name_en="Couch", expected_life_years=10
        ),
        "thermo": EquipmentType.objects.create(
            code="t-thermo", name_zh="体温计", name_en="Thermo", expected_life_years=3
        ),
        "ecg": EquipmentType.objects.create(
            code="t-ecg", name_zh="心电图机", name_en="ECG", expected_life_years=8
        ),
    }
    StandardItem.objects.create(kind=kind, equipment_type=types["couch"], quantity=1)
    StandardItem.objects.create(kind=kind, equipment_type=types["thermo"], quantity=2)
    StandardItem.objects.create(kind=kind, equipment_type=types["ecg"], quantity=1, required=False)
    return types


def item(
    facility: Facility,
    equipment_type: EquipmentType,
    purchased_on: date,
    *,
    state: str = "working",
    uses: int = 0,
    cost: str | None = None,
    **fields: Any,
) -> Equipment:
    return Equipment.objects.create(
        facility=facility,
        equipment_type=equipment_type,
        purchased_on=purchased_on,
        state=state,
        uses_per_month=uses,
        replacement_cost=Decimal(cost) if cost is not None else None,
        **fields,
    )


def snapshot() -> dict[str, Any]:
    """Everything a refused call must leave as it was."""
    return {
        "items": list(Equipment.objects.order_by("pk").values()),
        "events": EquipmentEvent.objects.count(),
    }


def refused(
    call: Callable[[], object],
    *,
    error: type[DomainError] = DomainError,
    errors: list[tuple[str, str | None]],
) -> DomainError:
    """``call`` raises exactly ``error`` with these (code, field) pairs and writes nothing."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot() == before
    return info.value
