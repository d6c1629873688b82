"""The use pages in English: entering a day's counts on a phone, this month's table and the
twelve months, the import with its row errors and confirmation, and the counter devices."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minsheng.facilities.models import CounterDevice, Kind, UseCount, UseSource
from tests.facilities.factories import make_facility
from tests.facilities.use_helpers import counts_of, snapshot
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shop(world: Any) -> Any:
    return make_facility(world.village_a, code="v1-bookshop", keepers=[world.grid_worker])


def test_the_entry_form_asks_for_the_kinds_that_fit(world: Any, shop: Any) -> None:
    response = logged_in(world.grid_worker).get(f"/staff/facilities/{shop.pk}/use/")
    assert response.status_code == 200
    html = response.content.decode()
    today = timezone.localdate().isoformat()
    assert f'<input type="date" id="date" name="date" value="{today}" max="{today}"' in html
    assert re.findall(r'name="(count_\w+)"', html) == ["count_visits", "count_loans"]
    assert '<label for="count_loans">Loans</label>' in html
    assert "Counter devices" not in html  # a keeper does not manage devices


def test_entering_counts_saves_and_shows_them_in_the_month(world: Any, shop: Any) -> None:
    client = logged_in(world.grid_worker)
    today = timezone.localdate()
    response = client.post(
        f"/staff/facilities/{shop.pk}/use/",
        {"date": today.isoformat(), "count_visits": "14", "count_loans": "6"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/staff/facilities/{shop.pk}/use/", 302)]
    html = response.content.decode()
    assert f"Saved 2 counts for {today.isoformat()}." in html
    assert counts_of(shop) == [
        (today.isoformat(), "loans", 6, "staff"),
        (today.isoformat(), "visits", 14, "staff"),
    ]
    # this month's row: visits, loans, residents served (loans are not people)
    assert f'<th scope="row">{today.isoformat()}</th><td>14</td><td>6</td><td>14</td>' in html
    # the twelve months: this month's totals, the chart's data
    assert f'<th scope="row">{today:%Y-%m}</th><td>14</td><td>6</td><td>14</td>' in html
    assert 'id="use-data"' in html and '"data": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 14]' in html


def test_a_refused_entry_says_why_next_to_the_field_and_writes_nothing(
    world: Any, shop: Any
) -> None:
    before = snapshot()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = logged_in(world.grid_worker).post(
        f"/staff/facilities/{shop.pk}/use/",
        {"date": tomorrow, "count_visits": "-4", "count_loans": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#date">The date is in the future: count a day once it is over.</a>' in html
    assert '<a href="#count_visits">A count cannot be negative.</a>' in html
    assert 'id="count_visits" name="count_visits" value="-4" aria-invalid="true"' in html
    assert snapshot() == before


def test_the_month_shows_the_largest_source_and_orders(world: Any, shop: Any) -> None:
    today = timezone.localdate()
    now = timezone.now()
    for kind, source, n in (
        ("visits", UseSource.DEVICE, 20),
        ("visits", UseSource.STAFF, 9),
        ("orders", UseSource.ORDERS, 2),
    ):
        UseCount.objects.create(facility=shop, day=today, kind=kind, count=n, source=source, recorded_at=now)  # fmt: skip
    html = logged_in(world.dispatcher_a).get(f"/staff/facilities/{shop.pk}/use/").content.decode()
    assert re.findall(r'<th scope="col">([^<]+)</th>', html)[:5] == [
        "Day", "Visits", "Loans", "Orders delivered here", "Residents served",
    ]  # fmt: skip
    assert (
        f'<th scope="row">{today.isoformat()}</th><td>20</td><td>—</td><td>2</td><td>22</td>'
        in html
    )
    assert f'href="/staff/facilities/{shop.pk}/devices/"' in html  # a manager's link


def test_infrastructure_has_no_entry_form(world: Any) -> None:
    road = make_facility(world.town_a, Kind.ROAD)
    html = logged_in(world.county_admin).get(f"/staff/facilities/{road.pk}/use/").content.decode()
    assert 'name="count_' not in html
    assert "Use is counted only at open (or temporarily closed) facilities" in html


def _upload(client: Any, content: bytes) -> Any:
    return client.post(
        "/staff/facilities/use/import/",
        {"step": "check", "file": SimpleUploadedFile("counts.csv", content, "text/csv")},
    )


def test_import_checks_then_imports_on_confirmation(world: Any, shop: Any) -> None:
    client = logged_in(world.grid_worker)
    assert client.get("/staff/facilities/use/import/").status_code == 200
    content = b"facility,date,kind,count\nv1-bookshop,2026-03-01,visits,12\nv1-bookshop,2026-03-01,loans,-1\n"
    before = snapshot()
    response = _upload(client, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<th scope="row">3</th><td>count</td><td>A count cannot be negative. <span class="meta">(negative)</span></td>'
        in html
    )
    assert "2 rows read" in html and "1 count ready to import" in html and "1 problem" in html
    assert snapshot() == before
    response = client.post("/staff/facilities/use/import/", {"step": "commit"})
    assert response.status_code == 400  # a bad row and no skipping: still nothing written
    assert snapshot() == before
    response = client.post(
        "/staff/facilities/use/import/", {"step": "commit", "skip_bad_rows": "on"}, follow=True
    )
    assert "Imported 1 counts for 1 facilities." in response.content.decode()
    assert counts_of(shop) == [("2026-03-01", "visits", 12, "import")]
    # the file is forgotten once imported
    response = client.post("/staff/facilities/use/import/", {"step": "commit"})
    assert "Upload the file again." in response.content.decode()


def test_import_refuses_a_missing_or_unreadable_file(world: Any, shop: Any) -> None:
    client = logged_in(world.grid_worker)
    response = client.post("/staff/facilities/use/import/", {"step": "check"})
    assert "Choose a CSV or XLSX file." in response.content.decode()
    response = _upload(client, b"facility,day\nx,y\n")
    assert response.status_code == 400
    assert "The table lacks the columns: date, kind, count." in response.content.decode()


def test_a_manager_adds_a_device_sees_its_key_once_and_revokes_it(world: Any, shop: Any) -> None:
    client = logged_in(world.dispatcher_a)
    url = f"/staff/facilities/{shop.pk}/devices/"
    assert "No counter devices yet." in client.get(url).content.decode()
    response = client.post(url, {"name": "Front door"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    device = CounterDevice.objects.get()
    key = re.search(r'id="new-key" readonly value="([^"]+)"', response.content.decode())
    assert key is not None and key.group(1).startswith(device.key_prefix + ".")
    html = client.get(url).content.decode()
    assert key.group(1) not in html
    assert f"<code>{device.key_prefix}</code>" in html and "never" in html
    response = client.post(f"{url}{device.pk}/revoke/", follow=True)
    assert "Front door is revoked: its key no longer works." in response.content.decode()
    assert CounterDevice.objects.get().active is False


def test_a_device_without_a_name_is_refused_on_the_page(world: Any, shop: Any) -> None:
    before = snapshot()
    response = logged_in(world.dispatcher_a).post(
        f"/staff/facilities/{shop.pk}/devices/", {"name": ""}
    )
    assert response.status_code == 400
    assert '<a href="#name">This field is required.</a>' in response.content.decode()
    assert snapshot() == before
