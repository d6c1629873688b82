"""Importing items from CSV/XLSX: every bad row reported by its number and column, nothing
written unless bad rows are skipped; a file that cannot be read or lacks a required column
is refused whole."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from minsheng.core.errors import DomainError, PermissionDenied
from minsheng.facilities.models import Equipment, EquipmentEvent, Kind
from minsheng.facilities.services import equipment as svc
from tests.facilities.equipment_helpers import refused, snapshot
from tests.facilities.factories import make_facility
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

GOOD = (
    "type,label,purchased_on,state,uses_per_month,replacement_cost\n"
    "stethoscope,鱼跃听诊器,2022-05-01,,30,300\n"
    "glucose-meter,,2021-01-10,degraded,12,\n"
)


def future() -> str:
    return (timezone.localdate() + timedelta(days=2)).isoformat()


def bad_csv() -> str:
    return (
        "type,purchased_on,state,uses_per_month,last_service_on\n"
        "stethoscope,2022-05-01,working,3,\n"
        f"x-ray-9000,{future()},working,3,\n"
        "\n"
        "computer,2020-02-02,lost,-1,2019-01-01\n"
        "computer,2020-02-02,working,1,2019-01-01\n"
    )


@pytest.fixture
def clinic(world):
    return make_facility(world.village_a, Kind.CLINIC, keepers=[world.provider_staff])


def run(world, clinic, text: str, *, skip_bad: bool = False, user=None):
    return svc.equipment_import(
        actor=user or world.provider_staff,
        facility_id=clinic.pk,
        data=text.encode("utf-8-sig"),
        filename="items.csv",
        skip_bad=skip_bad,
    )


def test_a_good_csv_adds_every_row_with_its_history(world, clinic):
    result = run(world, clinic, GOOD)
    assert (result.added, result.errors, result.rows) == (2, [], 2)
    rows = list(
        Equipment.objects.filter(facility=clinic)
        .order_by("pk")
        .values_list("equipment_type__code", "label", "purchased_on", "state", "uses_per_month")
    )
    assert rows == [
        ("stethoscope", "鱼跃听诊器", date(2022, 5, 1), "working", 30),
        ("glucose-meter", "", date(2021, 1, 10), "degraded", 12),
    ]
    assert list(EquipmentEvent.objects.values_list("action", flat=True)) == ["added", "added"]


def test_every_bad_row_is_named_and_nothing_is_written(world, clinic):
    before = snapshot()
    result = run(world, clinic, bad_csv())
    assert result.added == 0
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "type", "equipment_type_invalid"),
        (3, "purchased_on", "equipment_date_in_future"),
        (5, "state", "equipment_state_invalid"),
        (5, "uses_per_month", "invalid"),
        (6, "last_service_on", "equipment_before_purchase"),
    ]
    assert snapshot() == before


def test_skipping_bad_rows_imports_the_good_ones(world, clinic):
    result = run(world, clinic, bad_csv(), skip_bad=True)
    assert result.added == 1
    assert len(result.errors) == 5
    assert list(Equipment.objects.values_list("equipment_type__code", flat=True)) == ["stethoscope"]


def test_an_xlsx_file_is_read_the_same(world, clinic):
    book = Workbook()
    sheet = book.active
    sheet.append(["Type", "Purchased_on", "uses_per_month"])
    sheet.append(["ecg", date(2019, 3, 1), 7])
    out = io.BytesIO()
    book.save(out)
    result = svc.equipment_import(
        actor=world.dispatcher_a, facility_id=clinic.pk, data=out.getvalue(), filename="a.xlsx"
    )
    assert result.added == 1
    thing = Equipment.objects.get()
    assert (thing.equipment_type.code, thing.purchased_on, thing.uses_per_month) == (
        "ecg",
        date(2019, 3, 1),
        7,
    )


def test_a_file_without_the_columns_or_unreadable_or_someone_else_is_refused(world, clinic):
    refused(
        lambda: run(world, clinic, "type,bought\necg,2020-01-01\n"),
        errors=[("equipment_columns", "file")],
    )
    refused(
        lambda: svc.equipment_import(
            actor=world.provider_staff,
            facility_id=clinic.pk,
            data=b"PK\x03\x04junk",
            filename="x.xlsx",
        ),
        errors=[("equipment_file_unreadable", "file")],
    )
    refused(
        lambda: run(world, clinic, GOOD, user=world.dispatcher_b),
        error=PermissionDenied,
        errors=[("not_permitted", None)],
    )
    with pytest.raises(DomainError):
        run(world, clinic, "")


def test_the_import_form_shows_the_bad_rows_or_imports(world, clinic):
    client = logged_in(world.provider_staff)
    url = f"/staff/facilities/{clinic.pk}/equipment/import/"
    before = snapshot()
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", bad_csv().encode())})
    assert response.status_code == 400
    html = response.content.decode()
    assert "5 problems in the file: nothing was imported" in html
    assert snapshot() == before
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Choose a CSV or XLSX file." in response.content.decode()
    response = client.post(
        url, {"file": SimpleUploadedFile("a.csv", bad_csv().encode()), "skip_bad": "yes"}
    )
    assert response.status_code == 302
    assert Equipment.objects.count() == 1
