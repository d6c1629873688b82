"""The titles of a library: added, changed, removed and imported (CSV/XLSX) by its keepers
and managers; every bad row reported with its number and reason, and nothing written on
error unless told to skip bad rows."""

from __future__ import annotations

import pytest
from django.utils import timezone

from minsheng.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from minsheng.facilities.models import FacilityEvent, Kind, Title
from minsheng.facilities.services import collections as svc
from tests.facilities.collections_helpers import (
    add_titles,
    csv_bytes,
    library,
    refused,
    snapshot,
    xlsx_bytes,
)
from tests.facilities.factories import make_facility

pytestmark = pytest.mark.django_db

FULL = ["title", "author", "subject", "year", "copies", "loans", "isbn"]


def rows_of(facility):
    return list(
        Title.objects.filter(facility=facility)
        .order_by("pk")
        .values_list("title", "author", "subject", "year", "copies", "loans", "isbn")
    )


def do_import(world, facility, data, filename="titles.csv", **kw):
    return svc.titles_import(
        actor=world.grid_worker, facility_id=facility.pk, data=data, filename=filename, **kw
    )


def test_import_writes_every_row_and_records_it(world):
    shop = library(world)
    data = csv_bytes(
        [
            ["水稻高产栽培技术", "张三", "S", 2022, 3, 7, "978-7-109-12345-6"],
            ["  平凡的世界 ", "路遥", "i", 2017, 2, "", ""],
        ],
        FULL,
    )
    summary = do_import(world, shop, data)
    assert (summary.written, summary.removed, summary.skipped) == (2, 0, [])
    assert rows_of(shop) == [
        ("水稻高产栽培技术", "张三", "S", 2022, 3, 7, "9787109123456"),
        ("平凡的世界", "路遥", "I", 2017, 2, 0, ""),
    ]
    assert set(Title.objects.values_list("added_on", flat=True)) == {timezone.localdate()}
    event = FacilityEvent.objects.get(facility=shop)
    assert (event.action, event.actor_id, event.note, event.audience) == (
        "imported",
        world.grid_worker.pk,
        "藏书导入：2 种",
        "staff",
    )


def test_import_from_xlsx(world):
    shop = library(world)
    data = xlsx_bytes([["活着", "余华", "I", 2012, 4, 9, ""]], FULL)
    assert do_import(world, shop, data, "titles.xlsx").written == 1
    assert rows_of(shop) == [("活着", "余华", "I", 2012, 4, 9, "")]


def test_every_bad_row_is_reported_and_nothing_is_written(world):
    shop = library(world)
    add_titles(shop, [("旧书", "D", 2000, 1, 0)])
    year = timezone.localdate().year
    data = csv_bytes(
        [
            ["好书", "", "S", 2020, 1, 0, ""],
            ["", "", "S", 2020, 1, 0, ""],  # row 3
            ["书", "", "W", "20二0", 0, -2, "123"],  # row 4: four faults
            ["书", "", "S", year + 1, 1, 0, ""],  # row 5
            ["书", "x" * 201, "S", 999, 1, 0, ""],  # row 6
        ],
        FULL,
    )
    exc = refused(
        lambda: do_import(world, shop, data),
        error=svc.RowsRefused,
        errors=[
            ("title_required", "title"),
            ("unknown_class", "subject"),
            ("not_year", "year"),
            ("not_copies", "copies"),
            ("not_loans", "loans"),
            ("not_isbn", "isbn"),
            ("year_in_future", "year"),
            ("year_too_old", "year"),
            ("too_long", "author"),
        ],
    )
    assert isinstance(exc, svc.RowsRefused)
    assert [e.row for e in exc.rows] == [3, 4, 4, 4, 4, 4, 5, 6, 6]
    assert str(exc.errors[6].message) == (
        f"Row 5, year: The year {year + 1} is later than the reference year {year}."
    )


def test_skipping_bad_rows_writes_the_good_ones(world):
    shop = library(world)
    data = csv_bytes([["好书", "S", 2020, 1], ["坏书", "S", 2020, 0], ["又一本", "R", 2021, 2]])
    summary = do_import(world, shop, data, skip_bad_rows=True)
    assert summary.written == 2
    assert [(e.row, e.code) for e in summary.skipped] == [(3, "not_copies")]
    assert [r[0] for r in rows_of(shop)] == ["好书", "又一本"]
    assert FacilityEvent.objects.get(facility=shop).note == "藏书导入：2 种，跳过 1 行"


def test_skipping_writes_nothing_when_no_row_is_good(world):
    shop = library(world)
    data = csv_bytes([["坏书", "S", 2020, 0]])
    refused(
        lambda: do_import(world, shop, data, skip_bad_rows=True, replace=True),
        error=svc.RowsRefused,
        errors=[("not_copies", "copies")],
    )


