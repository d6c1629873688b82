"""The collections' pages (in English) and the public REST read."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minsheng.facilities.models import Kind, Status, Title
from tests.facilities.collections_helpers import add_titles, csv_bytes, library, snapshot
from tests.facilities.factories import make_facility
from tests.web.conftest import english_client, logged_in

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def shop(world):
    shop = library(world)
    add_titles(
        shop,
        [
            ("稻田养鱼技术", "S", YEAR - 1, 1, 3),
            ("平凡的世界", "I", YEAR - 6, 2, 4),
            ("土地承包法问答", "D", YEAR - 26, 3, 0),
            ("唐诗三百首", "I", YEAR - 2, 2, 5),
        ],
    )
    return shop


def url(shop, rest=""):
    return f"/staff/facilities/{shop.pk}/{rest}"


def test_the_collection_page_shows_figures_classes_and_titles(world, shop):
    page = logged_in(world.grid_worker).get(url(shop, "collection/"))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Median age (years)</dt><dd>6.0</dd>",
        "Share under 5 years</dt><dd>38%</dd>",
        "Shannon diversity (ln)</dt><dd>0.974</dd>",
        "Largest class</dt><dd>I (50%)</dd>",
        "Of one kind",
        "<caption>Copies by class of the Chinese Library Classification</caption>",
        '<th scope="row">I 文学</th><td>2</td><td>4</td><td>50%</td><td>50%</td><td>2.25</td>',
        'id="chart-classes"',
        "4 titles",
        "平凡的世界",
    ):
        assert text in html, text


def test_titles_are_searched_and_paginated(world, shop):
    add_titles(shop, [(f"农技{n:02d}", "S", YEAR - 3, 1, 0) for n in range(30)])
    client = logged_in(world.grid_worker)
    html = client.get(url(shop, "collection/"), {"q": "农技"}).content.decode()
    assert "30 titles" in html and "Page 1 of 2" in html and "农技24" in html
    assert "农技25" not in html
    html = client.get(url(shop, "collection/"), {"q": "农技", "page": 2}).content.decode()
    assert "农技25" in html and "农技29" in html and "平凡的世界" not in html


def test_add_a_title(world, shop):
    response = logged_in(world.grid_worker).post(
        url(shop, "collection/titles/"),
        {"title": "活着", "author": "余华", "subject": "I", "year": "2012", "copies": "3"},
    )
    assert response.status_code == 302
    assert response["Location"] == url(shop, "collection/")
    assert Title.objects.filter(facility=shop, title="活着", copies=3, author="余华").exists()


def test_a_bad_title_shows_its_errors_and_writes_nothing(world, shop):
    before = snapshot()
    response = logged_in(world.grid_worker).post(
        url(shop, "collection/titles/"),
        {"title": "", "subject": "W", "year": str(YEAR + 1), "copies": "0"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert '<a href="#title">The title is empty.</a>' in html
    assert f"The year {YEAR + 1} is later than the reference year {YEAR}." in html
    assert 'id="year" name="year" maxlength="4" required value="' + str(YEAR + 1) in html
    assert snapshot() == before


def test_edit_and_remove_a_title(world, shop):
    title = Title.objects.get(facility=shop, title="平凡的世界")
    client = logged_in(world.dispatcher_a)
    form = client.get(url(shop, f"collection/titles/{title.pk}/"))
    assert form.status_code == 200
    assert 'value="平凡的世界"' in form.content.decode()
    response = client.post(
        url(shop, f"collection/titles/{title.pk}/"),
        {"title": "平凡的世界", "subject": "I", "year": "2020", "copies": "6", "loans": "10"},
    )
    assert response.status_code == 302
    title.refresh_from_db()
    assert (title.year, title.copies, title.loans) == (2020, 6, 10)
    response = client.post(url(shop, f"collection/titles/{title.pk}/remove/"))
    assert response.status_code == 302
    assert not Title.objects.filter(pk=title.pk).exists()
    assert client.post(url(shop, f"collection/titles/{title.pk}/remove/")).status_code == 404


def test_import_a_file(world, shop):
    upload = SimpleUploadedFile("titles.csv", csv_bytes([["活着", "I", 2012, 4]]))
    client = logged_in(world.grid_worker)
    response = client.post(url(shop, "collection/import/"), {"file": upload, "replace": "on"})
    assert response.status_code == 302
    assert list(Title.objects.filter(facility=shop).values_list("title", flat=True)) == ["活着"]
    html = client.get(url(shop, "collection/")).content.decode()
    assert "1 titles imported (4 replaced, 0 rows skipped)." in html


def test_a_bad_import_names_the_rows_and_writes_nothing(world, shop):
    before = snapshot()
    upload = SimpleUploadedFile(
        "titles.csv", csv_bytes([["好书", "S", 2020, 1], ["坏书", "Q", "x", 1]])
    )
    response = logged_in(world.grid_worker).post(url(shop, "collection/import/"), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was not imported" in html
    assert "Row 3, year: The year “x” is not a whole number." in html
    assert snapshot() == before
    response = logged_in(world.grid_worker).post(url(shop, "collection/import/"), {})
    assert response.status_code == 400
    assert "Choose a CSV or XLSX file." in response.content.decode()


def test_a_file_too_large_is_refused_unread(world, shop, monkeypatch):
    monkeypatch.setattr("minsheng.facilities.services.collections.MAX_FILE_BYTES", 1_000_000)
    before = snapshot()
    data = csv_bytes([["好书", "S", 2020, 1]]) + b"#" * 1_000_000
    upload = SimpleUploadedFile("titles.csv", data)
    response = logged_in(world.grid_worker).post(url(shop, "collection/import/"), {"file": upload})
    assert response.status_code == 400
    assert "The file is larger than 1 MB." in response.content.decode()
    assert snapshot() == before


def test_the_county_table_marks_and_exports(world, shop):
    old = library(world, region=world.village_b, keepers=[])
    add_titles(old, [("政策汇编", "D", YEAR - 20, 10, 1)])
    client = logged_in(world.county_admin)
    html = client.get("/staff/facilities/collections/").content.decode()
    assert "2 libraries in your scope" in html and "1 stale, 2 of one kind" in html
    assert "<strong>Stale</strong>, <strong>One kind</strong>" in html
    html = client.get("/staff/facilities/collections/", {"sort": "median_age", "dir": "desc"})
    assert html.status_code == 200
    assert 'aria-sort="descending"' in html.content.decode()
    export = client.get("/staff/facilities/collections/", {"format": "csv"})
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == [f"Collections {YEAR}"]
    assert rows[1][:4] == ["Township", "Place", "Code", "Library"]
    assert rows[2][2:] == [shop.code, shop.name_en, "4", "8", "6.0", "0.375", "0.974", "0.5",
                           "I", "no", "yes"]  # fmt: skip
    assert rows[3][4:] == ["1", "10", "20.0", "0.0", "0.0", "1.0", "D", "yes", "yes"]
    xlsx = client.get("/staff/facilities/collections/", {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert client.get("/staff/facilities/collections/", {"format": "pdf"}).status_code == 404


def test_the_acquisition_page_and_its_export(world, shop):
    client = logged_in(world.grid_worker)
    page = client.get(url(shop, "acquisitions/"), {"budget": "250", "price": "40"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "chosen for" in html and "of 250 yuan" in html
    export = client.get(url(shop, "acquisitions/"), {"budget": "250", "format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][:7] == ["Rank", "Chosen", "Kind", "Title or class", "Class", "Copies",
                           "Cost (yuan)"]  # fmt: skip
    chosen = [r for r in rows[2:] if r[1] == "yes"]
    assert sum(int(r[6]) for r in chosen) <= 250
    bad = client.get(url(shop, "acquisitions/"), {"budget": "-5"})
    assert bad.status_code == 400
    assert "A whole number of yuan from 0 to 10000000." in bad.content.decode()


def test_the_public_api_gives_figures_and_titles(world, shop):
    client = english_client()
    data = client.get(f"/api/v1/facilities/{shop.pk}/collection/").json()
    assert data["titles"] == 4 and data["copies"] == 8 and data["as_of"] == YEAR
    assert data["figures"] == {
        "median_age": 6.0,
        "share_under_5": 0.375,
        "shannon": 0.9743,
        "largest_share": 0.5,
    }
    assert [(c["letter"], c["copies"], c["share"]) for c in data["classes"]] == [
        ("D", 3, 0.375),
        ("I", 4, 0.5),
        ("S", 1, 0.125),
    ]
    page = client.get(f"/api/v1/facilities/{shop.pk}/collection/titles/?page_size=3").json()
    assert page["count"] == 4
    assert [t["title"] for t in page["results"]] == ["土地承包法问答", "唐诗三百首", "平凡的世界"]
    found = client.get(f"/api/v1/facilities/{shop.pk}/collection/titles/?q=稻田").json()
    assert [t["title"] for t in found["results"]] == ["稻田养鱼技术"]


def test_the_public_api_hides_planned_facilities_and_non_libraries(world):
    planned = library(world, status=Status.PLANNED)
    clinic = make_facility(world.village_a, Kind.CLINIC)
    client = english_client()
    for f in (planned, clinic):
        assert client.get(f"/api/v1/facilities/{f.pk}/collection/").status_code == 404
        assert client.get(f"/api/v1/facilities/{f.pk}/collection/titles/").status_code == 404
    assert client.get("/api/v1/facilities/999999/collection/").status_code == 404
    huge = "9" * 30  # beyond any database integer: still a plain 404
    assert client.get(f"/api/v1/facilities/{huge}/collection/").status_code == 404
    assert client.get(f"/api/v1/facilities/{huge}/collection/titles/").status_code == 404
    admin = logged_in(world.county_admin)
    assert admin.get(f"/staff/facilities/{huge}/collection/").status_code == 404
    assert admin.get(f"/staff/facilities/{huge}/acquisitions/").status_code == 404
