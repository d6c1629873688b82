"""Helpers of the register part's tests: an entry from text, what a refusal must leave as
it was, and a small CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from minsheng.core.errors import DomainError
from minsheng.facilities.models import Facility, FacilityEvent, FacilityPhoto, PortalViews
from minsheng.facilities.services import register as svc

TODAY = date(2026, 5, 4)


def raw(**fields: str) -> dict[str, str]:
    """A good bookshop entry in V1 (the world's village), changed by ``fields``."""
    values = {
        "code": "v1-bookshop",
        "name_zh": "甲村农家书屋",
        "name_en": "V1 bookshop",
        "kind": "bookshop",
        "status": "open",
        "region": "V1",
        "latitude": "30.01",
        "longitude": "110.01",
        "address": "村委会一楼",
        "hours": "1-5 09:00-17:00; 6-7 09:00-12:00",
        "contact_name": "王老师",
        "contact_phone": "13800000001",
        "services": "meal-delivery",
        "capacity": "30",
        "population_served": "800",
        "opened_on": "2019-05-01",
    }
    values.update(fields)
    return values


def entry(**fields: str) -> svc.Entry:
    read, problems = svc.read_entry(raw(**fields), lookups=svc.Lookups.load(), today=TODAY)
    assert problems == []
    assert read is not None
    return read


def snapshot() -> dict[str, Any]:
    return {
        "facilities": list(Facility.objects.order_by("pk").values()),
        "services": list(Facility.services.through.objects.order_by("pk").values()),
        "keepers": list(Facility.keepers.through.objects.order_by("pk").values()),
        "events": FacilityEvent.objects.count(),
        "photos": FacilityPhoto.objects.count(),
        "views": list(PortalViews.objects.order_by("pk").values()),
    }


def refused(
    call: Callable[[], object],
    *,
    errors: list[tuple[str, str | None]],
    error: type[DomainError] = DomainError,
) -> DomainError:
    """``call`` raises exactly ``error`` with these (code, field) pairs; nothing changed."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot() == before
    return info.value


def csv_bytes(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    columns = columns or svc.COLUMNS
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(row.get(c, "") for c in columns))
    return ("\n".join(lines) + "\n").encode()
