"""Importing use counts (``use_counts_import`` and ``minsheng use_import``): every bad row
with its number and reason, nothing written on error unless told to skip bad rows, a dry
run by default."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from minsheng.facilities.models import Kind, Status, UseCount
from minsheng.facilities.services.use import use_counts_import
from tests.facilities.factories import make_facility
from tests.facilities.use_helpers import counts_of, refused, snapshot

pytestmark = pytest.mark.django_db


def _csv(*lines: str) -> bytes:
    return ("\n".join(["facility,date,kind,count", *lines]) + "\n").encode("utf-8")


@pytest.fixture
def places(world: Any) -> Any:
    world.shop = make_facility(world.village_a, code="v1-bookshop", keepers=[world.grid_worker])
    world.clinic = make_facility(world.village_b, Kind.CLINIC, code="v2-clinic", capacity=40)
    world.road = make_facility(world.town_a, Kind.ROAD, code="t1-road")
    world.planned = make_facility(world.village_a, code="v1-planned", status=Status.PLANNED)
    return world


def _bad_file(places: Any) -> bytes:
    today = timezone.localdate()
    future = (today + timedelta(days=1)).isoformat()
    return _csv(
        "v1-bookshop,2026-03-01,visits,12",  # 2: good
        "v1-bookshop,2026-03-01,loans,7",  # 3: good
        "nowhere,2026-03-01,visits,1",  # 4: unknown facility
        f"v1-bookshop,{future},visits,1",  # 5: future
        "v1-bookshop,2026-03-02,consultations,1",  # 6: not at a bookshop
        "v2-clinic,2026-03-01,consultations,401",  # 7: over 10 x 40
        "v2-clinic,2026-03-01,visits,-3",  # 8: negative
        "v1-bookshop,2026-03-01,visits,13",  # 9: duplicate of row 2
        "t1-road,2026-03-01,visits,1",  # 10: infrastructure
        "v1-planned,2026-03-01,visits,1",  # 11: planned
        "v2-clinic,01/03/2026,visits,abc",  # 12: two faults
        "",
        "v2-clinic,2026-03-01,visits,40",  # 14: good
    )


def test_every_bad_row_is_reported_and_nothing_is_written(places: Any) -> None:
    before = snapshot()
    result = use_counts_import(
        actor=None, data=_bad_file(places), filename="counts.csv", commit=True
    )
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (4, "facility", "facility_not_found"),
        (5, "date", "future_date"),
        (6, "kind", "kind_not_fitting"),
        (7, "count", "absurd"),
        (8, "count", "negative"),
        (9, None, "duplicate_row"),
        (10, "facility", "facility_not_in_use"),
        (11, "facility", "facility_not_in_use"),
        (12, "date", "not_date"),
        (12, "count", "not_number"),
    ]
    assert result.rows == 12
    assert len(result.planned) == 3
    assert (result.written, result.committed) == (0, False)
    assert snapshot() == before


def test_skip_bad_rows_imports_the_good_ones(places: Any) -> None:
    result = use_counts_import(
        actor=None,
        data=_bad_file(places),
        filename="counts.csv",
        commit=True,
        skip_bad_rows=True,
    )
    assert (result.written, result.committed, result.facilities) == (3, True, 2)
    assert counts_of(places.shop) == [
        ("2026-03-01", "loans", 7, "import"),
        ("2026-03-01", "visits", 12, "import"),
    ]
    assert counts_of(places.clinic) == [("2026-03-01", "visits", 40, "import")]


def test_a_dry_run_writes_nothing(places: Any) -> None:
    before = snapshot()
    result = use_counts_import(
        actor=None, data=_csv("v1-bookshop,2026-03-01,visits,12"), filename="c.csv"
    )
    assert (len(result.planned), result.errors, result.written) == (1, [], 0)
    assert snapshot() == before


def test_importing_again_replaces_the_imported_figure_only(places: Any) -> None:
    use_counts_import(
        actor=None,
        data=_csv("v1-bookshop,2026-03-01,visits,12", "v1-bookshop,2026-03-02,visits,5"),
        filename="c.csv",
        commit=True,
    )
    use_counts_import(
        actor=None, data=_csv("v1-bookshop,2026-03-01,VISITS,20"), filename="c.csv", commit=True
    )
    assert counts_of(places.shop) == [
        ("2026-03-01", "visits", 20, "import"),
        ("2026-03-02", "visits", 5, "import"),
    ]
    assert UseCount.objects.count() == 2


def test_a_keeper_imports_only_for_what_they_keep(places: Any) -> None:
    result = use_counts_import(
        actor=places.grid_worker,
        data=_csv("v1-bookshop,2026-03-01,visits,12", "v2-clinic,2026-03-01,visits,3"),
        filename="c.csv",
        commit=True,
    )
    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, "facility", "not_permitted")]
    assert result.written == 0


def test_an_xlsx_table_is_read_like_a_csv(places: Any) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Facility", "Date", "Kind", "Count"])
    sheet.append(["v2-clinic", "2026-03-01", "consultations", 25])
    out = io.BytesIO()
    book.save(out)
    result = use_counts_import(actor=None, data=out.getvalue(), filename="c.xlsx", commit=True)
    assert result.written == 1
    assert counts_of(places.clinic) == [("2026-03-01", "consultations", 25, "import")]


def test_a_table_without_the_columns_or_not_a_table_is_refused(places: Any) -> None:
    refused(
        lambda: use_counts_import(
            actor=None, data=b"facility,day,count\nv1-bookshop,2026-03-01,3\n", filename="c.csv"
        ),
        errors=[("missing_columns", "file")],
    )
    refused(
        lambda: use_counts_import(actor=None, data=b"PK\x03\x04broken", filename="c.xlsx"),
        errors=[("bad_file", "file")],
    )


def test_the_command_is_a_dry_run_unless_told(places: Any, tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_bytes(_csv("v1-bookshop,2026-03-01,visits,12"))
    out = io.StringIO()
    call_command("use_import", str(path), stdout=out)
    assert out.getvalue().splitlines() == [
        "1 rows, 1 good counts for 1 facilities, 0 bad rows",
        "Dry run: nothing was written. Run again with --commit to import.",
    ]
    assert UseCount.objects.count() == 0
    out = io.StringIO()
    call_command("use_import", str(path), "--commit", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Imported 1 counts."
    assert counts_of(places.shop) == [("2026-03-01", "visits", 12, "import")]


@pytest.mark.usefixtures("english")
def test_the_command_stops_on_a_bad_row_unless_skipping(places: Any, tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_bytes(_csv("v1-bookshop,2026-03-01,visits,12", "v1-bookshop,2026-03-01,loans,-1"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("use_import", str(path), "--commit", stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == ["row 3: count: A count cannot be negative. (negative)"]
    assert UseCount.objects.count() == 0
    call_command(
        "use_import", str(path), "--commit", "--skip-bad-rows", stdout=io.StringIO(),
        stderr=io.StringIO(),
    )  # fmt: skip
    assert counts_of(places.shop) == [("2026-03-01", "visits", 12, "import")]
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("use_import", str(tmp_path / "missing.csv"))


def test_skipping_when_every_row_is_bad_writes_nothing(places: Any) -> None:
    before = snapshot()
    result = use_counts_import(
        actor=None,
        data=_csv("nowhere,2026-03-01,visits,1"),
        filename="c.csv",
        commit=True,
        skip_bad_rows=True,
    )
    assert (result.written, len(result.errors)) == (0, 1)
    assert snapshot() == before


def test_loans_import_where_there_is_a_collection(places: Any) -> None:
    from minsheng.facilities.models import Title

    station = make_facility(places.town_a, Kind.CULTURAL, code="t1-cultural")
    data = _csv("t1-cultural,2026-03-01,loans,4")
    assert use_counts_import(actor=None, data=data, filename="c.csv").errors[0].code == (
        "kind_not_fitting"
    )
    Title.objects.create(
        facility=station,
        title="农技",
        subject="S",
        year=2024,
        copies=1,
        added_on=timezone.localdate(),
    )
    assert use_counts_import(actor=None, data=data, filename="c.csv", commit=True).written == 1
