"""The register's import (service and command): every bad row reported with its number,
column and reason; nothing written on error unless told to skip bad rows."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from minsheng.core.errors import Code
from minsheng.facilities.errors import RegisterCode
from minsheng.facilities.models import Facility, FacilityEvent
from minsheng.facilities.services import register as svc
from tests.facilities.factories import make_facility
from tests.facilities.register_helpers import csv_bytes, raw, snapshot
from tests.helpers import T0

pytestmark = pytest.mark.django_db


def _run(data: bytes, *, actor=None, commit=True, skip=False, filename="f.csv"):
    return svc.facilities_import(
        actor=actor, data=data, filename=filename, commit=commit, skip_bad_rows=skip, now=T0
    )


def _errors(result):
    return [(e.row, e.column, e.code) for e in result.errors]


def test_good_rows_create_and_update_by_code(world):
    make_facility(world.village_b, code="v2-clinic", kind="clinic", capacity=5, updated_at=T0)
    data = csv_bytes([raw(), raw(code="v2-clinic", kind="clinic", region="V2", capacity="9")])
    result = _run(data)
    assert (result.created, result.updated, result.errors, result.committed) == (
        ["v1-bookshop"],
        ["v2-clinic"],
        [],
        True,
    )
    assert Facility.objects.get(code="v2-clinic").capacity == 9
    assert Facility.objects.get(code="v1-bookshop").township_id == world.town_a.pk
    assert list(FacilityEvent.objects.order_by("pk").values_list("facility__code", "action")) == [
        ("v1-bookshop", "imported"),
        ("v2-clinic", "imported"),
    ]


def test_a_dry_run_writes_nothing(world):
    before = snapshot()
    result = _run(csv_bytes([raw()]), commit=False)
    assert (result.created, result.committed) == (["v1-bookshop"], False)
    assert snapshot() == before


@pytest.mark.usefixtures("english")
def test_every_bad_row_is_reported_and_nothing_is_written(world):
    future = (T0.date() + timedelta(days=3)).isoformat()
    rows = [
        raw(code="good-1"),
        raw(code="bad-kind", kind="castle"),  # row 3
        raw(code="bad-status", status="gone"),  # row 4
        raw(code="bad-region", region="XX"),  # row 5
        raw(code="bad-lat", latitude="95"),  # row 6
        raw(code="bad-cap", capacity="0"),  # row 7
        raw(code="bad-date", opened_on=future),  # row 8
        raw(code="bad-service", services="no-such"),  # row 9
        raw(code="bad-hours", hours="weekdays"),  # row 10
        raw(code="good-1"),  # row 11: repeated
    ]
    before = snapshot()
    result = _run(csv_bytes(rows))
    assert _errors(result) == [
        (3, "kind", RegisterCode.KIND_INVALID),
        (4, "status", RegisterCode.STATUS_INVALID),
        (5, "region", RegisterCode.REGION_UNKNOWN),
        (6, "latitude", Code.LATITUDE_RANGE),
        (7, "capacity", RegisterCode.CAPACITY_INVALID),
        (8, "opened_on", RegisterCode.DATE_IN_FUTURE),
        (9, "services", RegisterCode.SERVICE_UNKNOWN),
        (10, "hours", RegisterCode.HOURS_INVALID),
        (11, "code", RegisterCode.CODE_REPEATED),
    ]
    assert result.errors[-1].message == "This code is already on row 2."
    assert result.bad_rows == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert (result.created, result.committed) == ([], False)
    assert snapshot() == before


def test_skip_bad_rows_writes_the_good_ones(world):
    rows = [raw(code="good-1"), raw(code="bad-kind", kind="castle"), raw(code="good-2")]
    result = _run(csv_bytes(rows), skip=True)
    assert _errors(result) == [(3, "kind", RegisterCode.KIND_INVALID)]
    assert (result.created, result.committed) == (["good-1", "good-2"], True)
    assert sorted(Facility.objects.values_list("code", flat=True)) == ["good-1", "good-2"]


def test_missing_and_unknown_columns_refuse_the_file(world):
    data = csv_bytes([{"code": "x", "name_zh": "x"}], columns=["code", "name_zh", "colour"])
    result = _run(data)
    assert _errors(result) == [
        (1, "kind", RegisterCode.COLUMN_MISSING),
        (1, "status", RegisterCode.COLUMN_MISSING),
        (1, "region", RegisterCode.COLUMN_MISSING),
        (1, "colour", RegisterCode.COLUMN_UNKNOWN),
    ]
    assert Facility.objects.count() == 0


def test_a_file_that_is_not_a_table_is_refused(world):
    result = _run(b"PK\x03\x04 broken", filename="f.xlsx")
    assert _errors(result) == [(1, None, RegisterCode.FILE_UNREADABLE)]


def test_an_illegal_status_change_on_an_existing_code_is_a_bad_row(world):
    make_facility(world.village_a, code="v1-bookshop", status="planned")
    result = _run(csv_bytes([raw(status="closed")]))
    assert _errors(result) == [(2, "status", RegisterCode.STATUS_TRANSITION)]
    assert Facility.objects.get(code="v1-bookshop").status == "planned"


def test_a_status_change_by_import_is_recorded(world):
    make_facility(world.village_a, code="v1-bookshop", status="planned", updated_at=T0)
    _run(csv_bytes([raw(status="open")]))
    facility = Facility.objects.get(code="v1-bookshop")
    assert facility.status == "open"
    assert list(FacilityEvent.objects.values_list("action", "note")) == [
        # the factory's place is V1's centre, as the row's (not a change)
        (
            "imported",
            "name_zh, name_en, address, opening_hours, contact_name, contact_phone, "
            "population_served, opened_on, services",
        ),
        ("status", "planned → open: row 2"),
    ]


def test_a_dispatcher_imports_only_in_their_township(world):
    rows = [raw(code="a"), raw(code="b", region="V2")]
    result = _run(csv_bytes(rows), actor=world.dispatcher_a)
    assert _errors(result) == [(3, "region", Code.NOT_PERMITTED)]
    assert Facility.objects.count() == 0


def test_an_xlsx_file_is_read_like_a_csv(world):
    book = Workbook()
    sheet = book.active
    sheet.append(svc.COLUMNS)
    good = raw()
    sheet.append([good[c] if c not in ("capacity",) else 30 for c in svc.COLUMNS])
    out = io.BytesIO()
    book.save(out)
    result = _run(out.getvalue(), filename="f.xlsx")
    assert (result.created, result.errors) == (["v1-bookshop"], [])
    assert Facility.objects.get().capacity == 30


def test_the_command_is_a_dry_run_unless_told(world, tmp_path, capsys):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes([raw()]))
    call_command("facilities_import", str(path))
    assert capsys.readouterr().out.strip() == (
        "dry run (nothing written): rows=1 created=1 updated=0 bad_rows=0"
    )
    assert Facility.objects.count() == 0
    call_command("facilities_import", str(path), "--commit")
    assert capsys.readouterr().out.strip() == ("committed: rows=1 created=1 updated=0 bad_rows=0")
    assert Facility.objects.get().code == "v1-bookshop"


@pytest.mark.usefixtures("english")
def test_the_command_prints_every_bad_row_and_fails(world, tmp_path, capsys):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes([raw(kind="castle"), raw(code="x2", capacity="-1")]))
    with pytest.raises(CommandError) as info:
        call_command("facilities_import", str(path), "--commit")
    assert info.value.returncode == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "row 2, kind: Not a kind of facility: one of bookshop, clinic, health_centre, cultural, "
        "sports, elderly, road, bridge, water, lights. [kind_invalid]",
        "row 3, capacity: Capacity is a whole number of people a day, at least 1. "
        "[capacity_invalid]",
    ]
    assert Facility.objects.count() == 0


def test_a_row_refused_while_writing_writes_nothing_and_names_its_row(world, monkeypatch):
    # a code taken between the check and the write (another import, a form) is a bad row
    real = svc.facility_create

    def racing(**kwargs):
        if kwargs["entry"].code == "second":
            make_facility(world.village_a, code="second")
        return real(**kwargs)

    monkeypatch.setattr(svc, "facility_create", racing)
    result = _run(csv_bytes([raw(code="first"), raw(code="second")]))
    assert _errors(result) == [(3, "code", RegisterCode.CODE_TAKEN)]
    assert result.committed is False
    assert Facility.objects.count() == 0  # the first row too (the racer's row was in it)
