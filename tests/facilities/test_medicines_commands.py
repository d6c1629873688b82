"""The medicines part's commands and nightly task: thin, printing what they did; the
reference load is a dry run unless ``--commit``. And the report reads in a fixed number of
queries whatever the number of clinics."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minsheng.facilities.models import Kind, Medicine, MedicineRequest
from minsheng.facilities.selectors import medicines as selectors
from minsheng.facilities.tasks import medicine_requests_nightly

from .factories import make_facility
from .medicines_helpers import ask, clinics, dispense, request_service, small_list, snapshot

pytestmark = pytest.mark.django_db

CSV = "code,name_zh,group,level\nnew-one,新药,patent,township\n"
BAD = "code,name_zh,group,level\nnew-one,新药,herbal,township\n"


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_medicine_requests_command_and_task_print_what_they_recorded(world):
    small_list()
    request_service(world)
    clinics(world)
    ask(world, medicine="insulin")
    ask(world, medicine="insulin")
    out, _err = _run("medicine_requests")
    assert out == "read=2 recorded=2 dispensed=0 unmatched=0 no_facility=0\n  insulin: 2\n"
    assert medicine_requests_nightly() == {
        "read": 0,
        "recorded": 0,
        "dispensed": 0,
        "unmatched": 0,
        "no_facility": 0,
    }
    assert MedicineRequest.objects.count() == 2


def test_medicines_load_is_a_dry_run_unless_told(world, tmp_path):
    small_list()
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    out, _err = _run("medicines_load", str(path))
    assert out == "dry run: rows=1 new=1 updated=0 errors=0 (nothing written; add --commit)\n"
    assert not Medicine.objects.filter(code="new-one").exists()
    out, _err = _run("medicines_load", str(path), "--commit")
    assert out == "loaded: rows=1 new=1 updated=0 errors=0\n"
    assert Medicine.objects.get(code="new-one").level == "township"


def test_medicines_load_names_the_bad_row_and_writes_nothing(world, tmp_path):
    small_list()
    path = tmp_path / "list.csv"
    path.write_text(BAD, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as info:
        _run("medicines_load", str(path), "--commit")
    assert str(info.value) == (
        "nothing written: rows=0 new=0 updated=0 errors=1 (fix the rows or --skip-bad-rows)"
    )
    assert snapshot() == before
    with pytest.raises(CommandError):
        _run("medicines_load", str(tmp_path / "missing.csv"))


def test_the_report_reads_in_a_fixed_number_of_queries(world):
    small_list()
    today = timezone.localdate()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            report = selectors.report(Q(), today - timedelta(days=364), today)
            seen = [
                (r.coverage.share, r.requests, r.top, r.facility.township, t.top)
                for t in report.townships
                for r in t.rows
            ]
            assert len(seen) == report.facilities
        return len(ctx.captured_queries)

    clinic = make_facility(world.village_a, Kind.CLINIC)
    dispense(clinic, "amlodipine")
    few = count()
    for region in (world.village_a, world.village_b, world.village_b):
        dispense(make_facility(region, Kind.CLINIC), "metformin", "insulin")
    make_facility(world.town_b, Kind.HEALTH_CENTRE)
    assert count() == few == 5
