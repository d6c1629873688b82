"""The permission table of activities: every actor of the orders' table × every page and
step (web and REST). An activity in V1 (township T1), announced unless the row says draft.
A refused POST answers the login page (or 401) for anonymous visitors, 403 or 404 for the
signed-in, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.accounts.models import Role
from minsheng.facilities.models import Kind
from tests.facilities.activities_helpers import make_activity, snapshot
from tests.facilities.factories import make_facility
from tests.factories import make_user
from tests.orders.test_permission_table import ACTORS, api_client, user_of, web_client

pytestmark = pytest.mark.django_db

CONSOLE = {"dispatcher_a", "dispatcher_b", "county_admin"}
ORGANISERS = {"dispatcher_a", "county_admin"}  # T1's dispatcher and the county's admin
RESIDENTS = {"resident", "resident2"}

# (path, status of the activity, {actor: code}; everyone else's code, anonymous's code)
PAGES: list[tuple[str, str, dict[str, int], int, int]] = [
    ("/activities/", "announced", {}, 200, 200),
    ("/activities/{pk}/", "announced", {}, 200, 200),
    ("/activities/{pk}/", "draft", {w: 200 for w in ORGANISERS}, 404, 404),
    ("/staff/activities/", "announced", {w: 200 for w in CONSOLE}, 403, 302),
    ("/staff/activities/new/", "announced", {w: 200 for w in CONSOLE}, 403, 302),
    ("/staff/activities/variety/", "announced", {w: 200 for w in CONSOLE}, 403, 302),
    (
        "/staff/activities/{pk}/",
        "announced",
        {"dispatcher_a": 200, "county_admin": 200, "dispatcher_b": 403},
        403,
        302,
    ),
    (
        "/staff/activities/{pk}/",
        "draft",
        {"dispatcher_a": 200, "county_admin": 200, "dispatcher_b": 404},
        403,
        302,
    ),
    (
        "/staff/activities/{pk}/edit/",
        "announced",
        {"dispatcher_a": 200, "county_admin": 200, "dispatcher_b": 403},
        403,
        302,
    ),
]

# (path, status, form, {actor: code}, everyone else's code, anonymous's code)
POSTS: list[tuple[str, str, dict[str, str], dict[str, int], int, int]] = [
    ("/activities/{pk}/signup/", "announced", {}, {w: 302 for w in RESIDENTS}, 403, 302),
    # a draft: hidden (404) but from its organisers, who are not residents (403)
    ("/activities/{pk}/signup/", "draft", {}, {w: 403 for w in ORGANISERS}, 404, 302),
    (
        "/staff/activities/{pk}/announce/",
        "draft",
        {},
        {"dispatcher_a": 302, "county_admin": 302, "dispatcher_b": 404},
        403,
        302,
    ),
    (
        "/staff/activities/{pk}/cancel/",
        "announced",
        {"reason": "暴雨"},
        {"dispatcher_a": 302, "county_admin": 302, "dispatcher_b": 403},
        403,
        302,
    ),
    (
        "/staff/activities/{pk}/held/",
        "announced",
        {},
        # organisers pass the rule and meet the lifecycle: it has not started
        {"dispatcher_a": 409, "county_admin": 409, "dispatcher_b": 403},
        403,
        302,
    ),
]


def _expected(who: str, table: dict[str, int], other: int, anonymous: int) -> int:
    if who == "anonymous":
        return anonymous
    return table.get(who, other)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(
    ("path", "state", "table", "other", "anonymous"), PAGES, ids=[f"{p[0]}:{p[1]}" for p in PAGES]
)
def test_who_may_open_each_page(world, who, path, state, table, other, anonymous):
    a = make_activity(world, status=state)
    response = web_client(user_of(world, who)).get(path.format(pk=a.pk))
    code = _expected(who, table, other, anonymous)
    assert response.status_code == code
    if code == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(
    ("path", "state", "form", "table", "other", "anonymous"),
    POSTS,
    ids=[f"{p[0]}:{p[1]}" for p in POSTS],
)
def test_who_may_post_each_step(world, who, path, state, form, table, other, anonymous):
    a = make_activity(world, status=state)
    before = snapshot(a)
    response = web_client(user_of(world, who)).post(path.format(pk=a.pk), form)
    code = _expected(who, table, other, anonymous)
    assert response.status_code == code
    if code != 302 or who == "anonymous":
        assert snapshot(a) == before
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ACTORS)
def test_everyone_reads_the_api(world, who):
    a = make_activity(world, status="announced")
    draft = make_activity(world)
    client = api_client(user_of(world, who))
    assert client.get("/api/v1/activities/").status_code == 200
    assert client.get(f"/api/v1/activities/{a.pk}/").status_code == 200
    expected = 200 if who in ORGANISERS else 404
    assert client.get(f"/api/v1/activities/{draft.pk}/").status_code == expected


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_sign_up_through_the_api(world, who):
    a = make_activity(world, status="announced")
    before = snapshot(a)
    response = api_client(user_of(world, who)).post(f"/api/v1/activities/{a.pk}/signup/")
    expected = 201 if who in RESIDENTS else 401 if who == "anonymous" else 403
    assert response.status_code == expected
    if expected != 201:
        assert snapshot(a) == before


def test_a_keeper_organises_at_their_facility_but_reads_no_variety(world):
    librarian = make_user(Role.RESIDENT, world.village_a, username="librarian")
    make_facility(world.village_a, Kind.BOOKSHOP, keepers=[librarian])
    client = web_client(librarian)
    assert client.get("/staff/activities/").status_code == 200
    page = client.get("/staff/activities/new/").content.decode()
    assert 'value="V1"' in page and 'value="V2"' not in page
    assert client.get("/staff/activities/variety/").status_code == 403
    others = make_activity(world, status="announced")  # the dispatcher's, at no facility
    assert client.get(f"/staff/activities/{others.pk}/").status_code == 403


def test_the_rules_agree_with_the_table(world: Any):
    from minsheng.facilities.policy import activities as policy

    a = make_activity(world)
    for who in ACTORS:
        user = user_of(world, who)
        assert policy.uses_console(user) is (who in CONSOLE)
        assert policy.can_see_variety(user) is (who in CONSOLE)
        assert policy.organises(user, a) is (who in ORGANISERS)
        assert policy.can_see(user, a) is (who in ORGANISERS)
        assert policy.is_resident(user) is (who in RESIDENTS)
