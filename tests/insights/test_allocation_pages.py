"""The allocation planning pages: cells from the snapshot, a run saved and shown, downloads,
bad input (400, nothing saved), no snapshot yet."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from minsheng.catalog.models import ServiceArea
from minsheng.insights.allocation_cells import snapshot_cells
from minsheng.insights.models import AreaAttainment, LocalWeight, PlanningRun, SpendingBand
from minsheng.regions.models import Region
from tests.orders.test_permission_table import table_world, user_of  # noqa: F401

pytestmark = pytest.mark.django_db
MONTH = date(2026, 5, 1)
URL = "/staff/planning/allocation/"


def snapshot(world: Any) -> ServiceArea:
    """V1 (T1, rural) at 0.2 and V2 (T2) at 0.4 in one area, 100 residents each; one band
    0-1 at 100 yuan per resident per point (gain 1 per 10,000 yuan, capacity 8,000 / 6,000)."""
    area = ServiceArea.objects.create(code="alloc-edu", name_zh="教育", name_en="Education")
    now = timezone.now()
    for code, att in (("V1", 0.2), ("V2", 0.4)):
        Region.objects.filter(code=code).update(kind=Region.Kind.RURAL)
        AreaAttainment.objects.create(
            month=MONTH,
            region=Region.objects.get(code=code),
            area=area,
            attainment=att,
            population=100,
            gap_people=100 * (1 - att),
            computed_at=now,
        )
    SpendingBand.objects.create(area=area, rural=None, lower=0, upper=1, yuan_per_resident=100)
    return area


def client_for(world: Any, who: str) -> Client:
    c = Client()
    c.force_login(user_of(world, who))
    c.cookies["django_language"] = "en"  # the pages are Chinese unless the person chose
    return c


def test_cells_come_from_the_snapshot_with_bands_and_weights(table_world):  # noqa: F811
    area = snapshot(table_world)
    LocalWeight.objects.create(region=Region.objects.get(code="T1"), area=area, weight=1.5)
    cells, places = snapshot_cells(MONTH, Region.objects.get(code="C"))
    assert [(c.region, c.area, c.within) for c in cells] == [
        ("V1", "alloc-edu", ("T1",)),
        ("V2", "alloc-edu", ("T2",)),
    ]
    v1 = cells[0]
    assert v1.bands[0].capacity == pytest.approx(0.8 * 100 * 100)
    assert v1.bands[0].gain == pytest.approx(1.0)
    assert v1.weight == 1.5 and cells[1].weight == 1.0
    assert v1.rural is True
    assert places[0].township.code == "T1"


def test_a_county_planner_runs_an_allocation_and_sees_it(table_world):  # noqa: F811
    snapshot(table_world)
    c = client_for(table_world, "county_admin")
    got = c.post(
        URL,
        {
            "budget": "4000",
            "objective": "maximin",
            "month": "2026-05",
            "name": "May run",
            "cap_T2": "1000",
        },
    )
    run = PlanningRun.objects.get()
    assert got.status_code == 302 and got["Location"] == f"{URL}{run.pk}/"
    assert run.kind == "allocation" and run.scope.code == "C" and run.month == MONTH
    assert run.inputs["limits"] == {"T2": {"floor": 0.0, "cap": 1000.0}}
    # V1 to 0.4 costs 2,000 yuan; then 1,000 each lifts both to 0.5 (T2's cap: 1,000).
    spend = {cell["region"]: cell["spend"]["maximin"] for cell in run.result["cells"]}
    assert spend == pytest.approx({"V1": 3000, "V2": 1000}, abs=0.01)
    assert run.result["summary"]["maximin"]["min"] == pytest.approx(0.5)
    page = c.get(f"{URL}{run.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Price of fairness" in body and "May run" in body
    listing = c.get(URL).content.decode()
    assert f"{URL}{run.pk}/" in listing


def test_the_allocation_downloads_as_csv_and_xlsx(table_world):  # noqa: F811
    snapshot(table_world)
    c = client_for(table_world, "county_admin")
    c.post(URL, {"budget": "4000", "objective": "leximin", "month": "2026-05"})
    run = PlanningRun.objects.get()
    csv = c.get(f"{URL}{run.pk}/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "Village code" in text and "V1" in text and "3000" in text
    xlsx = c.get(f"{URL}{run.pk}/", {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert c.get(f"{URL}{run.pk}/", {"format": "pdf"}).status_code == 400


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"budget": "-5"}, "budget", "greater than or equal to 0.01"),
        ({"budget": "abc"}, "budget", "Enter a number"),
        ({"floor_T1": "500", "cap_T1": "100"}, "floor_T1", "The floor is above the cap."),
        (
            {"budget": "100", "floor_T1": "60", "floor_T2": "60"},
            "budget",
            "below the sum of the floors",
        ),
        ({"budget": "10000", "floor_T1": "9000"}, "floor_T1", "more than its cells can take"),
        ({"month": "2020-01"}, "month", "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(
    table_world,  # noqa: F811
    data,
    field,
    message,
):
    snapshot(table_world)
    c = client_for(table_world, "county_admin")
    form = {"budget": "4000", "objective": "maximin", "month": "2026-05", **data}
    got = c.post(URL, form, HTTP_ACCEPT_LANGUAGE="en")
    assert got.status_code == 400
    assert f'id="id_{field}-error"' in got.content.decode()  # beside the field
    with translation.override("en"):
        assert message in " ".join(str(e) for e in got.context["form"].errors[field])
    assert PlanningRun.objects.count() == 0


def test_no_snapshot_yet_says_so(table_world):  # noqa: F811
    got = client_for(table_world, "county_admin").get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert got.status_code == 200
    assert "There is no attainment snapshot yet" in got.content.decode()


def test_a_township_dispatcher_sees_runs_but_has_no_form(table_world):  # noqa: F811
    snapshot(table_world)
    client_for(table_world, "county_admin").post(
        URL, {"budget": "4000", "objective": "utilitarian", "month": "2026-05"}
    )
    run = PlanningRun.objects.get()
    c = client_for(table_world, "dispatcher_a")
    page = c.get(URL)
    assert page.status_code == 200 and page.context["form"] is None
    # can_see_run: a run for the county is above T1's scope, so neither listed nor shown.
    assert f"{URL}{run.pk}/" not in page.content.decode()
    assert c.get(f"{URL}{run.pk}/").status_code == 404
    assert (
        c.post(URL, {"budget": "4000", "objective": "maximin", "month": "2026-05"}).status_code
        == 403
    )
    assert PlanningRun.objects.count() == 1
