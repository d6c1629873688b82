"""The planning dashboard, a township's page, the map layer and the downloads (the hand
figures of ``test_plank``)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from minsheng.insights.models import AreaAttainment, IndicatorValue
from tests.insights.test_plank import MAY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def balance(world: Any) -> Any:
    return build(world)


def client(user: Any) -> Client:
    """Logged in, having chosen English (pages are Chinese until one chooses)."""
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    c.force_login(user)
    return c


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_dashboard_names_the_county_and_each_townships_shortest_plank(balance):
    with translation.override("en"):
        got = client(balance.world.county_admin).get("/staff/planning/", {"month": "2026-05"})
    assert got.status_code == 200
    html = got.content.decode()
    a = balance.a.name_en or balance.a.name_zh
    assert "Shortest plank of " in html and f"{a}, attainment 68%" in html
    assert "1200 residents" in html
    # Each township's row, the barrels with their tables, the map, Lorenz, the charts' data.
    assert html.count('class="barrel-chart"') == 3  # the county, T1, T2
    assert 'data-map="planning"' in html and "/staff/planning/map.geojson?month=2026-05" in html
    assert html.count('class="lorenz-curve"') == 2
    assert 'id="rates-data"' in html and 'id="happiness-data"' in html
    assert "86.0" in html and "85.0*" in html  # April: satisfaction alone, marked
    assert "/staff/planning/allocation/" in html and "/staff/planning/siting/" in html
    assert "/staff/planning/report/?month=2026-05" in html
    assert got.context["planks"].townships[0].weakest.gap_yuan == 50000


def test_the_latest_computed_month_is_the_default(balance):
    got = client(balance.world.county_admin).get("/staff/planning/")
    assert got.status_code == 200 and got.context["month"] == MAY


def test_a_township_dispatcher_sees_their_township_and_the_county_only(balance):
    w = balance.world
    with translation.override("en"):
        got = client(w.dispatcher_b).get("/staff/planning/", {"month": "2026-05"})
    assert got.status_code == 200
    html = got.content.decode()
    assert [t.region.code for t in got.context["planks"].townships] == ["T2"]
    assert w.village_a.name not in html  # V1 is T1's, and the county's weakest village
    assert "/staff/planning/report/" not in html  # the report is the county's
    assert got.context["focus"] == w.town_b


def test_no_snapshot_yet_is_a_message_not_an_error(world):
    with translation.override("en"):
        got = client(world.county_admin).get("/staff/planning/")
    assert got.status_code == 200
    assert "No indicator snapshot has been computed yet" in got.content.decode()


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "Give the month as YYYY-MM"),
        ("May", "Give the month as YYYY-MM"),
        ("2026-03", "2026-03 has not been computed"),
    ],
)
def test_a_bad_or_uncomputed_month_is_a_400_with_the_reason(balance, month, message):
    with translation.override("en"):
        for url in ("/staff/planning/", f"/staff/planning/township/{balance.world.town_a.pk}/"):
            got = client(balance.world.county_admin).get(url, {"month": month})
            assert got.status_code == 400, url
            assert message in got.content.decode()


def test_the_township_page_has_its_barrel_villages_and_trend(balance):
    w = balance.world
    got = client(w.dispatcher_a).get(
        f"/staff/planning/township/{w.town_a.pk}/", {"month": "2026-05"}
    )
    assert got.status_code == 200
    assert [v["barrel"].region.code for v in got.context["villages"]] == ["V1", "V3"]
    cells = [[c.attainment for c in v["cells"]] for v in got.context["villages"]]
    assert cells == [[0.5, 0.9], [1.1, 0.8]]
    assert [(p.month, p.value) for p in got.context["trend"]][-1] == (MAY, 0.7)
    html = got.content.decode()
    assert 'class="barrel-chart"' in html and 'id="trend-data"' in html


def test_an_unknown_or_other_township_is_a_404(balance):
    w = balance.world
    admin = client(w.county_admin)
    assert admin.get("/staff/planning/township/999999/").status_code == 404
    assert admin.get(f"/staff/planning/township/{w.village_a.pk}/").status_code == 404  # a village
    assert client(w.dispatcher_a).get(f"/staff/planning/township/{w.town_b.pk}/").status_code == 404


def test_the_map_layer_is_geojson_of_the_villages_in_scope(balance):
    w = balance.world
    got = client(w.dispatcher_a).get("/staff/planning/map.geojson", {"month": "2026-05"})
    assert got.status_code == 200
    data = got.json()
    assert data["type"] == "FeatureCollection"
    assert sorted(f["properties"]["code"] for f in data["features"]) == ["V1", "V3"]
    bad = client(w.dispatcher_a).get("/staff/planning/map.geojson", {"month": "nope"})
    assert bad.status_code == 400 and "month" in bad.json()["errors"]


def test_the_attainment_table_downloads_as_csv_and_xlsx(balance):
    c = client(balance.world.county_admin)
    with translation.override("en"):
        got = c.get("/staff/planning/download/", {"month": "2026-05", "table": "attainment"})
    assert got.status_code == 200
    assert got["Content-Disposition"] == 'attachment; filename="planning-attainment-C-2026-05.csv"'
    rows = rows_of(got.content)
    assert rows[0] == ["Attainment 2026-05"]
    header = rows[1]
    assert header[:4] == ["Code", "Region", "Level", "Township"]
    by_code = {r[0]: r for r in rows[2:]}
    assert list(by_code) == ["C", "T1", "T2", "V1", "V3", "V2"]
    assert by_code["V1"][4:7] == ["0.5", "0.9", balance.a.name_en or balance.a.name_zh]
    assert by_code["C"][-2:] == ["1200.0", "60000.0"]
    got = c.get(
        "/staff/planning/download/", {"month": "2026-05", "table": "attainment", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert sheet.max_row == 7  # the header and six regions


def test_the_indicator_values_download_in_the_readers_scope(balance):
    got = client(balance.world.dispatcher_a).get(
        "/staff/planning/download/", {"month": "2026-05", "table": "values"}
    )
    assert got.status_code == 200
    rows = rows_of(got.content)[2:]
    assert {r[0] for r in rows} == {"C", "T1"}  # the county's and their township's
    assert len(rows) == IndicatorValue.objects.filter(month=MAY).count()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"table": "secrets"}, "table"),
        ({"month": "2025-01"}, "month"),
    ],
)
def test_a_bad_download_is_a_400_naming_the_parameter(balance, params, field):
    before = AreaAttainment.objects.count()
    got = client(balance.world.county_admin).get("/staff/planning/download/", params)
    assert got.status_code == 400
    assert f'href="#f-{field}"' in got.content.decode()
    assert AreaAttainment.objects.count() == before
