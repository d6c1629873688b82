"""The permission table of the indicators page (``insights.policy``): who may read the
indicators and standards (``can_see_planning``), who may edit them and import statistics
(``can_configure_indicators``). Anonymous users go to the login page; other refusals are
403; a refused or bad edit or import leaves every table as it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from minsheng.accounts.models import Role
from minsheng.insights import policy
from minsheng.insights.models import ImportedValue, Indicator
from tests.factories import make_user
from tests.orders.test_permission_table import user_of

pytestmark = pytest.mark.django_db

URL = "/staff/planning/indicators/"
ACTORS = [
    "anonymous",
    "resident",
    "grid_worker",
    "provider_staff",
    "dispatcher_a",  # a township's dispatcher
    "county_dispatcher",
    "county_admin",
]
SEES = {"dispatcher_a", "county_dispatcher", "county_admin"}
CONFIGURES = {"county_admin"}
CSV = b"indicator,region,month,value\nhealth_doctors_per_1000,T1,2026-05,2.4\n"


@pytest.fixture
def table(world: Any) -> Any:
    world.county_dispatcher = make_user(Role.DISPATCHER, world.county, username="disp_c")
    return world


def web(world: Any, who: str) -> Client:
    c = Client()
    if who != "anonymous":
        c.force_login(user_of(world, who))
    return c


def state() -> list[Any]:
    return list(Indicator.objects.values_list("code", "standard", "weight", "active")) + list(
        ImportedValue.objects.values_list("indicator_id", "region_id", "month", "value")
    )


@pytest.mark.parametrize("who", ACTORS)
def test_reading_the_indicators(table, who):
    user = user_of(table, who)
    assert policy.can_see_planning(user) is (who in SEES)
    assert policy.can_configure_indicators(user) is (who in CONFIGURES)
    got = web(table, who).get(URL)
    if who == "anonymous":
        assert got.status_code == 302 and "/accounts/login/" in got["Location"]
        return
    assert got.status_code == (200 if who in SEES else 403)
    if who in SEES:
        body = got.content.decode()
        assert "response_rate" in body
        assert ("?edit=" in body) is (who in CONFIGURES)
        assert ('name="file"' in body) is (who in CONFIGURES)


@pytest.mark.parametrize("who", ACTORS)
def test_editing_an_indicator(table, who):
    before = state()
    got = web(table, who).post(
        URL,
        {"action": "edit", "indicator": "health_access_3km", "standard": "0.8", "weight": "2",
         "active": "on"},
    )  # fmt: skip
    if who == "anonymous":
        assert got.status_code == 302 and "/accounts/login/" in got["Location"]
    elif who in CONFIGURES:
        assert got.status_code == 302
        i = Indicator.objects.get(code="health_access_3km")
        assert (i.standard, i.weight, i.active) == (0.8, 2.0, True)
        return
    else:
        assert got.status_code == 403
    assert state() == before


@pytest.mark.parametrize("who", ACTORS)
def test_importing_statistics(table, who):
    before = state()
    upload = SimpleUploadedFile("s.csv", CSV, content_type="text/csv")
    got = web(table, who).post(URL, {"action": "import", "file": upload})
    if who in CONFIGURES:
        assert got.status_code == 200
        assert ImportedValue.objects.get().value == 2.4
        return
    assert got.status_code == (302 if who == "anonymous" else 403)
    assert state() == before


def test_bad_edit_is_400_with_errors_beside_the_fields_and_nothing_saved(table):
    before = state()
    with translation.override("en"):
        got = web(table, "county_admin").post(
            URL, {"action": "edit", "indicator": "health_access_3km", "standard": "-1",
                  "weight": "x"},
            HTTP_ACCEPT_LANGUAGE="en",
        )  # fmt: skip
    assert got.status_code == 400
    body = got.content.decode()
    assert 'id="i-standard-error"' in body and 'id="i-weight-error"' in body
    assert 'aria-invalid="true"' in body
    assert state() == before


def test_bad_import_is_400_every_row_listed_and_nothing_written(table):
    before = state()
    data = CSV + b"response_rate,T1,2026-05,1\nhealth_doctors_per_1000,ZZ,2026-05,1\n"
    upload = SimpleUploadedFile("s.csv", data, content_type="text/csv")
    got = web(table, "county_admin").post(URL, {"action": "import", "file": upload})
    assert got.status_code == 400
    body = got.content.decode()
    assert "not_imported" in body and "unknown_region" in body
    assert state() == before


def test_check_only_writes_nothing(table):
    upload = SimpleUploadedFile("s.csv", CSV, content_type="text/csv")
    got = web(table, "county_admin").post(URL, {"action": "check", "file": upload})
    assert got.status_code == 200
    assert not ImportedValue.objects.exists()


def test_edit_form_is_shown_with_the_current_figures(table):
    got = web(table, "county_admin").get(URL, {"edit": "health_access_3km"})
    body = got.content.decode()
    assert got.status_code == 200
    assert 'name="standard"' in body and 'value="0.9"' in body
