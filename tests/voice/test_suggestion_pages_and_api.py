"""The suggestion pages and REST endpoints: what each reader sees, forms that refuse in
place and write nothing, the API's shapes and statuses, the overdue command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from minsheng.voice.models import Suggestion, SuggestionEvent, Support
from minsheng.voice.services import suggestions as svc
from minsheng.voice.tasks import mark_overdue_suggestions
from tests.helpers import T0
from tests.voice.suggestions_helpers import DAY, post, residents, snapshot, support_by

pytestmark = pytest.mark.django_db

N = 2


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.MINSHENG_SUGGESTION_THRESHOLD = N


def web(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def api(user=None) -> APIClient:
    client = APIClient()
    client.cookies["django_language"] = "en"
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_public_list_filters_sorts_and_escapes(world):
    a = post(world, title="<script>alert(1)</script>", now=T0)
    b = post(world, title="第二条", place="V2", actor=world.resident2, now=T0 + DAY)
    support_by(residents(world, 1), a, now=T0 + DAY)
    page = web().get("/suggestions/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert html.index(f"/suggestions/{a.pk}/") < html.index(f"/suggestions/{b.pk}/")
    newest = web().get("/suggestions/?sort=newest").content.decode()
    assert newest.index(f"/suggestions/{b.pk}/") < newest.index(f"/suggestions/{a.pk}/")
    only_t2 = web().get("/suggestions/?place=T2").content.decode()
    assert f"/suggestions/{b.pk}/" in only_t2 and f"/suggestions/{a.pk}/" not in only_t2
    assert web().get("/suggestions/?place=nope&status=x&area=y&sort=z").status_code == 200
    assert web().get("/suggestions/?place=%00").status_code == 400


def test_posting_on_the_page_refuses_in_place_and_then_posts(world):
    client = web(world.resident)
    assert client.get("/suggestions/new/").status_code == 200
    before = snapshot()
    bad = client.post("/suggestions/new/", {"kind": "new_service", "title": "", "place": "V1"})
    assert bad.status_code == 400
    assert 'id="s-title-error"' in bad.content.decode()
    assert snapshot() == before
    ok = client.post(
        "/suggestions/new/",
        {"kind": "facility", "title": "修一座桥", "body": "河上没有桥", "place": "T1"},
    )
    s = Suggestion.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/suggestions/{s.pk}/"
    assert (s.kind, s.region_id, s.township_id) == ("facility", world.town_a.pk, world.town_a.pk)


def test_the_grid_worker_form_lists_the_residents_of_their_region(world):
    html = web(world.grid_worker).get("/suggestions/new/").content.decode()
    assert f'value="{world.resident.pk}"' in html
    assert f'value="{world.resident2.pk}"' not in html


def test_support_on_the_page_and_the_author_is_told_their_own_does_not_count(world):
    s = post(world)
    (person,) = residents(world, 1)
    mine = web(world.resident).get(f"/suggestions/{s.pk}/").content.decode()
    assert "your own support does not count" in mine
    assert f"/suggestions/{s.pk}/support/" not in mine
    client = web(person)
    assert f"/suggestions/{s.pk}/support/" in client.get(f"/suggestions/{s.pk}/").content.decode()
    assert client.post(f"/suggestions/{s.pk}/support/").status_code == 302
    again = client.post(f"/suggestions/{s.pk}/support/")
    assert again.status_code == 409
    assert Support.objects.count() == 1
    assert web(world.resident).post(f"/suggestions/{s.pk}/support/").status_code == 403
    assert web().post(f"/suggestions/{s.pk}/support/").status_code == 302  # to log in


def test_a_hidden_suggestion_shows_the_reason_to_the_public_and_the_text_to_its_staff(world):
    s = post(world, title="加微信赚大钱", body="广告内容")
    svc.suggestion_hide(actor=world.dispatcher_a, suggestion_id=s.pk, reason="广告", now=T0)
    public = web().get(f"/suggestions/{s.pk}/").content.decode()
    assert "Hidden by a moderator:" in public and "广告" in public
    assert "加微信赚大钱" not in public and "广告内容" not in public
    assert "加微信赚大钱" not in web().get("/suggestions/").content.decode()
    staff = web(world.dispatcher_a).get(f"/suggestions/{s.pk}/").content.decode()
    assert "加微信赚大钱" in staff and "广告内容" in staff
    other = web(world.dispatcher_b).get(f"/suggestions/{s.pk}/").content.decode()
    assert "加微信赚大钱" not in other
    body = api().get(f"/api/v1/suggestions/{s.pk}/").json()
    assert (body["title"], body["body"], body["hidden"], body["hidden_reason"]) == (
        "",
        "",
        True,
        "广告",
    )
    assert api().get("/api/v1/suggestions/").json()["count"] == 0


def test_the_staff_page_lists_owed_replies_overdue_first_and_the_queue(world):
    early = post(world, title="早的", now=T0)
    late = post(world, title="晚的", now=T0)
    support_by(residents(world, N), early, now=T0 + DAY)
    support_by(residents(world, N, prefix="b"), late, now=T0 + 20 * DAY)
    svc.suggestion_flag(actor=world.resident2, suggestion_id=late.pk, reason="重复", now=T0)
    out = StringIO()
    call_command("suggestions_overdue", stdout=out)
    assert out.getvalue().strip() == "overdue=2"  # both due in the past of today's clock
    assert mark_overdue_suggestions() == 0
    page = web(world.dispatcher_a).get("/staff/suggestions/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("早的") < html.index("晚的")
    assert "Overdue" in html and "重复" in html
    assert web(world.dispatcher_b).get("/staff/suggestions/").content.decode().count("早的") == 0
    assert web(world.resident).get("/staff/suggestions/").status_code == 403
    assert web().get("/staff/suggestions/").status_code == 302


def test_the_reply_form_refuses_in_place_and_publishes(world):
    s = post(world)
    support_by(residents(world, N), s, now=T0 + DAY)
    client = web(world.dispatcher_a)
    before = snapshot(s)
    bad = client.post(f"/staff/suggestions/{s.pk}/reply/", {"status": "done"})
    assert bad.status_code == 409
    assert snapshot(s) == before
    bad = client.post(f"/staff/suggestions/{s.pk}/reply/", {"status": "under_study"})
    assert bad.status_code == 400 and 'id="r' in bad.content.decode()
    ok = client.post(
        f"/staff/suggestions/{s.pk}/reply/", {"status": "under_study", "reply": "研究中"}
    )
    assert ok.status_code == 302
    s.refresh_from_db()
    assert (s.status, s.reply) == ("under_study", "研究中")
    page = web().get(f"/suggestions/{s.pk}/").content.decode()
    assert "研究中" in page and "Official reply" in page
    assert (
        web(world.dispatcher_b)
        .post(f"/staff/suggestions/{s.pk}/reply/", {"status": "adopted", "reply": "x"})
        .status_code
        == 403
    )


def test_moderation_forms(world):
    s = post(world)
    client = web(world.dispatcher_a)
    assert client.post(f"/staff/suggestions/{s.pk}/hide/", {"reason": ""}).status_code == 400
    assert client.post(f"/staff/suggestions/{s.pk}/hide/", {"reason": "spam"}).status_code == 302
    assert client.post(f"/staff/suggestions/{s.pk}/unhide/", {"note": ""}).status_code == 302
    assert client.post(f"/staff/suggestions/{s.pk}/ban/", {"reason": "spam"}).status_code == 302
    ban_page = client.get("/staff/suggestions/").content.decode()
    assert "spam" in ban_page
    from minsheng.voice.models import Ban

    ban = Ban.objects.get()
    assert client.post(f"/staff/suggestions/bans/{ban.pk}/lift/").status_code == 302
    ban.refresh_from_db()
    assert ban.lifted_at is not None
    flag = web(world.resident2).post(f"/suggestions/{s.pk}/flag/", {"reason": ""})
    assert flag.status_code == 400


# --- REST ---------------------------------------------------------------------------------------


def test_rest_post_read_support_flag_and_reply(world):
    created = api(world.resident).post(
        "/api/v1/suggestions/",
        {
            "kind": "new_service",
            "title": "老年食堂",
            "body": "需要",
            "place": "V1",
            "area": "elderly",
        },
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    pk = body["id"]
    assert (body["place"], body["township"], body["area"], body["status"]) == (
        "V1",
        "T1",
        "elderly",
        "received",
    )
    assert [e["action"] for e in body["history"]] == ["post"]
    assert api().get(f"/api/v1/suggestions/{pk}/").status_code == 200
    assert api().get("/api/v1/suggestions/999999/").status_code == 404
    people = residents(world, N)
    for person in people:
        answer = api(person).post(f"/api/v1/suggestions/{pk}/support/")
        assert answer.status_code == 200
    assert answer.json()["support_counted"] == N and answer.json()["reply_due"] is not None
    assert (
        api(people[0]).post(f"/api/v1/suggestions/{pk}/support/").json()["errors"][0]["code"]
        == "already_supported"
    )
    assert api(world.resident).post(f"/api/v1/suggestions/{pk}/support/").status_code == 403
    assert api().post(f"/api/v1/suggestions/{pk}/support/").status_code == 401
    flagged = api(world.resident2).post(
        f"/api/v1/suggestions/{pk}/flag/", {"reason": "重复"}, format="json"
    )
    assert flagged.status_code == 200
    before = snapshot(Suggestion.objects.get(pk=pk))
    wrong = api(world.dispatcher_a).post(
        f"/api/v1/suggestions/{pk}/reply/", {"status": "not_adopted", "reply": "x"}, format="json"
    )
    assert wrong.status_code == 409
    assert wrong.json()["errors"] == [
        {
            "code": "illegal_transition",
            "field": "status",
            "message": wrong.json()["errors"][0]["message"],
        }
    ]
    assert snapshot(Suggestion.objects.get(pk=pk)) == before
    ok = api(world.dispatcher_a).post(
        f"/api/v1/suggestions/{pk}/reply/",
        {"status": "under_study", "reply": "研究", "note": "内部"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "under_study"
    assert "note" in [e["action"] for e in ok.json()["history"]]
    public = api().get(f"/api/v1/suggestions/{pk}/").json()
    assert "note" not in [e["action"] for e in public["history"]]
    assert "flag" not in [e["action"] for e in public["history"]]
    assert (
        api(world.resident)
        .post(
            f"/api/v1/suggestions/{pk}/reply/", {"status": "adopted", "reply": "x"}, format="json"
        )
        .status_code
        == 403
    )


def test_rest_list_filters_and_refuses_bad_input_without_a_500(world):
    post(world, area="elderly")
    post(world, place="V2", actor=world.resident2)
    assert api().get("/api/v1/suggestions/?place=T1").json()["count"] == 1
    assert api().get("/api/v1/suggestions/?area=elderly").json()["count"] == 1
    assert api().get("/api/v1/suggestions/?status=received").json()["count"] == 2
    assert api().get("/api/v1/suggestions/?place=nope").status_code == 400
    assert api().get("/api/v1/suggestions/?ordering=title").status_code == 400
    assert api().get("/api/v1/suggestions/?ordering=-support_count").status_code == 200
    before = snapshot()
    for payload in (
        [1, 2],
        {"kind": 5, "title": 7, "body": None, "place": {"a": 1}},
        {"kind": "change", "title": "x" * 121, "body": "\x00", "place": "V1", "resident": 10**30},
    ):
        answer = api(world.resident).post("/api/v1/suggestions/", payload, format="json")
        assert answer.status_code == 400
    assert snapshot() == before
    assert api().post("/api/v1/suggestions/", {}, format="json").status_code == 401


def test_history_audiences_on_the_api(world):
    s = post(world)
    svc.suggestion_note(actor=world.dispatcher_a, suggestion_id=s.pk, note="内部", now=T0)
    assert [e["action"] for e in api().get(f"/api/v1/suggestions/{s.pk}/").json()["history"]] == [
        "post"
    ]
    staff = api(world.county_admin).get(f"/api/v1/suggestions/{s.pk}/").json()["history"]
    assert [e["action"] for e in staff] == ["post", "note"]
    assert SuggestionEvent.objects.filter(suggestion=s).count() == 2
    assert timezone.now() > T0
