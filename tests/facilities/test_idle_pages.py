"""The idle pages in English and the REST list: what a county officer reads (the facility,
its causes with their evidence, the figures against its peers, twelve months of use, the
owner and deadline), the CSV export, closing and reassigning through the forms, and the
filters' refusals."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from minsheng.facilities.models import IdleFlag, PortalViews
from minsheng.facilities.services.idle import facility_idle_detect
from tests.facilities.idle_helpers import AS_OF, shops, snapshot
from tests.orders.test_permission_table import api_client
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(world):  # type: ignore[no-untyped-def]
    s = shops(world)
    for f, views in [(s.b, 10), (s.c, 20), (s.d, 30)]:
        PortalViews.objects.create(facility=f, day=AS_OF - timedelta(days=3), views=views)
    facility_idle_detect(as_of=AS_OF)
    return IdleFlag.objects.select_related("facility").get()


def test_the_list_shows_the_flag_with_its_cause_owner_and_overdue_deadline(world, flag) -> None:  # type: ignore[no-untyped-def]
    page = logged_in(world.dispatcher_a).get("/staff/facilities/idle/").content.decode()
    assert flag.facility.name_en in page
    assert (
        "Few residents know of it (low portal views, no survey awareness): 0.0 views per 1,000"
        in page
    )
    assert "grid" in page  # the owner's name
    assert "2026-07-14" in page and "1 follow-up overdue" in page


def test_filters_narrow_the_list_and_a_bad_one_is_a_400(world, flag) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world.dispatcher_a)
    assert (
        flag.facility.name_en
        in client.get("/staff/facilities/idle/?cause=publicity").content.decode()
    )
    assert (
        flag.facility.name_en
        not in client.get("/staff/facilities/idle/?cause=stale").content.decode()
    )
    assert (
        flag.facility.name_en
        not in client.get("/staff/facilities/idle/?township=T2").content.decode()
    )
    assert (
        flag.facility.name_en
        not in client.get("/staff/facilities/idle/?status=closed").content.decode()
    )
    bad = client.get("/staff/facilities/idle/?cause=nope&township=ZZ")
    assert bad.status_code == 400
    assert "No such cause." in bad.content.decode() and "No such township." in bad.content.decode()


def test_the_csv_export(world, flag) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(world.county_admin).get("/staff/facilities/idle/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Idle facilities"]
    assert rows[1][:4] == ["Facility", "Township", "Place", "Computed on"]
    assert rows[2] == [
        flag.facility.name_en,
        world.town_a.name,
        world.village_a.name,
        "2026-06-30",
        "10.0",
        "100.0",
        "3",
        "",
        "Few residents know of it (low portal views, no survey awareness)",
        "grid",
        "2026-07-14",
        "Open",
        "",
    ]


def test_the_flag_page_shows_figures_evidence_and_use(world, flag) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(world.dispatcher_a).get(f"/staff/facilities/idle/{flag.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>10.0</td>" in page and "<td>100.0</td>" in page and "<td>3</td>" in page
    assert "0.0 portal views per 1,000 served in 90 days (peers&#x27; median 20.0)" in page
    assert "awareness in surveys: not asked" in page
    assert page.count('<th scope="row">20') == 12  # twelve months in the table
    assert 'id="use-data"' in page
    assert "Close with the action taken" in page and "Reassign" in page


def test_closing_without_an_action_re_renders_with_the_error_linked(world, flag) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world.dispatcher_a)
    before = snapshot()
    response = client.post(f"/staff/facilities/idle/{flag.pk}/close/", {"action": " "})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="#c{flag.pk}-action"' in page
    assert "a flag is closed only with the action taken" in page
    assert snapshot() == before
    done = client.post(f"/staff/facilities/idle/{flag.pk}/close/", {"action": "Moved the hours"})
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "Moved the hours" in page and "Close with the action taken" not in page


def test_reassigning_through_the_form(world, flag) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world.dispatcher_a)
    due = timezone.localdate() + timedelta(days=5)
    bad = client.post(f"/staff/facilities/idle/{flag.pk}/assign/", {"owner": "", "due_on": "x"})
    assert bad.status_code == 400
    ok = client.post(
        f"/staff/facilities/idle/{flag.pk}/assign/",
        {"owner": str(world.dispatcher_a.pk), "due_on": due.isoformat()},
    )
    assert ok.status_code == 302
    flag.refresh_from_db()
    assert (flag.owner_id, flag.due_on) == (world.dispatcher_a.pk, due)


def test_the_rest_list(world, flag) -> None:  # type: ignore[no-untyped-def]
    client = api_client(world.dispatcher_a)
    body = client.get("/api/v1/idle-flags/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert {
        k: row[k] for k in ["id", "facility", "township", "use_per_resident", "peer_median"]
    } == {
        "id": flag.pk,
        "facility": flag.facility_id,
        "township": "T1",
        "use_per_resident": 0.01,
        "peer_median": 0.1,
    }
    assert row["causes"] == [
        {
            "code": "publicity",
            "figure": 0.0,
            "detail": {"peers_views_median": 20.0, "awareness": None},
        }
    ]
    assert (row["owner"], row["due_on"], row["status"]) == (
        world.grid_worker.pk,
        "2026-07-14",
        "open",
    )
    assert client.get("/api/v1/idle-flags/?status=closed").json()["count"] == 0
    bad = client.get("/api/v1/idle-flags/?status=nope")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "status"


def test_the_awareness_page_sets_a_question(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world.county_admin)
    assert "None yet" in client.get("/staff/facilities/idle/awareness/").content.decode()
    bad = client.post("/staff/facilities/idle/awareness/", {"choice": "", "kind": ""})
    assert bad.status_code == 400
    assert 'href="#f-choice"' in bad.content.decode()


def test_a_cause_links_to_its_part_s_page_only_where_the_page_exists(world, flag) -> None:  # type: ignore[no-untyped-def]
    from minsheng.facilities.views.idle import page_if_any

    assert page_if_any("/staff/facilities/idle/{pk}/", 7) == "/staff/facilities/idle/7/"
    assert page_if_any("/staff/facilities/{pk}/no-such-page/", 7) == ""
    assert page_if_any("", 7) == ""
