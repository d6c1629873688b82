"""Answering a survey: every type of question accepted, and each refusal named by its
question with its code, nothing written."""

from __future__ import annotations

import pytest
from django.utils import timezone

from minsheng.core.errors import Conflict
from minsheng.voice import answers as A
from minsheng.voice.errors import SurveyCode
from minsheng.voice.models import Answer, AnswerChoice, Participation, Response, ResponseChannel
from minsheng.voice.services import surveys as s
from tests.voice.conftest import refused

pytestmark = pytest.mark.django_db


def submit(every, world, raw, user=None):
    return s.response_submit(actor=user or world.resident, survey_id=every.survey.pk, raw=raw)


def test_a_complete_answer_is_saved_with_every_type(every, world):
    response = submit(every, world, every.valid())
    assert response.channel == ResponseChannel.WEB
    assert response.respondent == world.resident
    assert response.region == world.village_a
    by_q = {a.question_id: a for a in Answer.objects.filter(response=response)}
    assert set(by_q) == {
        every.short.pk,
        every.single.pk,
        every.multiple.pk,
        every.scale.pk,
        every.number.pk,
        every.ranking.pk,
        every.matrix.pk,
    }
    assert by_q[every.short.pk].text == "Zhang"
    assert by_q[every.scale.pk].number == 4.0
    assert by_q[every.number.pk].number == 67.0
    picks = AnswerChoice.objects.filter(answer__response=response)
    ranking = list(
        picks.filter(answer__question=every.ranking)
        .order_by("rank")
        .values_list("choice__label", "rank")
    )
    assert ranking == [("Water", 1), ("Roads", 2), ("Lights", 3)]
    matrix = set(
        picks.filter(answer__question=every.matrix).values_list("row__label", "choice__label")
    )
    assert matrix == {("Clinic", "Good"), ("Bus", "Poor")}
    assert sorted(
        picks.filter(answer__question=every.multiple).values_list("choice__label", flat=True)
    ) == ["Care", "Meals"]
    assert Participation.objects.filter(survey=every.survey, user=world.resident).count() == 1


def test_the_api_shapes_are_read_alike(every, world):
    raw = every.valid()
    raw[every.ranking.pk] = [
        every.c(every.ranking, "Lights"),
        every.c(every.ranking, "Roads"),
        every.c(every.ranking, "Water"),
    ]
    raw[every.scale.pk] = 5
    raw[every.number.pk] = 30
    submit(every, world, raw)
    labels = list(
        AnswerChoice.objects.filter(answer__question=every.ranking)
        .order_by("rank")
        .values_list("choice__label", flat=True)
    )
    assert labels == ["Lights", "Roads", "Water"]


def test_optional_questions_may_be_left_empty(every, world):
    raw = {
        every.single.pk: str(every.c(every.single, "Yes")),
        every.scale.pk: "3",
    }
    submit(every, world, raw)
    assert Answer.objects.count() == 2


def q(question):
    return A.field_name(question.pk)


BAD = [
    # (question attribute, value, code)
    ("short", "x" * 11, A.TOO_LONG),
    ("short", "a\x00b", A.NOT_TEXT),
    ("short", "\ud800", A.NOT_TEXT),
    ("short", {"a": "b"}, A.NOT_TEXT),
    ("number", [1], A.NOT_NUMBER),
    ("number", 1e400, A.NOT_NUMBER),
    ("short", ["a", "b"], A.NOT_TEXT),
    ("single", "999999", A.UNKNOWN_CHOICE),
    ("single", "abc", A.UNKNOWN_CHOICE),
    ("single", ["1", "2"], A.ONE_CHOICE),
    ("multiple", "999999", A.UNKNOWN_CHOICE),
    ("scale", "6", A.OUT_OF_RANGE),
    ("scale", "0", A.OUT_OF_RANGE),
    ("scale", "3.5", A.NOT_WHOLE),
    ("scale", "three", A.NOT_NUMBER),
    ("number", "121", A.OUT_OF_RANGE),
    ("number", "-1", A.OUT_OF_RANGE),
    ("number", "30.5", A.NOT_WHOLE),
    ("number", "abc", A.NOT_NUMBER),
    ("number", "NaN", A.NOT_NUMBER),
    ("number", "nan", A.NOT_NUMBER),
    ("number", "1e400", A.NOT_NUMBER),
    ("number", "infinity", A.NOT_NUMBER),
    ("number", "1_000", A.NOT_NUMBER),
    ("number", True, A.NOT_NUMBER),
    ("number", "９", A.NOT_NUMBER),
    ("ranking", "1", A.BAD_SHAPE),
    ("matrix", "1", A.BAD_SHAPE),
]


@pytest.mark.parametrize(
    ("attr", "value", "code"), BAD, ids=[f"{a}-{c}-{i}" for i, (a, _v, c) in enumerate(BAD)]
)
def test_a_bad_value_is_refused_naming_its_question(every, world, attr, value, code):
    raw = every.valid()
    raw[getattr(every, attr).pk] = value
    error = refused(lambda: submit(every, world, raw), errors=[(code, q(getattr(every, attr)))])
    assert str(error.errors[0].message).startswith(
        f"Question {list(every.survey.questions.order_by('position')).index(getattr(every, attr)) + 1} ("
    )


