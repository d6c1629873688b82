"""The activity pages (English) and the REST endpoints: what each shows, the forms' round
trips, refusals re-rendered by their fields with nothing written, and the exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from minsheng.accounts.models import Role
from minsheng.facilities.models import Activity, ActivityRating, ActivityStatus, Signup
from minsheng.facilities.services import activities as svc
from tests.facilities.activities_helpers import held_activity, make_activity, snapshot, soon
from tests.factories import make_user
from tests.orders.test_permission_table import api_client
from tests.web.conftest import english_client, logged_in

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def text(response) -> str:
    return response.content.decode()


# --- public -----------------------------------------------------------------------------------


def test_list_shows_announced_upcoming_with_the_residents_village_first(world):
    other = make_activity(
        world,
        actor=world.dispatcher_b,
        status="announced",
        village="V2",
        title="乙村广场舞",
        kind="square-dance",
        starts=soon() - timedelta(days=2),
    )
    mine = make_activity(world, status="announced", title="甲村电影")
    make_activity(world, title="草稿不显示")
    page = text(logged_in(world.resident).get("/activities/"))
    assert "2 activities coming up" in page
    assert page.index("甲村电影") < page.index("乙村广场舞")
    assert "草稿不显示" not in page
    assert "Your village" in page
    anonymous = text(english_client().get("/activities/"))
    assert anonymous.index("乙村广场舞") < anonymous.index("甲村电影")  # by start
    assert other.pk != mine.pk


def test_list_filters_by_township_village_and_kind(world):
    make_activity(world, status="announced", title="甲村电影")
    make_activity(
        world,
        actor=world.dispatcher_b,
        status="announced",
        village="V2",
        title="乙村广场舞",
        kind="square-dance",
    )
    client = english_client()
    assert "乙村广场舞" not in text(client.get("/activities/?township=T1"))
    assert "甲村电影" not in text(client.get("/activities/?village=V2"))
    page = text(client.get("/activities/?kind=square-dance"))
    assert "乙村广场舞" in page and "甲村电影" not in page
    bad = text(client.get("/activities/?township=ZZ&kind=ballet"))
    assert "No such township." in bad and "No such kind of activity." in bad


def test_detail_sign_up_and_withdraw_on_the_page(world):
    a = make_activity(world, status="announced", capacity="3")
    client = logged_in(world.resident)
    page = text(client.get(f"/activities/{a.pk}/"))
    assert "Sign me up" in page and "0 of 3 places taken" in page
    response = client.post(f"/activities/{a.pk}/signup/")
    assert response.status_code == 302 and response["Location"] == f"/activities/{a.pk}/"
    page = text(client.get(f"/activities/{a.pk}/"))
    assert "You have signed up." in page and "1 of 3 places taken" in page
    assert "Withdraw my sign-up" in page
    again = client.post(f"/activities/{a.pk}/signup/")
    assert again.status_code == 409
    assert "You have already signed up." in text(again)
    assert client.post(f"/activities/{a.pk}/withdraw/").status_code == 302
    assert not Signup.objects.exists()


def test_a_draft_is_not_found_by_the_public(world):
    a = make_activity(world)
    assert english_client().get(f"/activities/{a.pk}/").status_code == 404
    assert logged_in(world.resident).post(f"/activities/{a.pk}/signup/").status_code == 404
    assert logged_in(world.dispatcher_a).get(f"/activities/{a.pk}/").status_code == 200


def test_rate_a_held_activity_on_the_page(world):
    start = datetime(2026, 5, 2, 19, tzinfo=TZ)
    a = held_activity(world, starts=start, signups=[world.resident], attended=[world.resident])
    client = logged_in(world.resident)
    page = text(client.get(f"/activities/{a.pk}/"))
    assert "Send my rating" in page and "No ratings yet." in page
    before = snapshot(a)
    bad = client.post(f"/activities/{a.pk}/rate/", {"score": "9"})
    assert bad.status_code == 400
    assert "A whole number from 1 to 5." in text(bad)
    assert snapshot(a) == before
    assert (
        client.post(f"/activities/{a.pk}/rate/", {"score": "4", "comment": "不错"}).status_code
        == 302
    )
    page = text(client.get(f"/activities/{a.pk}/"))
    assert "You rated it 4 out of 5." in page and "4.0 out of 5 from 1 rating" in page
    assert ActivityRating.objects.get().comment == "不错"


def test_a_cancelled_activity_shows_its_reason(world):
    a = make_activity(world, status="announced")
    svc.activity_cancel(actor=world.dispatcher_a, activity_id=a.pk, reason="暴雨预警")
    page = text(english_client().get(f"/activities/{a.pk}/"))
    assert "Cancelled: 暴雨预警" in page and "Sign-up is closed." in page


# --- staff ------------------------------------------------------------------------------------


def _form(**over):
    starts = soon()
    values = {
        "title": "健康讲座：高血压",
        "kind": "health-talk",
        "village": "V1",
        "facility": "",
        "starts_at": starts.astimezone(TZ).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).astimezone(TZ).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "50",
        "custom": "",
        "description": "",
    }
    values.update(over)
    return values


def test_staff_create_announce_attendance_and_held(world, django_capture_on_commit_callbacks):
    client = logged_in(world.dispatcher_a)
    page = text(client.get("/staff/activities/new/"))
    assert "New activity" in page and 'name="village"' in page and 'value="V1"' in page
    assert 'value="V2"' not in page  # only their township's villages
    response = client.post("/staff/activities/new/", _form())
    a = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/activities/{a.pk}/"
    assert (a.title, a.status, a.capacity) == ("健康讲座：高血压", ActivityStatus.DRAFT, 50)
    page = text(client.get(f"/staff/activities/{a.pk}/"))
    assert "Announce it" in page and "Nobody has signed up yet." in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/staff/activities/{a.pk}/announce/").status_code == 302
    a.refresh_from_db()
    assert a.status == ActivityStatus.ANNOUNCED
    listing = text(client.get("/staff/activities/"))
    assert "健康讲座：高血压" in listing and "Announced" in listing


def test_staff_form_errors_link_to_their_fields_and_write_nothing(world):
    client = logged_in(world.dispatcher_a)
    response = client.post("/staff/activities/new/", _form(title="", ends_at="2020-01-01T10:00"))
    assert response.status_code == 400
    page = text(response)
    assert 'href="#f-title"' in page and 'href="#f-ends_at"' in page
    assert "The end must be after the start." in page
    assert Activity.objects.count() == 0


def test_staff_edit_round_trip(world):
    a = make_activity(world, capacity="10")
    client = logged_in(world.dispatcher_a)
    page = text(client.get(f"/staff/activities/{a.pk}/edit/"))
    assert 'value="10"' in page and "Change the activity" in page
    assert client.post(f"/staff/activities/{a.pk}/edit/", _form(title="改名了")).status_code == 302
    a.refresh_from_db()
    assert (a.title, a.kind.code, a.capacity) == ("改名了", "health-talk", 50)


def test_staff_attendance_and_held_on_the_page(world):
    start = datetime(2026, 5, 2, 19, tzinfo=TZ)
    a = make_activity(world, status="announced", now=start - timedelta(days=1), starts=start)
    s = svc.signup_create(actor=world.resident, activity_id=a.pk, now=start - timedelta(days=1))
    client = logged_in(world.dispatcher_a)
    page = text(client.get(f"/staff/activities/{a.pk}/"))
    assert "Record the attendance" in page and "Mark as held" in page
    refused = client.post(f"/staff/activities/{a.pk}/held/")
    assert refused.status_code == 409 and "Record the attendance first." in text(refused)
    bad = client.post(
        f"/staff/activities/{a.pk}/attendance/", {"attendance": "0", "attended": [s.pk]}
    )
    assert bad.status_code == 400 and "the total is at least that" in text(bad)
    ok = client.post(
        f"/staff/activities/{a.pk}/attendance/", {"attendance": "25", "attended": [s.pk]}
    )
    assert ok.status_code == 302
    assert client.post(f"/staff/activities/{a.pk}/held/").status_code == 302
    a.refresh_from_db()
    assert (a.status, a.attendance) == (ActivityStatus.HELD, 25)
    assert Signup.objects.get().attended is True


def test_staff_cancel_needs_a_reason(world):
    a = make_activity(world, status="announced")
    client = logged_in(world.dispatcher_a)
    bad = client.post(f"/staff/activities/{a.pk}/cancel/", {"reason": ""})
    assert bad.status_code == 400 and "This field is required." in text(bad)
    assert client.post(f"/staff/activities/{a.pk}/cancel/", {"reason": "停电"}).status_code == 302
    a.refresh_from_db()
    assert (a.status, a.cancel_reason) == (ActivityStatus.CANCELLED, "停电")


# --- variety ----------------------------------------------------------------------------------


@pytest.fixture
def varied(world):
    held_activity(world, starts=datetime(2026, 7, 3, 19, tzinfo=TZ), attendance=60)
    held_activity(world, starts=datetime(2026, 8, 3, 19, tzinfo=TZ), attendance=20, kind="opera")
    held_activity(
        world, starts=datetime(2026, 9, 3, 19, tzinfo=TZ), attendance=20, kind="square-dance"
    )
    return world


def test_variety_page(varied):
    page = text(logged_in(varied.county_admin).get("/staff/activities/variety/?quarter=2026Q3"))
    assert "Variety of activities by village" in page
    assert "0.950" in page and "0.865" in page
    assert "1 monotonous village" in page  # V2: nothing held
    bad = logged_in(varied.county_admin).get("/staff/activities/variety/?quarter=2026Q9")
    assert bad.status_code == 400
    assert "Give the quarter as YYYYQn, for example 2026Q3." in text(bad)


def test_variety_exports(varied):
    client = logged_in(varied.county_admin)
    response = client.get("/staff/activities/variety/?quarter=2026Q3&format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="activity-variety-2026Q3.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == [
        "Township",
        "Village",
        "Kinds held",
        "Activities",
        "Attendance",
        "Shannon diversity (H)",
        "Evenness",
        "Monotonous",
        "Kinds",
    ]
    w = varied
    assert rows[2][:8] == [
        w.town_a.name_en,
        w.village_a.name_en,
        "3",
        "3",
        "100",
        "0.95",
        "0.865",
        "no",
    ]
    assert rows[3][:8] == [w.town_b.name_en, w.village_b.name_en, "0", "0", "0", "0.0", "", "yes"]
    response = client.get("/staff/activities/variety/?quarter=2026Q3&format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    expected = [w.town_a.name_en, w.village_a.name_en, 3, 3, 100, 0.95, 0.865, "no"]
    assert expected in [r[:8] for r in values]


# --- REST -------------------------------------------------------------------------------------


def test_api_list_and_detail_are_public_and_show_announced_and_held(world):
    a = make_activity(world, status="announced", capacity="20")
    make_activity(world, title="草稿")
    held = held_activity(world, starts=datetime(2026, 5, 2, 19, tzinfo=TZ), attendance=9)
    client = api_client(english_client_user())
    body = client.get("/api/v1/activities/").json()
    assert body["count"] == 2
    assert [r["id"] for r in body["results"]] == [a.pk, held.pk]
    row = body["results"][0]
    assert {
        k: row[k] for k in ("kind", "village", "township", "capacity", "signups", "status")
    } == {
        "kind": "film-night",
        "village": "V1",
        "township": "T1",
        "capacity": 20,
        "signups": 0,
        "status": "announced",
    }
    assert client.get("/api/v1/activities/?status=held").json()["count"] == 1
    assert client.get("/api/v1/activities/?village=V2").json()["count"] == 0
    bad = client.get("/api/v1/activities/?village=ZZ")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "village"
    detail = client.get(f"/api/v1/activities/{a.pk}/").json()
    assert (detail["id"], detail["signed_up"], detail["cancel_reason"]) == (a.pk, False, "")
    draft = Activity.objects.get(title="草稿")
    assert client.get(f"/api/v1/activities/{draft.pk}/").status_code == 404
    assert client.get("/api/v1/activities/999999/").status_code == 404


def english_client_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_api_signup(world):
    a = make_activity(world, status="announced", capacity="1")
    response = api_client(world.resident).post(f"/api/v1/activities/{a.pk}/signup/")
    assert response.status_code == 201
    assert (response.json()["signed_up"], response.json()["signups"]) == (True, 1)
    again = api_client(world.resident).post(f"/api/v1/activities/{a.pk}/signup/")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "activity_already_signed_up"
    other = make_user(Role.RESIDENT, world.village_a, username="other")
    full = api_client(other).post(f"/api/v1/activities/{a.pk}/signup/")
    assert (full.status_code, full.json()["errors"][0]["code"]) == (409, "activity_full")
    staff = api_client(world.dispatcher_a).post(f"/api/v1/activities/{a.pk}/signup/")
    assert (staff.status_code, staff.json()["errors"][0]["code"]) == (403, "activity_not_resident")
    assert (
        api_client(english_client_user()).post(f"/api/v1/activities/{a.pk}/signup/").status_code
        == 401
    )
    assert Signup.objects.count() == 1
