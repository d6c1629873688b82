"""The survey pages: the public list, answering on the web (errors tied to their
question, nothing saved), paper forms, the builder, and the REST API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from minsheng.voice.models import Question, Response, Survey, SurveyStatus
from minsheng.voice.services import surveys as s
from tests.orders.test_permission_table import api_client
from tests.voice.conftest import build_every, day, snapshot
from tests.web.conftest import english_client, logged_in

pytestmark = pytest.mark.django_db


def client_of(user: Any) -> Client:
    return logged_in(user)


def form_of(every: Any) -> dict[str, Any]:
    """The valid answer as the web form posts it."""
    data: dict[str, Any] = {}
    for pk, value in every.valid().items():
        if isinstance(value, dict):
            q = Question.objects.get(pk=pk)
            suffix = "_c" if q.kind == "ranking" else "_r"
            for key, v in value.items():
                data[f"q{pk}{suffix}{key}"] = v
        else:
            data[f"q{pk}"] = value
    return data


def test_the_list_shows_open_surveys_and_published_results_to_everyone(world):
    every = build_every(world)
    draft = s.survey_create(
        actor=world.county_admin,
        data=s.SurveyInput(title="Secret draft", opens_on=day(0), closes_on=day(1)),
    )
    page = english_client().get("/surveys/")
    assert page.status_code == 200
    assert every.survey.title.encode() in page.content
    assert draft.title.encode() not in page.content
    assert Client().get(f"/surveys/{draft.pk}/").status_code == 404


def test_a_visitor_sees_the_questions_and_is_asked_to_log_in(world):
    every = build_every(world)
    page = english_client().get(f"/surveys/{every.survey.pk}/")
    assert page.status_code == 200
    assert b"Log in to answer this survey." in page.content
    assert b"Send my answers" not in page.content
    # without JavaScript the follow-up shows, with a note saying when to answer it
    assert b"Answer only if your answer to question 2 was: No." in page.content
    assert f'data-show-if="q{every.single.pk}"'.encode() in page.content


def test_a_resident_answers_on_the_web(world):
    every = build_every(world)
    client = client_of(world.resident)
    response = client.post(f"/surveys/{every.survey.pk}/", form_of(every))
    assert response.status_code == 302
    assert Response.objects.filter(survey=every.survey, respondent=world.resident).count() == 1
    page = client.get(f"/surveys/{every.survey.pk}/")
    assert b"You have answered this survey." in page.content
    again = client.post(f"/surveys/{every.survey.pk}/", form_of(every))
    assert again.status_code == 409


def test_a_refused_answer_is_shown_next_to_its_question_and_nothing_is_saved(world):
    every = build_every(world)
    data = form_of(every)
    data[f"q{every.scale.pk}"] = "9"
    data[f"q{every.number.pk}"] = "1e400"
    before = snapshot()
    page = client_of(world.resident).post(f"/surveys/{every.survey.pk}/", data)
    assert page.status_code == 400
    assert snapshot() == before
    body = page.content.decode()
    assert f'<p class="field-error" id="q{every.scale.pk}-error">' in body
    assert f'href="#q{every.number.pk}"' in body
    assert "Question 5 (How satisfied?): Enter a number from 1 to 5." in body
    # the other answers are kept in the form
    assert 'value="Zhang"' in body


def test_nul_and_odd_values_never_make_a_500(world):
    every = build_every(world)
    client = client_of(world.resident)
    assert (
        client.post(f"/surveys/{every.survey.pk}/", {f"q{every.short.pk}": "a\x00"}).status_code
        == 400
    )
    odd = {f"q{every.single.pk}": ["1", "2"], f"q{every.ranking.pk}_cx": "1", "q999": "x"}
    assert client.post(f"/surveys/{every.survey.pk}/", odd).status_code == 400


def test_a_grid_worker_enters_paper_forms(world):
    every = build_every(world)
    client = client_of(world.grid_worker)
    page = client.get(f"/surveys/{every.survey.pk}/paper/")
    assert page.status_code == 200
    data = {**form_of(every), "village": "V1", "household": "No. 5"}
    assert client.post(f"/surveys/{every.survey.pk}/paper/", data).status_code == 302
    again = client.post(f"/surveys/{every.survey.pk}/paper/", data)
    assert again.status_code == 409
    assert b"already been entered" in again.content
    assert Response.objects.filter(channel="paper").count() == 1


def test_the_builder_creates_a_survey_adds_questions_and_publishes(world):
    client = client_of(world.county_admin)
    created = client.post(
        "/staff/surveys/",
        {"title": "Roads", "opens_on": day(0), "closes_on": day(10), "regions": ["T1"]},
    )
    assert created.status_code == 302
    survey = Survey.objects.get(title="Roads")
    url = f"/staff/surveys/{survey.pk}/"
    refused = client.post(url + "publish/")
    assert refused.status_code == 409
    assert b"Add at least one question." in refused.content
    added = client.post(
        url + "questions/",
        {"kind": "single", "text": "Good?", "choices": "Yes\nNo", "required": "on"},
    )
    assert added.status_code == 302
    q = survey.questions.get()
    bad = client.post(url + "questions/", {"kind": "short_text", "text": ""})
    assert bad.status_code == 400
    follow = client.post(
        url + "questions/",
        {"kind": "long_text", "text": "Why?", "show_if_choices": [q.choices.get(label="No").pk]},
    )
    assert follow.status_code == 302
    edited = client.post(
        url + f"questions/{q.pk}/",
        {"kind": "single", "text": "Good roads?", "choices": "Yes\nNo\nDon't know"},
    )
    assert edited.status_code == 302
    q.refresh_from_db()
    assert q.text == "Good roads?" and q.choices.count() == 3
    assert survey.questions.get(text="Why?").show_if_choices.get().label == "No"
    assert client.post(url + "publish/").status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    assert client.post(url + "questions/", {"kind": "short_text", "text": "x"}).status_code == 409
    assert client.get(url).status_code == 200


def test_the_api_lists_reads_answers_and_counts(world):
    every = build_every(world)
    listing = APIClient().get("/api/v1/surveys/")
    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()["results"]] == [every.survey.pk]
    detail = APIClient().get(f"/api/v1/surveys/{every.survey.pk}/").json()
    assert [q["kind"] for q in detail["questions"]] == [
        "short_text",
        "single",
        "long_text",
        "multiple",
        "scale",
        "number",
        "ranking",
        "matrix",
    ]
    follow = detail["questions"][2]
    assert follow["show_if_question"] == every.single.pk
    assert follow["show_if_choices"] == [every.c(every.single, "No")]
    url = f"/api/v1/surveys/{every.survey.pk}/responses/"
    answers = {str(k): v for k, v in every.valid().items()}
    answers[str(every.number.pk)] = "1e400"
    refused = api_client(world.resident).post(url, {"answers": answers}, format="json")
    assert refused.status_code == 400
    assert [(e["code"], e["field"]) for e in refused.json()["errors"]] == [
        ("answer_not_number", f"q{every.number.pk}")
    ]
    assert Response.objects.count() == 0
    answers[str(every.number.pk)] = 40
    made = api_client(world.resident).post(url, {"answers": answers}, format="json")
    assert made.status_code == 201
    assert APIClient().post(url, {"answers": answers}, format="json").status_code == 401
    again = api_client(world.resident).post(url, {"answers": answers}, format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "survey_already_answered"
    assert (
        api_client(world.resident2).post(url, {"answers": {"x": 1}}, format="json").status_code
        == 400
    )
    assert APIClient().get(f"/api/v1/surveys/{every.survey.pk}/results/").status_code == 404
    results = api_client(world.county_admin).get(f"/api/v1/surveys/{every.survey.pk}/results/")
    assert results.status_code == 200
    scale = next(q for q in results.json()["questions"] if q["question"] == every.scale.pk)
    assert (scale["answered"], scale["mean"]) == (1, 4.0)


GARBAGE = {
    "title": "t" * 5000,
    "description": "<script>x</script>",
    "regions": ["'; drop", "x" * 300],
    "opens_on": "1e400",
    "closes_on": "0000-00-00",
    "anonymous": "maybe",
    "kind": ["single", "matrix"],
    "text": "x" * 400,
    "choices": "a\n" * 100,
    "rows": "r" * 300,
    "max_choices": "9" * 40,
    "scale_min": "-inf",
    "scale_max": "nan",
    "number_min": "1e400",
    "number_max": "--1",
    "max_length": "-5",
    "show_if_choices": ["x", "9" * 30, "-1"],
    "direction": "sideways",
    "village": "V" * 300,
    "household": "h" * 300,
    "q1": ["1", "2"],
    "q99999999999999999999": "x",
    "page": "-1",
}


@pytest.mark.parametrize("who", ["resident", "grid_worker", "county_admin"])
def test_garbage_never_makes_a_500(world, who):
    every = build_every(world)
    draft = s.survey_create(
        actor=world.county_admin,
        data=s.SurveyInput(title="D", opens_on=day(0), closes_on=day(1)),
    )
    q = s.question_add(
        actor=world.county_admin,
        survey_id=draft.pk,
        data=s.QuestionInput(kind="single", text="x", choices="a\nb"),
    )
    client = client_of(getattr(world, who))
    bad = {**GARBAGE, **{f"q{every.ranking.pk}_c{every.c(every.ranking, 'Roads')}": "9" * 50}}
    bad[f"q{every.matrix.pk}_r{every.r('Bus')}"] = "x"
    paths = [
        f"/surveys/{every.survey.pk}/",
        f"/surveys/{every.survey.pk}/paper/",
        "/staff/surveys/",
        f"/staff/surveys/{draft.pk}/",
        f"/staff/surveys/{draft.pk}/questions/",
        f"/staff/surveys/{draft.pk}/questions/{q.pk}/",
        f"/staff/surveys/{draft.pk}/questions/{q.pk}/move/",
        f"/staff/surveys/{draft.pk}/publish/",
    ]
    for path in paths:
        assert client.post(path, bad).status_code < 500, path
    for path in (
        f"/surveys/{every.survey.pk}/results/?format=pdf",
        f"/surveys/{every.survey.pk}/results/texts/{every.short.pk}/?q=%25_&page=-1",
        "/surveys/99999999999999999999/",
    ):
        assert client.get(path).status_code < 500, path


def test_answers_sent_after_the_session_expired_wait_for_the_login(world):
    every = build_every(world)
    client = english_client()
    data = form_of(every)
    sent = client.post(f"/surveys/{every.survey.pk}/", data)
    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/login/")
    assert not Response.objects.exists()
    client.force_login(world.resident)
    page = client.get(f"/surveys/{every.survey.pk}/")
    assert 'value="Zhang"' in page.content.decode()
    assert not Response.objects.exists()  # nothing is sent on their behalf