def test_replace_removes_the_old_titles(world):
    shop = library(world)
    other = library(world, region=world.village_b, keepers=[])
    add_titles(shop, [("旧书一", "D", 2000, 1, 0), ("旧书二", "D", 2001, 1, 0)])
    add_titles(other, [("别处的书", "I", 2020, 1, 0)])
    summary = do_import(world, shop, csv_bytes([["新书", "S", 2024, 5]]), replace=True)
    assert (summary.written, summary.removed) == (1, 2)
    assert rows_of(shop) == [("新书", "", "S", 2024, 5, 0, "")]
    assert rows_of(other) == [("别处的书", "", "I", 2020, 1, 0, "")]


@pytest.mark.parametrize(
    ("data", "code", "text"),
    [
        (csv_bytes([["书", 2020]], ["title", "year"]), "missing_columns",
         "The table lacks the columns: subject, copies."),
        (csv_bytes([]), "empty_file", "The table has no titles under its header."),
        (b"PK\x03\x04 not a workbook", "unreadable", "The file is not a readable XLSX workbook."),
    ],
)  # fmt: skip
def test_a_file_that_is_no_table_of_titles_is_refused(world, data, code, text):
    shop = library(world)
    exc = refused(lambda: do_import(world, shop, data), errors=[(code, "file")])
    assert str(exc.errors[0].message) == text


def test_only_keepers_and_managers_change_a_collection(world):
    shop = library(world)
    data = csv_bytes([["书", "S", 2020, 1]])
    for outsider in (world.resident, world.dispatcher_b, world.provider_staff):
        refused(
            lambda u=outsider: svc.titles_import(
                actor=u, facility_id=shop.pk, data=data, filename="t.csv"
            ),
            error=PermissionDenied,
            errors=[("not_permitted", None)],
        )
    for insider in (world.dispatcher_a, world.county_admin):
        svc.titles_import(actor=insider, facility_id=shop.pk, data=data, filename="t.csv")
    assert Title.objects.filter(facility=shop).count() == 2


def test_a_facility_without_a_collection_is_refused(world):
    clinic = make_facility(world.village_a, Kind.CLINIC, keepers=[world.grid_worker])
    refused(
        lambda: svc.title_add(
            actor=world.grid_worker,
            facility_id=clinic.pk,
            data=svc.TitleInput(title="书", subject="S", year="2020", copies="1"),
        ),
        error=Conflict,
        errors=[("not_a_library", None)],
    )
    refused(
        lambda: svc.title_add(actor=world.county_admin, facility_id=10**9, data=svc.TitleInput()),
        error=NotFound,
        errors=[("invalid", "facility")],
    )


def test_add_change_and_remove_a_title(world):
    shop = library(world)
    title = svc.title_add(
        actor=world.grid_worker,
        facility_id=shop.pk,
        data=svc.TitleInput(title="活着", subject="i", year="2012", copies="3", author="余华"),
    )
    assert rows_of(shop) == [("活着", "余华", "I", 2012, 3, 0, "")]
    svc.title_update(
        actor=world.dispatcher_a,
        facility_id=shop.pk,
        title_id=title.pk,
        data=svc.TitleInput(title="活着", subject="I", year="2018", copies="5", loans="12"),
    )
    assert rows_of(shop) == [("活着", "", "I", 2018, 5, 12, "")]
    svc.title_remove(actor=world.grid_worker, facility_id=shop.pk, title_id=title.pk)
    assert rows_of(shop) == []
    assert list(
        FacilityEvent.objects.filter(facility=shop).order_by("pk").values_list("note", flat=True)
    ) == ["藏书新增：《活着》×3", "藏书修改：《活着》×5", "藏书移除：《活着》"]


def test_a_bad_title_is_refused_field_by_field(world):
    shop = library(world)
    year = timezone.localdate().year
    refused(
        lambda: svc.title_add(
            actor=world.grid_worker,
            facility_id=shop.pk,
            data=svc.TitleInput(title=" ", subject="Y", year=str(year + 1), copies="0"),
        ),
        errors=[
            ("title_required", "title"),
            ("unknown_class", "subject"),
            ("year_in_future", "year"),
            ("not_copies", "copies"),
        ],
    )


def test_a_title_of_another_library_is_not_found(world):
    shop = library(world)
    other = library(world, region=world.village_b)
    (theirs,) = add_titles(other, [("别处的书", "I", 2020, 1, 0)])
    before = snapshot()
    with pytest.raises(DomainError) as info:
        svc.title_remove(actor=world.grid_worker, facility_id=shop.pk, title_id=theirs.pk)
    assert (type(info.value), info.value.codes) == (NotFound, ["no_title"])
    assert snapshot() == before
