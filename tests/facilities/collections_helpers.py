"""Helpers of the collections tests: a library with titles, tables as files, and the
snapshot a refused call must leave as it was."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from minsheng.core.errors import DomainError
from minsheng.facilities.models import Facility, FacilityEvent, Kind, Title
from tests.facilities.factories import make_facility

HEADER = ["title", "subject", "year", "copies"]


def library(world: Any, *, region: Any = None, **fields: Any) -> Facility:
    """An open bookshop in V1 (township T1) kept by the grid worker (the village librarian)."""
    fields.setdefault("keepers", [world.grid_worker])
    return make_facility(region or world.village_a, Kind.BOOKSHOP, **fields)


def add_titles(facility: Facility, rows: list[tuple[str, str, int, int, int]]) -> list[Title]:
    """(title, subject, year, copies, loans) rows, written directly."""
    today = timezone.localdate()
    return Title.objects.bulk_create(
        [
            Title(
                facility=facility,
                title=t,
                subject=s,
                year=y,
                copies=c,
                loans=n,
                added_on=today,
            )
            for t, s, y, c, n in rows
        ]
    )


def csv_bytes(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    lines = [",".join(header or HEADER)] + [",".join(str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet: Any = book.active
    sheet.append(header or HEADER)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot() -> dict[str, Any]:
    return {
        "titles": sorted(Title.objects.values_list("facility_id", "title", "subject", "year",
                                                   "copies", "loans", "author", "isbn")),
        "events": FacilityEvent.objects.count(),
    }  # fmt: skip


def refused(
    call: Callable[[], object],
    *,
    error: type[DomainError] = DomainError,
    errors: list[tuple[str, str | None]],
) -> DomainError:
    """``call`` raises exactly ``error`` with these (code, field) pairs; nothing changed."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot() == before
    return info.value
