"""The equipment pages (English) and the REST endpoints: a facility's register with its
gaps, adding an item and the item's forms (a refusal re-rendered with its errors, nothing
written), the report with its exports, and the JSON of both endpoints."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from minsheng.facilities.models import Equipment, EquipmentEvent, Kind
from tests.facilities.equipment_helpers import item, small_standard, snapshot
from tests.facilities.factories import make_facility
from tests.orders.test_permission_table import api_client
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(world):
    types = small_standard()
    f = make_facility(
        world.village_a, Kind.CLINIC, keepers=[world.provider_staff], population_served=800
    )
    old = item(f, types["couch"], date(2010, 1, 1), label="Old couch", uses=5, cost="1200")
    thermo = item(f, types["thermo"], date(2025, 1, 1), state="broken", cost="80")
    return {**types, "facility": f, "old": old, "thermo": thermo}


def test_the_facility_page_shows_items_gaps_and_the_add_form(world, clinic):
    f = clinic["facility"]
    response = logged_in(world.provider_staff).get(f"/staff/facilities/{f.pk}/equipment/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Equipment: {f.name_en}" in html
    assert "Backward: a required item is missing, broken or past its life." in html
    assert "Old couch" in html and "past its life" in html
    assert "Add an item" in html
    gaps = response.context["gaps"]
    assert [(x.equipment_type.code, x.gap.missing, x.gap.broken) for x in gaps.lines] == [
        ("t-couch", 0, 0),
        ("t-thermo", 2, 1),
        ("t-ecg", 1, 0),
    ]


def test_adding_an_item_redirects_to_it_and_a_refusal_names_the_fields(world, clinic):
    f = clinic["facility"]
    client = logged_in(world.provider_staff)
    url = f"/staff/facilities/{f.pk}/equipment/add/"
    before = snapshot()
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        url, {"equipment_type": "t-thermo", "purchased_on": future, "state": "working"}
    )
    assert response.status_code == 400
    assert snapshot() == before
    html = response.content.decode()
    assert 'href="#add-purchased_on"' in html and "This date is in the future." in html
    assert f'value="{future}"' in html  # what was typed is kept
    response = client.post(
        url,
        {
            "equipment_type": "t-thermo",
            "purchased_on": "2025-06-01",
            "state": "working",
            "uses_per_month": "12",
        },
    )
    added = Equipment.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/facilities/equipment/{added.pk}/"
    assert (added.facility_id, added.equipment_type.code, added.uses_per_month) == (
        f.pk,
        "t-thermo",
        12,
    )


def test_the_item_page_changes_its_state_and_shows_the_history(world, clinic):
    thing = clinic["thermo"]
    client = logged_in(world.dispatcher_a)
    base = f"/staff/facilities/equipment/{thing.pk}/"
    assert client.get(base).status_code == 200
    response = client.post(base + "state/", {"state": "broken"})
    assert response.status_code == 409
    assert "The item is already in this state." in response.content.decode()
    response = client.post(
        base + "service/", {"serviced_on": "2025-07-01", "state": "working", "note": "换电池"}
    )
    assert response.status_code == 302
    thing.refresh_from_db()
    assert (thing.state, thing.last_service_on) == ("working", date(2025, 7, 1))
    html = client.get(base).content.decode()
    assert "serviced" in html and "换电池" in html and "Broken → Working" in html
    assert client.post(base + "usage/", {"uses_per_month": "40"}).status_code == 302
    assert client.post(base + "retire/", {"retired_on": "2025-08-01"}).status_code == 302
    assert client.post(base + "nonsense/", {}).status_code == 404
    assert [e.action for e in EquipmentEvent.objects.order_by("pk")] == [
        "serviced",
        "usage",
        "retired",
    ]
    html = client.get(base).content.decode()
    assert "Retire the item" not in html  # a retired item has no forms


def test_the_report_page_shows_townships_backward_facilities_and_the_priority(world, clinic):
    response = logged_in(world.county_admin).get("/staff/facilities/equipment/?budget=1200")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Backward equipment by township" in html
    report = response.context["report"]
    assert [(t.township.code, t.facilities, t.backward) for t in report.townships] == [
        ("T1", 1, 1),
        ("T2", 0, 0),
    ]
    rows = response.context["priority"]
    # the broken thermometer (score about 0.65) before the old couch (0.575): docs/equipment.md
    assert [r.equipment for r in rows] == [clinic["thermo"], clinic["old"]]
    assert response.context["budget_rows"] == 1
    assert "The budget ends here." in html


def test_the_report_refuses_a_region_outside_the_scope_and_a_future_day(world, clinic):
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = logged_in(world.dispatcher_b).get(
        f"/staff/facilities/equipment/?region=T1&as_of={future}&budget=-5"
    )
    assert response.status_code == 200
    q = response.context["q"]
    assert (q.region.code, q.as_of, q.budget) == ("T2", timezone.localdate(), None)
    assert set(q.errors) == {"region", "as_of", "budget"}


def test_the_report_exports_csv_and_xlsx(world, clinic):
    client = logged_in(world.dispatcher_a)
    response = client.get("/staff/facilities/equipment/?format=csv&budget=1200")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Replacement priority" in text
    assert "1,Thermo,Thermo," in text and "2,Old couch,Couch," in text
    response = client.get("/staff/facilities/equipment/?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Backward equipment by township",
        "Backward facilities",
        "Replacement priority",
    ]
    sheet = book["Replacement priority"]
    assert [c.value for c in sheet[2]][:2] == [1, "Thermo"]
    assert [c.value for c in sheet[3]][-2:] == [1280.0, None]
    assert client.get("/staff/facilities/equipment/?format=pdf").status_code == 400


def test_the_api_gives_a_facility_s_equipment_to_its_keeper(world, clinic):
    f = clinic["facility"]
    response = api_client(world.provider_staff).get(f"/api/v1/facilities/{f.pk}/equipment/")
    assert response.status_code == 200
    body = response.json()
    assert body["backward"] is True
    assert [(i["label"], i["state"], i["past_life"]) for i in body["items"]] == [
        ("Old couch", "working", True),
        ("", "broken", False),
    ]
    assert [(s["type"], s["working"], s["missing"], s["backward"]) for s in body["standard"]] == [
        ("t-couch", 1, 0, True),
        ("t-thermo", 0, 2, True),
        ("t-ecg", 0, 1, False),
    ]
    assert (
        api_client(world.dispatcher_b).get(f"/api/v1/facilities/{f.pk}/equipment/").status_code
        == 403
    )
    assert (
        api_client(world.county_admin).get("/api/v1/facilities/999999/equipment/").status_code
        == 404
    )


def test_the_api_priority_list_for_managers(world, clinic):
    client = api_client(world.county_admin)
    response = client.get("/api/v1/equipment/priority/?budget=1200&limit=1")
    assert response.status_code == 200
    body = response.json()
    assert (body["region"], body["count"], body["within_budget"], body["budget"]) == (
        "C",
        2,
        1,
        "1200.00",
    )
    assert [(r["rank"], r["equipment"], r["cumulative_cost"]) for r in body["results"]] == [
        (1, clinic["thermo"].pk, "80.00")
    ]
    assert set(body["results"][0]["parts"]) == {"age", "state", "use", "population"}
    bad = client.get("/api/v1/equipment/priority/?limit=0&as_of=2999-01-01")
    assert bad.status_code == 400
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["as_of", "limit"]
    assert api_client(world.provider_staff).get("/api/v1/equipment/priority/").status_code == 403


def test_the_pages_render_in_chinese_too(world, clinic):
    client = logged_in(world.county_admin, language=None)
    f = clinic["facility"]
    for url in (
        f"/staff/facilities/{f.pk}/equipment/",
        f"/staff/facilities/equipment/{clinic['old'].pk}/",
        "/staff/facilities/equipment/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="zh' in response.content.decode()


def test_the_facility_page_ranks_its_items_with_the_county_scores(world, clinic):
    other = make_facility(world.village_b, Kind.CLINIC, population_served=8000)
    item(other, clinic["couch"], date(2024, 1, 1), uses=5)  # the couches' median stays 5
    f = clinic["facility"]
    response = logged_in(world.provider_staff).get(f"/staff/facilities/{f.pk}/equipment/")
    rows = response.context["priority"]
    assert [r.equipment for r in rows] == [clinic["thermo"], clinic["old"]]
    county = {
        r.equipment.pk: r.ranked.score.total
        for r in logged_in(world.county_admin)
        .get("/staff/facilities/equipment/")
        .context["priority"]
    }
    assert [r.ranked.score.total for r in rows] == [county[r.equipment.pk] for r in rows]
    assert [str(r.ranked.cumulative_cost) for r in rows] == ["80.00", "1280.00"]
