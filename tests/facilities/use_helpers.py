"""Helpers of the use part's tests: what a refusal must leave unchanged, and a refusal
asserted with its exact codes and fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minsheng.core.errors import DomainError
from minsheng.facilities.models import CounterDevice, FacilityEvent, UseCount


def snapshot() -> dict[str, Any]:
    """Every row the use part writes, as it is."""
    return {
        "counts": list(UseCount.objects.order_by("pk").values()),
        "devices": list(CounterDevice.objects.order_by("pk").values()),
        "events": FacilityEvent.objects.count(),
    }


def refused(
    call: Callable[[], object],
    *,
    error: type[DomainError] = DomainError,
    errors: list[tuple[str, str | None]],
) -> DomainError:
    """Assert ``call`` raises exactly ``error`` with exactly these (code, field) pairs and
    that nothing was written."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot() == before
    return info.value


def counts_of(facility: Any, source: str | None = None) -> list[tuple[str, str, int, str]]:
    """(day, kind, count, source) of ``facility``'s counts, oldest first."""
    qs = UseCount.objects.filter(facility=facility)
    if source is not None:
        qs = qs.filter(source=source)
    return [
        (d.isoformat(), k, n, s)
        for d, k, n, s in qs.order_by("day", "kind", "source").values_list(
            "day", "kind", "count", "source"
        )
    ]
