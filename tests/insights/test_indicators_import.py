"""Imported statistics (``insights.balance.import_values``) and ``minsheng indicator_import``:
a dry run by default, every bad row reported with its number, column and reason, nothing
written if any row is bad."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from minsheng.core.errors import DomainError, PermissionDenied
from minsheng.insights.balance import import_values
from minsheng.insights.models import ImportedValue

pytestmark = pytest.mark.django_db

GOOD = (
    "indicator,region,month,value,source\n"
    "health_doctors_per_1000,T1,2026-05,2.4,卫健局年报\n"
    "health_doctors_per_1000,C,2026-05,3.1,\n"
    "elderly_beds_per_1000,T2,2026-04,18,\n"
)
BAD = (
    "indicator,region,month,value\n"
    "health_doctors_per_1000,T1,2026-05,2.4\n"  # row 2: good
    "no_such_code,T1,2026-05,1\n"  # row 3
    "response_rate,T1,2026-05,0.9\n"  # row 4: computed
    "health_doctors_per_1000,NOPE,2026-05,1\n"  # row 5
    "health_doctors_per_1000,T2,2026-13,1\n"  # row 6
    "health_doctors_per_1000,T2,2026-05,many\n"  # row 7
    "health_doctors_per_1000,V1,2026-05,-1\n"  # row 8
    "health_doctors_per_1000,T1,2026-05,2.5\n"  # row 9: repeats row 2
)


def _import(world: Any, text: str, **kw: Any) -> Any:
    return import_values(actor=None, data=text.encode(), filename="stats.csv", **kw)


def test_a_dry_run_writes_nothing(world):
    result = _import(world, GOOD)
    assert (result.rows, len(result.planned), result.errors) == (3, 3, [])
    assert not result.committed
    assert not ImportedValue.objects.exists()


def test_commit_writes_the_values_and_a_second_import_replaces_them(world):
    result = _import(world, GOOD, commit=True)
    assert result.committed and result.written == 3
    row = ImportedValue.objects.get(region__code="T1")
    assert (row.indicator.code, row.month, row.value, row.source_note) == (
        "health_doctors_per_1000",
        date(2026, 5, 1),
        2.4,
        "卫健局年报",
    )
    _import(world, "indicator,region,month,value\nhealth_doctors_per_1000,T1,2026-05,2.9\n",
            commit=True)  # fmt: skip
    assert ImportedValue.objects.count() == 3
    assert ImportedValue.objects.get(region__code="T1").value == 2.9


def test_every_bad_row_is_reported_and_nothing_written(world):
    result = _import(world, BAD, commit=True)
    assert not result.committed
    assert not ImportedValue.objects.exists()
    got = [(e.row, e.column, e.code) for e in result.errors]
    assert got == [
        (3, "indicator", "unknown_indicator"),
        (4, "indicator", "not_imported"),
        (5, "region", "unknown_region"),
        (6, "month", "not_month"),
        (7, "value", "not_number"),
        (8, "value", "negative"),
        (9, "indicator", "repeated"),
    ]
    assert "Row 2" in result.errors[-1].message


def test_missing_columns_refuse_the_file(world):
    with pytest.raises(DomainError) as exc:
        _import(world, "indicator,region,value\nx,T1,1\n")
    assert exc.value.codes == ["missing_columns"]
    assert "month" in str(exc.value.errors[0].message)


def test_xlsx_is_read_too(world):
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "region", "month", "value"])
    sheet.append(["culture_sports_area", "T2", "2026-05", 1.8])
    buf = io.BytesIO()
    book.save(buf)
    result = import_values(actor=None, data=buf.getvalue(), filename="s.xlsx", commit=True)
    assert result.written == 1
    assert ImportedValue.objects.get().value == 1.8


def test_only_county_administrators_import(world):
    with pytest.raises(PermissionDenied):
        import_values(actor=world.dispatcher_a, data=GOOD.encode(), filename="s.csv", commit=True)
    assert not ImportedValue.objects.exists()
    result = import_values(
        actor=world.county_admin, data=GOOD.encode(), filename="s.csv", commit=True
    )
    assert result.written == 3
    assert ImportedValue.objects.filter(imported_by=world.county_admin).count() == 3


# --- the command --------------------------------------------------------------------------------


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "stats.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_command_is_a_dry_run_unless_commit(world, tmp_path, capsys):
    path = _file(tmp_path, GOOD)
    call_command("indicator_import", path)
    assert "Dry run" in capsys.readouterr().out
    assert not ImportedValue.objects.exists()
    call_command("indicator_import", path, "--commit")
    assert "Imported 3 values." in capsys.readouterr().out
    assert ImportedValue.objects.count() == 3


def test_command_reports_bad_rows_and_exits_non_zero(world, tmp_path, capsys):
    with pytest.raises(CommandError, match="7 bad row"):
        call_command("indicator_import", _file(tmp_path, BAD), "--commit")
    err = capsys.readouterr().err
    assert "row 3: indicator: No indicator has this code. (unknown_indicator)" in err
    assert "row 8: value:" in err
    assert not ImportedValue.objects.exists()


def test_command_refuses_an_unreadable_file(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("indicator_import", str(tmp_path / "missing.csv"))
