"""The survey part's rows of the permission table: for each actor of
``tests/orders/test_permission_table.py``, which survey pages open, which posts succeed,
and that every refused post writes nothing. The rule (``voice.policy.surveys``), the web
and the REST API agree.

The surveys: an open one asked of township T1 (the resident's; resident2 lives in T2), a
draft of T1, and a closed county-wide one with published results.
"""

from __future__ import annotations

from typing import Any

import pytest

from minsheng.voice.policy import surveys as policy
from minsheng.voice.services import surveys as s
from tests.orders.test_permission_table import (  # noqa: F401 (table_world: a fixture)
    ACTORS,
    api_client,
    table_world,
    user_of,
    web_client,
)
from tests.voice.conftest import build_every, day, snapshot

pytestmark = pytest.mark.django_db

BUILDERS_OF_T1 = {"dispatcher_a", "county_admin"}
BUILDERS = {"dispatcher_a", "dispatcher_b", "county_admin"}
PAPER = {"grid_worker", "dispatcher_a", "dispatcher_b", "county_admin"}
EVERYONE = set(ACTORS)


@pytest.fixture
def surveys(table_world: Any) -> Any:  # noqa: F811
    w = table_world
    w.open = build_every(w, regions=["T1"])
    w.draft = s.survey_create(
        actor=w.county_admin,
        data=s.SurveyInput(title="Draft", regions=["V1"], opens_on=day(0), closes_on=day(5)),
    )
    s.question_add(
        actor=w.county_admin,
        survey_id=w.draft.pk,
        data=s.QuestionInput(kind="short_text", text="x"),
    )
    w.done = build_every(w)
    s.survey_close(actor=w.county_admin, survey_id=w.done.survey.pk)
    s.survey_publish_results(actor=w.county_admin, survey_id=w.done.survey.pk)
    return w


def pages(w: Any) -> list[tuple[str, set[str], int]]:
    """(path, who opens it, what the others get when signed in)."""
    o, d, done = w.open.survey.pk, w.draft.pk, w.done.survey.pk
    return [
        ("/surveys/", EVERYONE, 200),
        (f"/surveys/{o}/", EVERYONE, 200),
        (f"/surveys/{d}/", BUILDERS_OF_T1, 404),
        (f"/surveys/{o}/results/", {"county_admin", "dispatcher_a"}, 404),
        (f"/surveys/{done}/results/", EVERYONE, 200),
        (f"/surveys/{done}/results/?format=csv", EVERYONE, 200),
        (f"/surveys/{o}/paper/", PAPER, 403),
        ("/staff/surveys/", BUILDERS, 403),
        (f"/staff/surveys/{d}/", BUILDERS_OF_T1, 403),
        (f"/staff/surveys/{done}/", {"county_admin"}, 403),
    ]


PAGE_NAMES = [
    "list",
    "open survey",
    "draft survey",
    "unpublished results",
    "published results",
    "published results csv",
    "paper form",
    "staff list",
    "staff draft",
    "staff county survey",
]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("index", range(len(PAGE_NAMES)), ids=PAGE_NAMES)
def test_who_may_open_each_survey_page(surveys, who, index):
    path, may, otherwise = pages(surveys)[index]
    user = user_of(surveys, who)
    response = web_client(user).get(path)
    if who in may:
        assert response.status_code == 200
    elif path.startswith("/staff/") or path.endswith("/paper/"):
        if not user.is_authenticated:
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            # a builder outside the survey's places does not find it; other roles: 403
            gate = PAPER if path.endswith("/paper/") else BUILDERS
            assert response.status_code == (404 if who in gate else otherwise)
    else:
        assert response.status_code == otherwise


ANSWER = {"resident"}


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_answer_the_rule_the_web_and_the_api_agree(surveys, who):
    user = user_of(surveys, who)
    every = surveys.open
    assert policy.can_answer(user, every.survey) == (who in ANSWER)
    before = snapshot()
    api = api_client(user).post(
        f"/api/v1/surveys/{every.survey.pk}/responses/",
        {"answers": {str(k): v for k, v in every.valid().items()}},
        format="json",
    )
    if who in ANSWER:
        assert api.status_code == 201
        return
    assert snapshot() == before
    assert api.status_code == (401 if who == "anonymous" else 403)
    from tests.voice.test_survey_pages import form_of

    web = web_client(user).post(f"/surveys/{every.survey.pk}/", form_of(every))
    assert snapshot() == before
    if who == "anonymous":
        assert web.status_code == 302 and web["Location"].startswith("/accounts/login/")
    else:
        assert web.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_publish_a_draft_of_t1(surveys, who):
    user = user_of(surveys, who)
    assert policy.can_edit(user, surveys.draft) == (who in BUILDERS_OF_T1)
    before = snapshot()
    response = web_client(user).post(f"/staff/surveys/{surveys.draft.pk}/publish/")
    if who in BUILDERS_OF_T1:
        assert response.status_code == 302
        return
    assert snapshot() == before
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == (404 if who in BUILDERS else 403)


PAPER_IN_V1 = {"grid_worker", "dispatcher_a", "county_admin"}


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_enter_a_paper_form_of_v1(surveys, who):
    from tests.voice.test_survey_pages import form_of

    user = user_of(surveys, who)
    every = surveys.open
    before = snapshot()
    response = web_client(user).post(
        f"/surveys/{every.survey.pk}/paper/",
        {**form_of(every), "village": "V1", "household": "No. 1"},
    )
    if who in PAPER_IN_V1:
        assert response.status_code == 302
        return
    assert snapshot() == before
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", ACTORS)
def test_who_reads_results_on_the_api(surveys, who):
    user = user_of(surveys, who)
    client = api_client(user)
    assert client.get(f"/api/v1/surveys/{surveys.done.survey.pk}/results/").status_code == 200
    hidden = client.get(f"/api/v1/surveys/{surveys.open.survey.pk}/results/").status_code
    assert hidden == (200 if who in BUILDERS_OF_T1 else 404)
    assert client.get("/api/v1/surveys/").status_code == 200
