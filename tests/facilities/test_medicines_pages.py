"""The medicines pages in English (the report, the facility page and its edits) and the
public REST reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from minsheng.facilities.models import Dispensing, Kind, Medicine, MedicineRequest
from tests.web.conftest import logged_in

from .factories import make_facility
from .medicines_helpers import dispense, small_list, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(world):
    small_list()
    clinic = make_facility(world.village_a, Kind.CLINIC, keepers=[world.grid_worker])
    dispense(clinic, "amlodipine", "metformin")
    MedicineRequest.objects.bulk_create(
        MedicineRequest(
            facility=clinic,
            medicine=Medicine.objects.get(code="insulin"),
            township=world.town_a,
            requested_on=timezone.localdate() - timedelta(days=i),
        )
        for i in range(3)
    )
    return clinic


def test_the_report_names_the_short_clinic_and_offers_files(world, clinic):
    response = logged_in(world.dispatcher_a).get("/staff/facilities/medicines/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Medicines at clinics, by township" in page
    assert "1 facility, 3 requests, 1 short of what residents ask for." in page
    assert "Insulin (3)" in page
    assert "50%" in page and "(2/4)" in page
    assert f'href="/staff/facilities/{clinic.pk}/medicines/"' in page
    csv = logged_in(world.dispatcher_a).get("/staff/facilities/medicines/?format=csv")
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert "Insulin (3)" in csv.content.decode("utf-8-sig")
    xlsx = logged_in(world.dispatcher_a).get("/staff/facilities/medicines/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        logged_in(world.dispatcher_a).get("/staff/facilities/medicines/?format=pdf").status_code
        == 404
    )


def test_the_facility_page_lists_what_it_dispenses_lacks_and_was_asked_for(world, clinic):
    response = logged_in(world.grid_worker).get(f"/staff/facilities/{clinic.pk}/medicines/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "It may dispense 2 of the 4 essential medicines expected of a Village clinic." in page
    assert "What residents asked for that it lacks" in page
    assert '<th scope="row">Insulin</th><td>3</td>' in page
    assert "2 medicines on the list" in page
    # the village list's missing entries (banlangen, nifedipine), not the township's
    assert "Banlangen granules" in page and "Nifedipine" in page
    assert "Losartan <span" not in page.split("Essential medicines of its level")[1]


def test_a_keeper_adds_marks_and_removes_through_the_page(world, clinic):
    client = logged_in(world.grid_worker)
    url = f"/staff/facilities/{clinic.pk}/medicines/"
    response = client.post(url, {"action": "add", "medicine": "insulin", "in_stock": "0"})
    assert response.status_code == 302 and response["Location"] == url
    assert Dispensing.objects.get(facility=clinic, medicine__code="insulin").in_stock is False
    client.post(url, {"action": "stock", "medicine": "insulin", "in_stock": "1"})
    assert Dispensing.objects.get(facility=clinic, medicine__code="insulin").in_stock is True
    client.post(url, {"action": "remove", "medicine": "amlodipine"})
    codes = sorted(
        Dispensing.objects.filter(facility=clinic).values_list("medicine__code", flat=True)
    )
    assert codes == ["insulin", "metformin"]


def test_a_bad_post_shows_the_error_summary_and_writes_nothing(world, clinic):
    before = snapshot()
    url = f"/staff/facilities/{clinic.pk}/medicines/"
    response = logged_in(world.grid_worker).post(url, {"action": "add", "medicine": "metformin"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert '<a href="#m-medicine">This medicine is on the list already.</a>' in page
    assert 'aria-invalid="true" aria-describedby="m-medicine-error"' in page
    response = logged_in(world.grid_worker).post(url, {"action": "paint"})
    assert response.status_code == 400
    response = logged_in(world.grid_worker).post(
        url, {"action": "add", "medicine": "insulin", "in_stock": "maybe"}
    )
    assert response.status_code == 400
    assert '<a href="#m-in_stock">Answer yes or no.</a>' in response.content.decode()
    assert snapshot() == before


def test_the_public_reads_the_reference_list(world):
    small_list()
    response = APIClient().get("/api/v1/medicines/?level=township", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert [m["code"] for m in body["results"]] == ["insulin", "insulin-premixed", "losartan"]
    assert body["results"][0] == {
        "code": "insulin",
        "name": "Insulin",
        "name_zh": "胰岛素",
        "name_en": "Insulin",
        "group": "chemical",
        "level": "township",
        "essential": True,
        "keywords": "打胰岛素 糖尿病",
    }
    assert APIClient().get("/api/v1/medicines/?level=county").status_code == 400


def test_the_public_reads_what_a_public_clinic_dispenses(world, clinic):
    Dispensing.objects.filter(medicine__code="metformin").update(in_stock=False)
    response = APIClient().get(f"/api/v1/facilities/{clinic.pk}/medicines/")
    assert response.status_code == 200
    body = response.json()
    assert body["coverage"] == {"expected": 4, "covered": 2, "share": 0.5}
    assert [(m["code"], m["in_stock"]) for m in body["medicines"]] == [
        ("amlodipine", True),
        ("metformin", False),
    ]
    planned = make_facility(world.village_a, Kind.CLINIC, status="planned")
    bookshop = make_facility(world.village_a, Kind.BOOKSHOP)
    for pk in (planned.pk, bookshop.pk, 10**9, 2**63):
        assert APIClient().get(f"/api/v1/facilities/{pk}/medicines/").status_code == 404
