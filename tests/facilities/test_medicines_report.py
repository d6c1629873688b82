"""The report per township (``selectors.medicines.report``), its files, and the facility
page's figures: coverage and requests counted by hand on a small reference list."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from minsheng.facilities.models import Kind, Medicine, MedicineRequest
from minsheng.facilities.policy import medicines as policy
from minsheng.facilities.selectors import medicines as selectors
from minsheng.facilities.views.medicines import report_tables

from .factories import make_facility
from .medicines_helpers import dispense, small_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(world):
    """V1's clinic 2/4 (plus a medicine off the essential list), T1's centre 5/7, V2's
    clinic 0/4; a year of requests at V1's clinic (insulin ×3, nifedipine ×1, metformin ×1,
    which it now dispenses) and T1's centre (losartan ×2), one request too old to count."""
    small_list()
    world.clinic = make_facility(world.village_a, Kind.CLINIC)
    world.centre = make_facility(world.town_a, Kind.HEALTH_CENTRE)
    world.clinic_b = make_facility(world.village_b, Kind.CLINIC)
    make_facility(world.village_a, Kind.CLINIC, status="planned")  # not in the report
    dispense(world.clinic, "amlodipine", "metformin", "vitamin-c")
    dispense(world.centre, "amlodipine", "nifedipine", "metformin", "banlangen", "insulin")
    today = timezone.localdate()
    asked = [
        (world.clinic, "insulin", 3),
        (world.clinic, "nifedipine", 1),
        (world.clinic, "metformin", 1),
        (world.centre, "losartan", 2),
    ]
    rows = [
        MedicineRequest(
            facility=f,
            medicine=Medicine.objects.get(code=code),
            township=world.town_a,
            requested_on=today - timedelta(days=10 * i),
        )
        for f, code, n in asked
        for i in range(n)
    ]
    rows.append(
        MedicineRequest(
            facility=world.clinic,
            medicine=Medicine.objects.get(code="losartan"),
            township=world.town_a,
            requested_on=today - timedelta(days=400),
        )
    )
    MedicineRequest.objects.bulk_create(rows)
    world.today = today
    return world


def _report(user):
    scope = policy.report_q(user)
    today = timezone.localdate()
    return selectors.report(scope, today - timedelta(days=364), today)


def test_coverage_requests_and_shortage_per_facility(county):
    report = _report(county.county_admin)
    t1, t2 = report.townships
    assert [t1.township.code, t2.township.code] == ["T1", "T2"]
    centre, clinic = t1.rows  # the health centre first
    assert centre.facility == county.centre
    assert (centre.coverage.expected, centre.coverage.covered) == (7, 5)
    assert (centre.requests, centre.lacking, centre.short) == (2, 2, False)
    assert (clinic.coverage.expected, clinic.coverage.covered, clinic.coverage.share) == (4, 2, 0.5)
    assert (clinic.requests, clinic.lacking, clinic.short) == (5, 4, True)
    assert [(a.medicine.code, a.requests, a.dispensed_now) for a in clinic.top] == [
        ("insulin", 3, False),
        ("metformin", 1, True),
        ("nifedipine", 1, False),
    ]
    (b,) = t2.rows
    assert (b.coverage.expected, b.coverage.covered, b.requests, b.short) == (4, 0, 0, False)


def test_township_totals(county):
    t1, t2 = _report(county.county_admin).townships
    assert (t1.coverage.expected, t1.coverage.covered) == (11, 7)
    assert (t1.requests, t1.lacking, t1.short) == (7, 6, 1)
    assert [(m.code, n) for m, n in t1.top] == [("insulin", 3), ("losartan", 2), ("nifedipine", 1)]
    assert (t2.coverage.share, t2.requests) == (0.0, 0)


def test_a_township_dispatcher_sees_only_their_township(county):
    report = _report(county.dispatcher_a)
    assert [t.township.code for t in report.townships] == ["T1"]
    assert (report.facilities, report.requests, report.short) == (2, 7, 1)
    assert policy.report_q(county.resident) is None


def test_the_facility_page_figures(county):
    assert [m.code for m in selectors.missing_of(county.clinic)] == ["banlangen", "nifedipine"]
    assert [m.code for m in selectors.missing_of(county.centre)] == ["insulin-premixed", "losartan"]
    since = county.today - timedelta(days=364)
    asked = selectors.asked_of(county.clinic, since)
    assert [(a.medicine.code, a.requests) for a in asked] == [
        ("insulin", 3),
        ("metformin", 1),
        ("nifedipine", 1),
    ]
    # without a start, the old request counts too
    assert sum(a.requests for a in selectors.asked_of(county.clinic)) == 6


def test_the_csv_file_has_the_same_figures(county):
    from minsheng.core.exports import to_csv

    with translation.override("en"):
        data = to_csv(report_tables(_report(county.county_admin))).decode("utf-8-sig")
        names = [county.town_a.name, county.town_b.name]
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[1][:9] == [
        "Township",
        "Code",
        "Facility",
        "Kind",
        "Essential medicines expected",
        "May dispense",
        "Coverage (%)",
        "Requests",
        "Requests for medicines it lacks",
    ]
    by_code = {r[1]: r for r in rows[2:5]}
    assert by_code[county.clinic.code][4:] == [
        "4",
        "2",
        "50.0",
        "5",
        "4",
        "Insulin (3); Metformin (1); Nifedipine (1)",
        "yes",
    ]
    assert by_code[county.centre.code][4:9] == ["7", "5", "71.4", "2", "2"]
    assert by_code[county.clinic_b.code][4:9] == ["4", "0", "0.0", "0", "0"]
    assert rows[5] == []
    town_rows = rows[8:10]
    assert [r[:6] for r in town_rows] == [
        [names[0], "2", "63.6", "7", "6", "1"],
        [names[1], "1", "0.0", "0", "0", "0"],
    ]
