"""The permission table of suggestions: every actor of the orders' table × every page and
step, asked three ways (the rule, the web, the REST API where the step has an endpoint).

A suggestion of the resident in V1 (township T1). For each step the table says who may;
a refused POST answers the rule's refusal (the login page or 401 for anonymous visitors,
403 for the signed-in) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from minsheng.voice.models import Ban, Suggestion
from minsheng.voice.policy import suggestions as policy
from minsheng.voice.services import suggestions as svc
from tests.helpers import T0
from tests.orders.test_permission_table import ACTORS, api_client, user_of, web_client
from tests.voice.suggestions_helpers import post, snapshot

pytestmark = pytest.mark.django_db

SIGNED_IN = set(ACTORS) - {"anonymous"}
MODERATORS = {"dispatcher_a", "county_admin"}  # T1's dispatcher and the county's admin

# Who may open each page (None: everyone, signed in or not).
PAGES: list[tuple[str, set[str] | None]] = [
    ("/suggestions/", None),
    ("/suggestions/{pk}/", None),
    ("/suggestions/new/", {"resident", "resident2", "grid_worker"}),
    ("/staff/suggestions/", {"dispatcher_a", "dispatcher_b", "county_admin"}),
]


@pytest.fixture
def table_world(world: Any) -> Any:
    world.suggestion = post(world, now=T0)
    return world


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(("path", "may"), PAGES, ids=[p for p, _m in PAGES])
def test_who_may_open_each_page(table_world, path, may, who):
    user = user_of(table_world, who)
    response = web_client(user).get(path.format(pk=table_world.suggestion.pk))
    if may is None or who in may:
        assert response.status_code == 200
    elif not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
def test_everyone_reads_the_api_list_and_detail(table_world, who):
    client = api_client(user_of(table_world, who))
    assert client.get("/api/v1/suggestions/").status_code == 200
    assert client.get(f"/api/v1/suggestions/{table_world.suggestion.pk}/").status_code == 200


@dataclass(frozen=True)
class Step:
    may: set[str]
    rule: Callable[[Any, Suggestion], bool]
    web: tuple[str, dict[str, Any]] | None
    api: tuple[str, dict[str, Any]] | None


STEPS: dict[str, Step] = {
    # residents only, not the author (the resident posted it)
    "support": Step(
        {"resident2"},
        policy.can_support,
        ("/suggestions/{pk}/support/", {}),
        ("/api/v1/suggestions/{pk}/support/", {}),
    ),
    "flag": Step(
        SIGNED_IN,
        policy.can_flag,
        ("/suggestions/{pk}/flag/", {"reason": "spam"}),
        ("/api/v1/suggestions/{pk}/flag/", {"reason": "spam"}),
    ),
    "reply": Step(
        MODERATORS,
        policy.can_reply,
        ("/staff/suggestions/{pk}/reply/", {"status": "under_study", "reply": "研究"}),
        ("/api/v1/suggestions/{pk}/reply/", {"status": "under_study", "reply": "研究"}),
    ),
    "hide": Step(
        MODERATORS, policy.can_moderate, ("/staff/suggestions/{pk}/hide/", {"reason": "x"}), None
    ),
    "ban": Step(
        MODERATORS, policy.can_moderate, ("/staff/suggestions/{pk}/ban/", {"reason": "x"}), None
    ),
}


def _refused_web(response: Any, user: Any, write: set[str]) -> None:
    if not user.is_authenticated:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("step", list(STEPS))
def test_the_rule_the_web_and_the_api_agree(table_world, step, who):
    spec = STEPS[step]
    user = user_of(table_world, who)
    s = table_world.suggestion
    may = who in spec.may
    assert spec.rule(user, s) is may
    assert spec.web is not None
    path, data = spec.web
    before = snapshot(s)
    response = web_client(user).post(path.format(pk=s.pk), data)
    if may:
        assert response.status_code == 302
        assert response["Location"] == f"/suggestions/{s.pk}/"
        assert snapshot(s) != before
    else:
        _refused_web(response, user, spec.may)
        assert snapshot(s) == before
    if spec.api is None:
        return
    # the API, on a fresh suggestion
    fresh = post(table_world, now=T0, title="另一条")
    path, data = spec.api
    before = snapshot(fresh)
    answer = api_client(user).post(path.format(pk=fresh.pk), data, format="json")
    if may:
        assert answer.status_code == 200
    else:
        assert answer.status_code == (403 if user.is_authenticated else 401)
        assert snapshot(fresh) == before


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_post_on_the_web_and_the_api(table_world, who):
    user = user_of(table_world, who)
    data = {"kind": "facility", "title": "桥", "body": "修桥", "place": "V1"}
    if who == "grid_worker":
        data["resident"] = table_world.resident.pk
    may = who in {"resident", "resident2", "grid_worker"}
    assert policy.can_post_any(user) is may
    before = snapshot()
    response = web_client(user).post("/suggestions/new/", data)
    answer = api_client(user).post("/api/v1/suggestions/", data, format="json")
    if may:
        assert (response.status_code, answer.status_code) == (302, 201)
    else:
        assert answer.status_code == (403 if user.is_authenticated else 401)
        assert response.status_code == (403 if user.is_authenticated else 302)
        assert snapshot() == before


@pytest.mark.parametrize("who", ACTORS)
def test_a_hidden_suggestion_s_text_is_for_its_moderators(table_world, who):
    s = table_world.suggestion
    svc.suggestion_hide(actor=table_world.county_admin, suggestion_id=s.pk, reason="广告")
    s.refresh_from_db()
    user = user_of(table_world, who)
    reads = who in MODERATORS
    assert policy.can_read_text(user, s) is reads
    page = web_client(user).get(f"/suggestions/{s.pk}/").content.decode()
    assert (s.body in page) is reads
    body = api_client(user).get(f"/api/v1/suggestions/{s.pk}/").json()["body"]
    assert (body == s.body) is reads


@pytest.mark.parametrize("who", ACTORS)
def test_who_lifts_a_ban(table_world, who):
    ban = svc.author_ban(
        actor=table_world.dispatcher_a, suggestion_id=table_world.suggestion.pk, reason="x"
    )
    user = user_of(table_world, who)
    may = who in {"dispatcher_a", "county_admin"}  # the ban's author and county-wide staff
    assert policy.can_lift_ban(user, ban) is may
    web_client(user).post(f"/staff/suggestions/bans/{ban.pk}/lift/")
    assert (Ban.objects.get(pk=ban.pk).lifted_at is not None) is may