def test_a_choice_of_another_question_is_refused(every, world):
    raw = every.valid()
    raw[every.single.pk] = str(every.c(every.multiple, "Meals"))
    refused(lambda: submit(every, world, raw), errors=[(A.UNKNOWN_CHOICE, q(every.single))])


def test_too_many_choices_are_refused(every, world):
    raw = every.valid()
    raw[every.multiple.pk] = [str(c.pk) for c in every.multiple.choices.all()]
    error = refused(lambda: submit(every, world, raw), errors=[(A.TOO_MANY, q(every.multiple))])
    assert "at most 2" in str(error.errors[0].message)


RANKINGS = {
    "a place twice": {"Roads": "1", "Water": "1", "Lights": "3"},
    "a choice left out": {"Roads": "1", "Water": "2"},
    "a place too far": {"Roads": "1", "Water": "2", "Lights": "4"},
    "not a place": {"Roads": "1", "Water": "2", "Lights": "x"},
}


@pytest.mark.parametrize("case", list(RANKINGS))
def test_a_ranking_that_is_not_a_permutation_is_refused(every, world, case):
    raw = every.valid()
    raw[every.ranking.pk] = {str(every.c(every.ranking, k)): v for k, v in RANKINGS[case].items()}
    refused(lambda: submit(every, world, raw), errors=[(A.NOT_PERMUTATION, q(every.ranking))])


def test_a_ranking_list_with_a_repeat_is_refused(every, world):
    raw = every.valid()
    roads = every.c(every.ranking, "Roads")
    raw[every.ranking.pk] = [roads, roads, every.c(every.ranking, "Water")]
    refused(lambda: submit(every, world, raw), errors=[(A.NOT_PERMUTATION, q(every.ranking))])


def test_a_matrix_row_missing_or_unknown_is_refused(every, world):
    raw = every.valid()
    raw[every.matrix.pk] = {
        str(every.r("Clinic")): str(every.c(every.matrix, "Good")),
        str(every.r("Bus")): "",
    }
    refused(lambda: submit(every, world, raw), errors=[(A.ROW_MISSING, q(every.matrix))])
    raw[every.matrix.pk] = {
        str(every.r("Clinic")): str(every.c(every.matrix, "Good")),
        str(every.r("Bus")): str(every.c(every.matrix, "Good")),
        "999999": str(every.c(every.matrix, "Good")),
    }
    refused(lambda: submit(every, world, raw), errors=[(A.UNKNOWN_ROW, q(every.matrix))])
    raw[every.matrix.pk] = {
        str(every.r("Clinic")): str(every.c(every.matrix, "Good")),
        str(every.r("Bus")): str(every.c(every.single, "Yes")),
    }
    refused(lambda: submit(every, world, raw), errors=[(A.UNKNOWN_CHOICE, q(every.matrix))])


def test_required_questions_must_be_answered(every, world):
    refused(
        lambda: submit(every, world, {}),
        errors=[(A.REQUIRED, q(every.single)), (A.REQUIRED, q(every.scale))],
    )


def test_a_conditional_question_is_asked_only_after_its_answer(every, world):
    raw = every.valid()
    raw[every.long.pk] = "I never heard of it"
    # "Yes": the follow-up is not shown, so it must not be answered
    refused(lambda: submit(every, world, raw), errors=[(A.NOT_SHOWN, q(every.long))])
    # "No": now it is shown, and required
    raw = every.valid()
    raw[every.single.pk] = str(every.c(every.single, "No"))
    refused(lambda: submit(every, world, raw), errors=[(A.REQUIRED, q(every.long))])
    raw[every.long.pk] = "I never heard of it"
    submit(every, world, raw)
    assert Answer.objects.get(question=every.long).text == "I never heard of it"


def test_a_refused_trigger_does_not_also_refuse_its_follow_up(every, world):
    raw = every.valid()
    raw[every.single.pk] = "999999"
    raw[every.long.pk] = "text"
    refused(lambda: submit(every, world, raw), errors=[(A.UNKNOWN_CHOICE, q(every.single))])


def test_every_problem_is_reported_at_once(every, world):
    raw = every.valid()
    raw[every.scale.pk] = "9"
    raw[every.number.pk] = "abc"
    refused(
        lambda: submit(every, world, raw),
        errors=[(A.OUT_OF_RANGE, q(every.scale)), (A.NOT_NUMBER, q(every.number))],
    )


def test_a_second_response_is_refused(every, world):
    submit(every, world, every.valid())
    refused(
        lambda: submit(every, world, every.valid()),
        errors=[(SurveyCode.ALREADY_ANSWERED, None)],
        error=Conflict,
    )
    assert Response.objects.count() == 1


def test_an_anonymous_response_keeps_no_link_to_the_person(world):
    from tests.voice.conftest import build_every

    every = build_every(world, anonymous=True)
    response = submit(every, world, every.valid())
    assert response.respondent is None
    # only the day is kept: no time to pair with a log or a participation
    local = timezone.localtime(response.submitted_at)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    # the key is random, not derived from the person
    assert response.respondent_key != s.respondent_key(every.survey, world.resident.pk)
    assert Participation.objects.filter(survey=every.survey, user=world.resident).exists()
    refused(
        lambda: submit(every, world, every.valid()),
        errors=[(SurveyCode.ALREADY_ANSWERED, None)],
        error=Conflict,
    )
