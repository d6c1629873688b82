"""The register's pages, read in English: the public list and page (which counts a view),
and the staff console, forms, status, keepers, photos and the import."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from minsheng.facilities.models import Facility, FacilityEvent, FacilityPhoto, PortalViews
from tests.facilities.factories import make_facility
from tests.facilities.register_helpers import csv_bytes, raw
from tests.web.conftest import english_client, logged_in

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Mobile"}
HOURS = [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "00:00", "closes": "23:59"}]


def test_the_public_list_works_without_javascript(world):
    make_facility(world.village_a, name_en="Jia bookshop", address="East street")
    make_facility(world.village_a, name_en="Hidden plan", status="planned")
    response = english_client().get("/facilities/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jia bookshop" in page
    assert "East street" in page
    assert "Hidden plan" not in page
    assert 'data-map="facilities"' in page
    assert 'data-layer-url="/api/v1/facilities.geojson"' in page
    assert "1 facility" in page


def test_the_public_list_filters_and_refuses_an_unknown_place(world):
    make_facility(world.village_a, name_en="Jia bookshop")
    make_facility(world.village_b, "clinic", name_en="Yi clinic")
    page = english_client().get("/facilities/?place=T2&kind=clinic").content.decode()
    assert "Yi clinic" in page and "Jia bookshop" not in page
    assert 'data-layer-url="/api/v1/facilities.geojson?township=T2&amp;kind=clinic"' in page
    response = english_client().get("/facilities/?place=ZZ")
    assert response.status_code == 400
    assert "No such place." in response.content.decode()


def test_the_public_page_shows_hours_contact_and_counts_a_view(world):
    shop = make_facility(
        world.village_a,
        name_en="Jia bookshop",
        opening_hours=HOURS,
        contact_name="Ms Wang",
        contact_phone="13800000001",
    )
    shop.services.add(world.service)
    response = english_client().get(f"/facilities/{shop.pk}/", **BROWSER)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Open now" in page
    assert "Ms Wang" in page
    assert 'href="tel:13800000001"' in page
    assert f'href="/services/{world.service.code}/"' in page
    assert "Used this month" in page
    assert list(PortalViews.objects.values_list("facility_id", "day", "views")) == [
        (shop.pk, timezone.localdate(), 1)
    ]


def test_staff_and_bots_are_not_counted(world):
    shop = make_facility(world.village_a)
    logged_in(world.dispatcher_a).get(f"/facilities/{shop.pk}/", **BROWSER)
    english_client().get(f"/facilities/{shop.pk}/", HTTP_USER_AGENT="Googlebot/2.1")
    english_client().get(f"/facilities/{shop.pk}/")  # no user agent at all
    assert PortalViews.objects.count() == 0
    logged_in(world.resident).get(f"/facilities/{shop.pk}/", **BROWSER)
    assert PortalViews.objects.get().views == 1


def test_a_planned_facility_is_not_public(world):
    plan = make_facility(world.village_a, status="planned")
    assert english_client().get(f"/facilities/{plan.pk}/").status_code == 404
    assert logged_in(world.dispatcher_a).get(f"/facilities/{plan.pk}/").status_code == 200
    assert PortalViews.objects.count() == 0


def test_the_console_shows_counts_and_figures(world):
    shop = make_facility(world.village_a, name_en="Jia bookshop")
    PortalViews.objects.create(facility=shop, day=timezone.localdate(), views=17)
    page = logged_in(world.dispatcher_a).get("/staff/facilities/").content.decode()
    assert "Jia bookshop" in page
    assert "<td>17</td>" in page
    assert "1 facility in your scope" in page
    assert 'href="/staff/facilities/new/"' in page
    assert 'href="/staff/facilities/import/"' in page


def test_a_keeper_sees_the_console_without_register_links(world):
    make_facility(world.village_a, name_en="Jia bookshop", keepers=[world.grid_worker])
    page = logged_in(world.grid_worker).get("/staff/facilities/").content.decode()
    assert "Jia bookshop" in page
    assert "/staff/facilities/new/" not in page


def test_registering_through_the_form(world):
    client = logged_in(world.dispatcher_a)
    assert client.get("/staff/facilities/new/").status_code == 200
    data = {k: v for k, v in raw().items() if k != "services"}
    data["services"] = ["meal-delivery"]
    response = client.post("/staff/facilities/new/", data)
    facility = Facility.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/facilities/{facility.pk}/"
    assert (facility.code, facility.status, facility.capacity) == ("v1-bookshop", "open", 30)
    assert [s.code for s in facility.services.all()] == ["meal-delivery"]


def test_a_bad_form_shows_each_error_at_its_field_and_writes_nothing(world):
    data = raw(kind="castle", capacity="0")
    response = logged_in(world.dispatcher_a).post("/staff/facilities/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#f-kind">Not a kind of facility' in page
    assert '<a href="#f-capacity">Capacity is a whole number' in page
    assert 'id="f-capacity-error"' in page
    assert Facility.objects.count() == 0


def test_editing_an_entry(world):
    shop = make_facility(world.village_a, code="v1-bookshop")
    client = logged_in(world.dispatcher_a)
    form = client.get(f"/staff/facilities/{shop.pk}/edit/").content.decode()
    assert 'value="v1-bookshop"' in form
    response = client.post(f"/staff/facilities/{shop.pk}/edit/", raw(capacity="44", status=""))
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.capacity, shop.status) == (44, "open")


def test_the_staff_page_changes_status_and_keepers(world):
    shop = make_facility(world.village_a, name_en="Jia bookshop")
    client = logged_in(world.dispatcher_a)
    page = client.get(f"/staff/facilities/{shop.pk}/").content.decode()
    assert "Portal views per month" in page
    assert "Change the status" in page
    response = client.post(
        f"/staff/facilities/{shop.pk}/status/",
        {"status": "closed", "reason": "Roof repair", "audience": "public"},
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.status == "closed"
    response = client.post(f"/staff/facilities/{shop.pk}/status/", {"status": "open", "reason": ""})
    assert response.status_code == 400
    assert "Say why the status changes." in response.content.decode()
    client.post(f"/staff/facilities/{shop.pk}/keepers/", {"keepers": "grid, p1staff"})
    assert sorted(shop.keepers.values_list("username", flat=True)) == ["grid", "p1staff"]
    public = english_client().get(f"/facilities/{shop.pk}/").content.decode()
    assert "Roof repair" in public  # the reason was for everyone


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 0)).save(out, format="JPEG")
    return SimpleUploadedFile("door.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_photo_is_uploaded_and_served_publicly_while_public(world, media):
    shop = make_facility(world.village_a)
    client = logged_in(world.dispatcher_a)
    response = client.post(
        f"/staff/facilities/{shop.pk}/photos/", {"photo": _jpeg(), "caption": "Door"}
    )
    assert response.status_code == 302
    photo = FacilityPhoto.objects.get()
    served = english_client().get(f"/facilities/{shop.pk}/photos/{photo.pk}/thumb/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    Facility.objects.filter(pk=shop.pk).update(status="abandoned")
    assert english_client().get(f"/facilities/{shop.pk}/photos/{photo.pk}/").status_code == 404


def test_the_import_previews_every_bad_row_then_confirms(world):
    client = logged_in(world.county_admin)
    bad = csv_bytes([raw(code="ok-1"), raw(code="bad", kind="castle")])
    response = client.post("/staff/facilities/import/", {"file": SimpleUploadedFile("f.csv", bad)})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<th scope="row">3</th><td>kind</td><td>Not a kind of facility' in page
    assert "Confirm the import" not in page
    good = csv_bytes([raw(code="ok-1"), raw(code="ok-2", region="V2")])
    response = client.post("/staff/facilities/import/", {"file": SimpleUploadedFile("f.csv", good)})
    assert response.status_code == 200
    assert "Confirm the import" in response.content.decode()
    assert Facility.objects.count() == 0
    token = response.context["token"]
    response = client.post("/staff/facilities/import/", {"confirm": "yes", "token": token})
    assert response.status_code == 302
    assert sorted(Facility.objects.values_list("code", flat=True)) == ["ok-1", "ok-2"]
    assert FacilityEvent.objects.filter(action="imported").count() == 2
    again = client.post("/staff/facilities/import/", {"confirm": "yes", "token": token})
    assert again.status_code == 400  # the kept file is gone once imported


def test_the_import_template_downloads(world):
    response = logged_in(world.county_admin).get("/staff/facilities/import/?template=1")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0] == (
        "code,name_zh,name_en,kind,status,region,latitude,longitude,address,hours,"
        "contact_name,contact_phone,services,capacity,population_served,opened_on"
    )
    assert date.today()  # the template's example date is in the past


def _links(page: str, heading_id: str) -> list[tuple[str, str]]:
    """The (label, href) pairs listed under the section headed ``heading_id``."""
    import re

    section = page.split(f'id="{heading_id}"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)


def test_the_staff_page_links_the_parts_each_reader_may_open(world):
    from minsheng.facilities.models import Kind

    shop = make_facility(world.village_a, keepers=[world.grid_worker])
    clinic = make_facility(world.village_a, Kind.CLINIC)
    road = make_facility(world.town_a, Kind.ROAD, capacity=None)
    manager = logged_in(world.dispatcher_a)
    page = manager.get(f"/staff/facilities/{shop.pk}/").content.decode()
    assert _links(page, "parts-h") == [
        (f"/staff/facilities/{shop.pk}/use/", "Use counts"),
        (f"/staff/facilities/{shop.pk}/devices/", "Counter devices"),
        (f"/staff/facilities/{shop.pk}/collection/", "Collection"),
        (f"/staff/facilities/{shop.pk}/acquisitions/", "Acquisition list"),
        (f"/staff/facilities/{shop.pk}/equipment/", "Equipment"),
        (f"/staff/facilities/{shop.pk}/maintenance/", "Maintenance"),
    ]
    page = manager.get(f"/staff/facilities/{clinic.pk}/").content.decode()
    assert [label for _href, label in _links(page, "parts-h")] == [
        "Use counts", "Counter devices", "Medicines", "Equipment", "Maintenance",
    ]  # fmt: skip
    page = manager.get(f"/staff/facilities/{road.pk}/").content.decode()
    assert [label for _href, label in _links(page, "parts-h")] == ["Equipment", "Maintenance"]
    # the keeper keeps the shop day to day: no devices, no maintenance
    page = logged_in(world.grid_worker).get(f"/staff/facilities/{shop.pk}/").content.decode()
    assert [label for _href, label in _links(page, "parts-h")] == [
        "Use counts", "Collection", "Acquisition list", "Equipment",
    ]  # fmt: skip


def test_the_console_links_the_overviews_each_reader_may_open(world):
    make_facility(world.village_a, keepers=[world.grid_worker])
    page = logged_in(world.dispatcher_a).get("/staff/facilities/").content.decode()
    assert _links(page, "overviews-h") == [
        ("/staff/facilities/idle/", "Idle facilities and follow-ups"),
        ("/staff/facilities/collections/", "Collections: freshness and diversity"),
        ("/staff/facilities/equipment/", "Equipment: backward and replacement priority"),
        ("/staff/facilities/medicines/", "Medicines against the essential list"),
        ("/staff/facilities/maintenance/", "Maintenance and the funding gap"),
        ("/staff/activities/", "Activities"),
        ("/staff/activities/variety/", "Variety of activities"),
        ("/staff/facilities/use/import/", "Import use counts"),
    ]
    page = logged_in(world.grid_worker).get("/staff/facilities/").content.decode()
    assert [label for _href, label in _links(page, "overviews-h")] == [
        "Idle facilities and follow-ups",
        "Collections: freshness and diversity",
        "Activities",
        "Import use counts",
    ]
