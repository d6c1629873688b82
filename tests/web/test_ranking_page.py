"""The ranking page as a county uses it: the default month, every entity listed, ranks that
do not depend on the language, a township's page, the trend's data, the exports, and staff
marking a rating as not counting (on the staff order page and through the REST API)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.catalog.models import Provider
from minsheng.orders import services as s
from minsheng.orders.models import Rating, Satisfaction, Status
from minsheng.orders.selectors import Standing
from tests import ratings
from tests.helpers import order_at
from tests.orders.conftest import snapshot
from tests.ratings import local
from tests.web.conftest import english_client, logged_in

S, B, X = Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED


def chinese_client() -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def at_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- the month ----------------------------------------------------------------------------------


def test_the_ranking_opens_on_the_last_full_month(world, monkeypatch, settings):
    settings.MINSHENG_RANKING_MIN_SAMPLE = 1
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, 20, 9), True, True, S)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 6, 10, 9), True, True, S)
    # 10 June: June has ratings already, but is not over; May is shown.
    at_clock(monkeypatch, local(2026, 6, 10, 12))
    response = english_client().get("/ranking/")
    assert response.status_code == 200
    assert response.context["month"] == date(2026, 5, 1)
    assert [(r.code, r.rank) for r in response.context["townships"]] == [("T1", 1), ("T2", None)]
    # The chooser still offers any month, the current one included.
    assert response.context["months"] == [date(2026, 6, 1), date(2026, 5, 1)]
    body = response.content.decode()
    assert '<option value="2026-06">' in body
    june = english_client().get("/ranking/", {"month": "2026-06"})
    assert [(r.code, r.rank) for r in june.context["townships"]] == [("T2", 1), ("T1", None)]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 00:30 on 1 June in the county (16:30 UTC on 31 May): May has ended.
        (local(2026, 6, 1, 0, 30), date(2026, 5, 1)),
        # 23:30 on 31 May in the county: May is still running.
        (local(2026, 5, 31, 23, 30), date(2026, 4, 1)),
        # New Year's morning: December of the year before.
        (local(2027, 1, 1, 8), date(2026, 12, 1)),
    ],
)
def test_the_last_full_month_follows_the_county_clock(world, monkeypatch, moment, expected):
    at_clock(monkeypatch, moment)
    assert english_client().get("/ranking/").context["month"] == expected


# --- who is listed, and how ---------------------------------------------------------------------


def test_every_township_and_provider_is_listed_in_a_month_without_ratings(world):
    response = english_client().get("/ranking/", {"month": "2001-02"})
    assert response.status_code == 200
    rows = response.context["townships"] + response.context["providers"]
    assert [(r.key, r.rank, r.standing) for r in rows] == [
        (world.town_a.pk, None, Standing.NO_RATINGS),
        (world.town_b.pk, None, Standing.NO_RATINGS),
        (world.provider.pk, None, Standing.NO_RATINGS),
        (world.provider2.pk, None, Standing.NO_RATINGS),
    ]
    assert response.content.decode().count("<td>No ratings this month</td>") == 4


def test_a_small_sample_is_listed_as_such(world):
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, 2, 9), True, True, S)
    body = english_client().get("/ranking/", {"month": "2026-05"}).content.decode()
    row = re.search(r'<tr class="standing-small_sample">(.*?)</tr>', body, re.S)
    assert row is not None
    assert "<td>Sample too small</td>" in row.group(1)
    assert "<td>100.0%</td>" in row.group(1)
    assert "Fewer than 10 valid ratings in the month" in body


def test_the_page_says_which_ratings_count(world):
    body = chinese_client().get("/ranking/").content.decode()
    assert "居民自评和工作人员回访都计入" in body
    assert "两轮都计入" in body
    assert "按本县当地时间计入作出评价的那个月" in body
    assert "（1、2、2、4）" in body


def tied_providers(world):
    """The two providers tied at 100.0 in May, with names that sort one way in Chinese
    (县… before 甲…) and the other in English (Alpha… before Zeta…)."""
    Provider.objects.filter(pk=world.provider.pk).update(name_en="Alpha volunteers")
    Provider.objects.filter(pk=world.provider2.pk).update(name_en="Zeta care centre")
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, 2, 9), True, True, S)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 5, 3, 9), True, True, S)


def test_no_order_depends_on_the_pages_language(world, settings):
    settings.MINSHENG_RANKING_MIN_SAMPLE = 1
    tied_providers(world)
    zh = chinese_client().get("/ranking/", {"month": "2026-05"})
    en = english_client().get("/ranking/", {"month": "2026-05"})
    expected = [(world.provider.pk, 1), (world.provider2.pk, 1)]
    assert [(r.key, r.rank) for r in zh.context["providers"]] == expected
    assert [(r.key, r.rank) for r in en.context["providers"]] == expected
    zh_body, en_body = zh.content.decode(), en.content.decode()
    assert zh_body.index("甲镇志愿队") < zh_body.index("县养老服务中心")
    assert en_body.index("Alpha volunteers") < en_body.index("Zeta care centre")
    # The townships too (both at 100.0): by region code in both languages.
    assert [r.code for r in zh.context["townships"]] == ["T1", "T2"]
    assert [r.code for r in en.context["townships"]] == ["T1", "T2"]
    # And in the exports.
    zh_csv = rows_of(chinese_client().get("/ranking/", {"month": "2026-05", "format": "csv"}))
    en_csv = rows_of(english_client().get("/ranking/", {"month": "2026-05", "format": "csv"}))
    assert [r[2] for r in zh_csv[7:9]] == [str(world.provider.pk), str(world.provider2.pk)]
    assert [r[2] for r in en_csv[7:9]] == [str(world.provider.pk), str(world.provider2.pk)]


# --- a township's page --------------------------------------------------------------------------


@pytest.fixture
def may_in_t1(world, settings):
    settings.MINSHENG_RANKING_MIN_SAMPLE = 1
    first = ratings.rate_row(
        world, world.town_a, world.provider, local(2026, 5, 2, 9), True, True, S,
        service=world.service,
    )  # fmt: skip
    second = ratings.rate_row(
        world, world.town_a, world.provider, local(2026, 5, 3, 9), True, False, X
    )
    return first, second


def test_the_public_sees_a_townships_figures_and_no_orders(world, may_in_t1):
    response = english_client().get("/ranking/township/T1/", {"month": "2026-05"})
    assert response.status_code == 200
    assert response.context["show_orders"] is False
    assert response.context["rated"] == []
    row = response.context["row"]
    assert (row.rank, row.rates.valid, row.rates.resolution) == (1, 2, 0.5)
    assert [(r.key, r.rates.valid) for r in response.context["services"]] == [
        (world.service.pk, 1),
        (None, 1),
    ]
    assert [r.rates.valid for r in response.context["areas"]] == [2]
    body = response.content.decode()
    assert "Rated orders" not in body
    assert "/staff/orders/" not in body


@pytest.mark.parametrize("who", ["dispatcher_a", "county_admin"])
def test_the_townships_dispatchers_see_its_rated_orders(world, may_in_t1, who):
    first, second = may_in_t1
    response = logged_in(getattr(world, who)).get("/ranking/township/T1/", {"month": "2026-05"})
    assert response.context["show_orders"] is True
    assert [r.pk for r in response.context["rated"]] == [second.pk, first.pk]
    body = response.content.decode()
    assert f'href="/staff/orders/{first.order_id}/"' in body
    assert f'href="/staff/orders/{second.order_id}/"' in body


@pytest.mark.parametrize("who", ["dispatcher_b", "resident", "provider_staff", "grid_worker"])
def test_other_signed_in_users_see_figures_only(world, may_in_t1, who):
    response = logged_in(getattr(world, who)).get("/ranking/township/T1/", {"month": "2026-05"})
    assert response.status_code == 200
    assert response.context["show_orders"] is False
    body = response.content.decode()
    for rating in may_in_t1:
        assert f'href="/staff/orders/{rating.order_id}/"' not in body
    assert "Rated orders" not in body


def test_the_ranking_links_each_township_to_its_page(world):
    body = english_client().get("/ranking/", {"month": "2026-05"}).content.decode()
    assert 'href="/ranking/township/T1/?month=2026-05"' in body


@pytest.mark.parametrize("code", ["V1", "C", "nope"])
def test_only_townships_have_a_page(world, code):
    assert english_client().get(f"/ranking/township/{code}/").status_code == 404


def test_a_bad_month_on_a_townships_page_is_a_400(world):
    response = english_client().get("/ranking/township/T1/", {"month": "2026-13"})
    assert response.status_code == 400
    assert "Give the month as YYYY-MM" in response.content.decode()


# --- the trend ----------------------------------------------------------------------------------


def test_the_trend_reaches_the_page_as_data_and_as_a_table(world):
    ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, 2, 9), True, True, S)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 4, 2, 9), True, False, X)
    response = english_client().get("/ranking/", {"month": "2026-05"})
    body = response.content.decode()
    found = re.search(r'<script id="trend-data" type="application/json">(.*?)</script>', body)
    assert found is not None
    data = json.loads(found.group(1))
    assert data["labels"][0] == "2025-06"
    assert data["labels"][-1] == "2026-05"
    assert len(data["labels"]) == 12
    assert [s["label"] for s in data["series"]] == [
        world.county.name_en,
        world.town_a.name_en,
        world.town_b.name_en,
    ]
    county, town_a, town_b = (s["data"] for s in data["series"])
    assert county[-2:] == [10.0, 100.0]
    assert town_a[-2:] == [None, 100.0]
    assert town_b[-2:] == [10.0, None]
    assert county[:10] == [None] * 10
    assert data["axis"] == "Composite (points)"
    assert '<canvas id="trend-chart"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert "<script>" not in body  # no inline script: data only, through json_script
    # The same figures as a table, for screen readers and without JavaScript.
    assert '<th scope="row">2026-05</th>' in body


# --- exports -------------------------------------------------------------------------------------


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def may_export(world, settings):
    settings.MINSHENG_RANKING_MIN_SAMPLE = 2
    for day in (2, 3):
        ratings.rate_row(world, world.town_a, world.provider, local(2026, 5, day, 9), True, True, S)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 5, 4, 9), True, False, X)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 4, 4, 9), True, True, S)
    ratings.rate_row(world, world.town_b, world.provider2, local(2026, 4, 5, 9), True, True, B)
    # A provider named to run a formula in a spreadsheet.
    Provider.objects.filter(pk=world.provider2.pk).update(
        name_zh='=HYPERLINK("http://evil","x")', name_en="@SUM(A1)"
    )


def test_the_csv_export_has_both_tables_with_chinese_headers(world, may_export):
    response = chinese_client().get("/ranking/", {"month": "2026-05", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="ranking-2026-05.csv"'
    header = [
        "排名",
        "名称",
        "编码",
        "状态",
        "有效评价数",
        "响应率（%）",
        "解决率（%）",
        "满意率（%）",
        "综合得分（分）",
        "较上月变化（分）",
        "上月排名",
    ]
    p1, p2 = str(world.provider.pk), str(world.provider2.pk)
    assert rows_of(response) == [
        ["乡镇"],
        header,
        ["1", "甲镇", "T1", "已排名", "2", "100.0", "100.0", "100.0", "100.0", "", ""],
        ["", "乙乡", "T2", "样本过少", "1", "100.0", "0.0", "0.0", "10.0", "-88.0", "1"],
        [],
        ["服务提供方"],
        header,
        ["1", "甲镇志愿队", p1, "已排名", "2", "100.0", "100.0", "100.0", "100.0", "", ""],
        [
            "",
            '\'=HYPERLINK("http://evil","x")',
            p2,
            "样本过少",
            "1",
            "100.0",
            "0.0",
            "0.0",
            "10.0",
            "-88.0",
            "1",
        ],
    ]


def test_the_xlsx_export_opens_with_the_same_rows(world, may_export):
    response = english_client().get("/ranking/", {"month": "2026-05", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Townships", "Providers"]
    towns = [list(r) for r in book["Townships"].iter_rows(values_only=True)]
    assert towns[0] == [
        "Rank",
        "Name",
        "Code",
        "Standing",
        "Valid ratings",
        "Response rate (%)",
        "Resolution rate (%)",
        "Satisfaction rate (%)",
        "Composite (points)",
        "Change vs previous month (points)",
        "Previous rank",
    ]
    assert towns[1:] == [
        [1, world.town_a.name_en, "T1", "Ranked", 2, 100, 100, 100, 100, None, None],
        [None, world.town_b.name_en, "T2", "Sample too small", 1, 100, 0, 0, 10, -88.0, 1],
    ]
    providers = [list(r) for r in book["Providers"].iter_rows(values_only=True)]
    assert providers[2][1] == "'@SUM(A1)"  # text, not a formula
    assert book["Providers"].cell(row=3, column=2).data_type == "s"


def test_the_trend_exports_month_by_month(world, may_export):
    rows = rows_of(
        english_client().get("/ranking/", {"month": "2026-05", "format": "csv", "table": "trend"})
    )
    assert rows[0] == ["Twelve-month trend"]
    assert rows[1] == [
        "Month",
        "Name",
        "Valid ratings",
        "Response rate (%)",
        "Resolution rate (%)",
        "Satisfaction rate (%)",
        "Composite (points)",
    ]
    assert len(rows) == 2 + 12 * 3
    county = [r for r in rows[2:] if r[1] == world.county.name_en]
    assert county[-2:] == [
        ["2026-04", world.county.name_en, "2", "100.0", "100.0", "95.0", "98.0"],
        ["2026-05", world.county.name_en, "3", "100.0", "66.7", "66.7", "70.0"],
    ]
    assert county[0] == ["2025-06", world.county.name_en, "0", "", "", "", ""]
    book = load_workbook(
        io.BytesIO(
            english_client()
            .get("/ranking/", {"month": "2026-05", "format": "xlsx", "table": "trend"})
            .content
        )
    )
    assert book.sheetnames == ["Twelve-month trend"]
    assert book.active.max_row == 1 + 12 * 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"format": "pdf"}, "Choose the format csv or xlsx."),
        ({"format": "csv", "table": "orders"}, "Choose the table ranking or trend."),
    ],
)
def test_a_bad_export_request_is_a_400_with_a_message(world, query, message):
    response = english_client().get("/ranking/", query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


# --- whether a rating counts: the staff order page and the REST API -----------------------------


@pytest.fixture
def callback(world):
    order = order_at(world, Status.DELIVERED)
    return s.order_callback(
        order_id=order.pk,
        actor=world.dispatcher_a,
        data=s.RatingInput(False, True, "dissatisfied"),
        now=local(2026, 5, 20, 9),
    )


def test_the_staff_page_offers_the_form_to_those_who_may(world, callback):
    url = f"/staff/orders/{callback.order_id}/"
    action = f'action="/staff/ratings/{callback.pk}/validity/"'
    page = logged_in(world.dispatcher_a).get(url).content.decode()
    assert action in page
    assert "Why it does not count" in page
    assert '<input type="hidden" name="valid" value="0">' in page
    assert "Mark as not valid" in page
    assert action in logged_in(world.county_admin).get(url).content.decode()


def test_staff_mark_a_callback_not_valid_on_the_order_page(world, callback):
    client = logged_in(world.dispatcher_a)
    response = client.post(
        f"/staff/ratings/{callback.pk}/validity/", {"valid": "0", "reason": "无人接听"}
    )
    assert (response.status_code, response["Location"]) == (
        302,
        f"/staff/orders/{callback.order_id}/",
    )
    assert Rating.objects.get(pk=callback.pk).valid is False
    page = client.get(response["Location"]).content.decode()
    assert "The rating no longer counts." in page
    assert "Count this rating again" in page
    assert "Reason it counts after all" in page
    assert "Rating marked not valid" in page  # the staff-only step in the timeline
    assert "#1 无人接听" in page
    assert '<input type="hidden" name="valid" value="1">' in page


def test_the_web_form_refuses_without_a_reason_and_writes_nothing(world, callback):
    before = snapshot(callback.order)
    response = logged_in(world.dispatcher_a).post(
        f"/staff/ratings/{callback.pk}/validity/", {"valid": "0", "reason": ""}
    )
    assert response.status_code == 400
    assert "Please give a reason." in response.content.decode()
    assert snapshot(callback.order) == before
    assert Rating.objects.get(pk=callback.pk).valid is True


def test_the_web_form_refuses_a_missing_choice(world, callback):
    before = snapshot(callback.order)
    response = logged_in(world.dispatcher_a).post(
        f"/staff/ratings/{callback.pk}/validity/", {"reason": "x"}
    )
    assert response.status_code == 400
    assert snapshot(callback.order) == before


def api(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_rest_endpoint_marks_and_answers_with_the_rating(world, callback):
    response = api(world.dispatcher_a).post(
        f"/api/v1/ratings/{callback.pk}/validity/",
        {"valid": False, "reason": "nobody answered"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["valid"]) == (callback.pk, False)
    again = api(world.dispatcher_a).post(
        f"/api/v1/ratings/{callback.pk}/validity/",
        {"valid": False, "reason": "twice"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "rating_validity_unchanged"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"valid": False}, "reason"),
        ({"reason": "x"}, "valid"),
        ({"valid": "maybe", "reason": "x"}, "valid"),
    ],
)
def test_the_rest_endpoint_refuses_bad_bodies(world, callback, body, field):
    before = snapshot(callback.order)
    response = api(world.dispatcher_a).post(
        f"/api/v1/ratings/{callback.pk}/validity/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in [e.get("field") for e in response.json()["errors"]]
    assert snapshot(callback.order) == before


def test_an_unknown_rating_is_a_404_in_the_api(world, callback):
    response = api(world.dispatcher_a).post(
        "/api/v1/ratings/99999999999999999999/validity/",
        {"valid": False, "reason": "x"},
        format="json",
    )
    assert response.status_code == 404
