"""The demand pages, the REST figures, the GeoJSON layer, the exports and the estimate."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from rest_framework.test import APIClient

from minsheng.insights.models import AreaDemand
from minsheng.insights.services import demand_snapshot
from tests.insights.conftest import JUNE, MAY, DemandWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(demand_world: DemandWorld) -> DemandWorld:
    demand_snapshot(month=MAY)
    return demand_world


def web(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_the_page_shows_townships_and_drills_into_villages(computed: DemandWorld):
    w = computed.world
    page = web(w.county_admin).get("/staff/demand/", {"month": "2026-05"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲镇" in html and "乙乡" in html
    assert "?region=T1&amp;month=2026-05" in html
    rows = page.context["report"].rows
    assert [(r.code, r.counts.placed) for r in rows] == [("T1", 6), ("T2", 2)]
    town = web(w.county_admin).get("/staff/demand/", {"month": "2026-05", "region": "T1"})
    assert [r.code for r in town.context["report"].rows] == ["V1", "V3"]
    assert "<script>" not in town.content.decode().replace("<script src", "")


def test_bad_choices_are_named_and_the_defaults_shown(computed: DemandWorld):
    w = computed.world
    page = web(w.county_admin).get("/staff/demand/", {"month": "2026-13", "area": "nope\x01"})
    assert page.status_code == 400
    assert set(page.context["errors"]) == {"month", "area"}
    assert web(w.county_admin).get("/staff/demand/", {"region": "ZZZ"}).status_code == 404
    assert web(w.county_admin).get("/staff/demand/", {"month": "x\x00"}).status_code == 400


def test_exports_hold_the_same_figures(computed: DemandWorld):
    w = computed.world
    c = web(w.county_admin)
    got = c.get("/staff/demand/", {"month": "2026-05", "format": "csv"})
    assert got.status_code == 200
    assert got["Content-Disposition"] == 'attachment; filename="demand-C-2026-05.csv"'
    text = got.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    t1 = next(r for r in rows if r and r[0] == "T1")
    assert t1[2:8] == ["2000", "6", "3.0", "4", "2.0", "66.67"]
    total = next(r for r in rows if r and r[0] == "C")
    assert total[2:7] == ["2500", "8", "3.2", "5", "2.0"]
    xlsx = c.get("/staff/demand/", {"month": "2026-05", "format": "xlsx"})
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == 5
    # The place × area matrix of the measure asked for: T2's unmet orders in area B.
    grid = c.get("/staff/demand/", {"month": "2026-05", "measure": "unmet", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(grid.content)).worksheets[2]
    header = [cell.value for cell in sheet[1]]
    t2 = next(
        [cell.value for cell in row] for row in sheet.iter_rows(min_row=2) if row[0].value == "T2"
    )
    col = header.index(computed.area_b.name)
    assert t2[2] == 500 and t2[col : col + 2] == [1, 2.0]
    assert c.get("/staff/demand/", {"format": "pdf"}).status_code == 400


def test_rest_figures_match_the_page(computed: DemandWorld):
    w = computed.world
    got = api(w.county_admin).get("/api/v1/demand/", {"month": "2026-05"})
    assert got.status_code == 200
    body = got.json()
    assert body["total"]["counts"]["placed"] == 8
    assert body["total"]["per_1000"]["placed"] == 3.2
    assert body["total"]["unmet_share"] == 0.625
    assert [r["code"] for r in body["rows"]] == ["T1", "T2"]
    assert body["top_unmet"]["by_service"][0]["unmet"] == 4
    assert len(body["trend"]) == 12
    assert body["matrix"]["measure"] == "placed"
    t1 = body["matrix"]["rows"][0]
    a = body["matrix"]["areas"].index(computed.area_a.code)
    assert (t1["code"], t1["counts"][a], t1["per_1000"][a]) == ("T1", 6, 3.0)
    bad = api(w.county_admin).get("/api/v1/demand/", {"month": "May", "area": "x"})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"month", "area"}
    # A township dispatcher: their township only; another township is not there.
    mine = api(w.dispatcher_a).get("/api/v1/demand/", {"month": "2026-05"}).json()
    assert mine["region"]["code"] == "T1"
    assert [r["code"] for r in mine["rows"]] == ["V1", "V3"]
    assert api(w.dispatcher_a).get("/api/v1/demand/", {"region": "T2"}).status_code == 404


def test_the_geojson_layer_per_village(computed: DemandWorld):
    w = computed.world
    w.village_a.boundary = {
        "type": "Polygon",
        "coordinates": [[[110, 30], [110.1, 30], [110.1, 30.1], [110, 30]]],
    }
    w.village_a.save()
    got = api(w.county_admin).get(
        "/api/v1/demand/villages.geojson",
        {"month": "2026-05", "area": computed.area_a.code, "measure": "unmet"},
    )
    assert got.status_code == 200
    assert got["Content-Type"].startswith("application/geo+json")
    features = {f["properties"]["code"]: f for f in got.json()["features"]}
    assert set(features) == {"V1", "V2", "V3"}
    v1 = features["V1"]
    assert v1["geometry"]["type"] == "Polygon"
    assert v1["properties"] | {} == {
        "code": "V1",
        "name": "甲村",
        "township": "T1",
        "township_name": "甲镇",
        "measure": "unmet",
        "population": 2000,
        "count": 4,
        "per_1000": 2.0,
    }
    assert features["V3"]["properties"]["per_1000"] is None
    assert features["V2"]["geometry"] is None
    stated = (
        api(w.county_admin)
        .get("/api/v1/demand/villages.geojson", {"month": "2026-05", "measure": "stated"})
        .json()
    )
    assert {f["properties"]["code"]: f["properties"]["count"] for f in stated["features"]} == {
        "V1": 2,
        "V2": 1,
        "V3": 1,
    }
    bad = api(w.county_admin).get("/api/v1/demand/villages.geojson", {"measure": "all"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "measure"


def test_the_map_page_has_the_table_and_no_inline_script(computed: DemandWorld):
    w = computed.world
    page = web(w.county_admin).get("/staff/demand/map/", {"month": "2026-05", "measure": "placed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-map="demand"' in html
    assert "/api/v1/demand/villages.geojson?month=2026-05&amp;measure=placed" in html
    assert [(f.village.code, f.count) for f, _k in page.context["rows"]] == [
        ("V1", 6),
        ("V2", 2),
        ("V3", 0),
    ]
    assert [round(b, 2) for b in page.context["breaks"]] == [0.8, 1.6, 2.4, 3.2, 4.0]
    assert "style=" not in html


def test_the_estimate_page_and_api(computed: DemandWorld, monkeypatch):
    w = computed.world
    # The estimate reads the 12 months up to the last full one: June 2026 here.
    monkeypatch.setattr("minsheng.insights.views.default_month", lambda: JUNE)
    monkeypatch.setattr("minsheng.insights.api.default_month", lambda: JUNE)
    c = web(w.county_admin)
    assert c.get("/staff/demand/estimate/").status_code == 200
    data = {
        "name": "助餐送餐到家",
        "description": "给老人送午餐",
        "keywords": "助餐 送餐",
        "area": computed.area_a.code,
        "targets": ["T1", "T2"],
    }
    page = c.post("/staff/demand/estimate/", data)
    assert page.status_code == 200
    result = page.context["result"]
    assert result.similar[0].item.id == w.service.pk
    assert result.months == 1
    t1 = next(t for t in result.townships if t.township.code == "T1")
    # The only similar item: 6 orders in T1 over 1 month, 2,000 residents → 3 per 1,000.
    # Voice in area A: T1 3 stated + 1 suggestion + 3 supports = 7 (3.5 per 1,000);
    # county 7 + V2's 1 stated = 8 (3.2 per 1,000) → (3.5+1)/(3.2+1).
    adjust = 4.5 / 4.2
    assert t1.figures.adjustment == pytest.approx(adjust)
    assert t1.figures.rate == pytest.approx(3.0 * adjust)
    assert t1.figures.orders == pytest.approx(6.0 * adjust)
    got = api(w.county_admin).post("/api/v1/demand/estimate/", data, format="json")
    assert got.status_code == 200
    assert got.json()["townships"][0]["code"] == "T1"
    assert got.json()["similar"][0]["weight"] == 1.0


def test_the_estimate_refuses_bad_input_field_by_field(computed: DemandWorld):
    w = computed.world
    before = AreaDemand.objects.count()
    page = web(w.county_admin).post(
        "/staff/demand/estimate/",
        {"name": "", "keywords": "<script>", "area": "nope", "targets": ["V1"]},
    )
    assert page.status_code == 400
    assert set(page.context["errors"]) == {"name", "keywords", "area", "targets"}
    got = api(w.dispatcher_a).post(
        "/api/v1/demand/estimate/",
        {"name": 5, "area": ["x"], "targets": ["T2"]},
        format="json",
    )
    assert got.status_code == 400
    assert [(e["field"], e["code"]) for e in got.json()["errors"]] == [
        ("name", "not_text"),
        ("area", "not_text"),
        ("targets", "outside_scope"),
    ]
    typo = api(w.county_admin).post(
        "/api/v1/demand/estimate/", {"name": "x", "area": "a", "target": ["T1"]}, format="json"
    )
    assert typo.status_code == 400
    assert [(e["field"], e["code"]) for e in typo.json()["errors"]] == [("target", "unknown_field")]
    assert (
        api(w.county_admin).post("/api/v1/demand/estimate/", ["T1"], format="json").status_code
        == 400
    )
    long_code = api(w.county_admin).get("/api/v1/demand/", {"region": "T1" + "x" * 30})
    assert long_code.status_code == 404
    huge = api(w.county_admin).post(
        "/api/v1/demand/estimate/",
        {"name": "x" * 10_000, "area": "\x00", "targets": "T1"},
        format="json",
    )
    assert huge.status_code == 400
    assert AreaDemand.objects.count() == before


def test_the_pages_cost_a_fixed_number_of_queries(
    computed: DemandWorld, django_assert_max_num_queries
):
    from tests.factories import RegionFactory

    w = computed.world
    c = web(w.county_admin)
    c.get("/staff/demand/", {"month": "2026-05"})  # warm the session and caches
    with django_assert_max_num_queries(30) as few:
        c.get("/staff/demand/", {"month": "2026-05"})
    for k in range(10):
        RegionFactory(code=f"VX{k}", parent=w.town_b)
    demand_snapshot(month=MAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get("/staff/demand/", {"month": "2026-05"})
    with django_assert_max_num_queries(20):
        c.get("/staff/demand/map/", {"month": "2026-05"})
