"""Building a survey: who may, what publishing refuses, questions frozen once published,
closing and publishing results (and who is told)."""

from __future__ import annotations

import pytest

from minsheng.core.errors import Code, Conflict, DomainError, NotFound, PermissionDenied
from minsheng.notify.models import Message
from minsheng.voice.errors import SurveyCode
from minsheng.voice.models import Question, SurveyStatus
from minsheng.voice.services import surveys as s
from tests.voice.conftest import build_every, day, refused

pytestmark = pytest.mark.django_db

Q = s.QuestionInput


def draft(world, user=None, regions=None):
    return s.survey_create(
        actor=user or world.county_admin,
        data=s.SurveyInput(title="T", regions=regions or [], opens_on=day(0), closes_on=day(9)),
    )


def test_a_county_administrator_creates_a_county_wide_draft(world):
    survey = draft(world)
    assert survey.status == SurveyStatus.DRAFT
    assert list(survey.regions.all()) == []
    assert survey.created_by == world.county_admin


def test_a_dispatcher_asks_only_places_of_their_township(world):
    survey = draft(world, world.dispatcher_a, ["V1", "T1"])
    assert sorted(r.code for r in survey.regions.all()) == ["T1", "V1"]
    for regions in ([], ["V2"], ["V1", "T2"]):
        refused(
            lambda regions=regions: draft(world, world.dispatcher_a, regions),
            errors=[(SurveyCode.REGION_OUTSIDE_SCOPE, "regions")],
        )


@pytest.mark.parametrize("who", ["resident", "grid_worker", "provider_staff"])
def test_others_may_not_build_surveys(world, who):
    refused(
        lambda: draft(world, getattr(world, who)),
        errors=[(Code.NOT_PERMITTED, None)],
        error=PermissionDenied,
    )


def test_bad_survey_input_is_refused_field_by_field(world):
    refused(
        lambda: s.survey_create(
            actor=world.county_admin,
            data=s.SurveyInput(title="", regions=["nowhere"], opens_on="2026-02-30", closes_on=""),
        ),
        errors=[
            (Code.REQUIRED, "title"),
            (Code.NOT_DATETIME, "opens_on"),
            (Code.REQUIRED, "closes_on"),
            (SurveyCode.REGION_UNKNOWN, "regions"),
        ],
    )
    refused(
        lambda: s.survey_create(
            actor=world.county_admin,
            data=s.SurveyInput(title="x", opens_on=day(5), closes_on=day(1)),
        ),
        errors=[(SurveyCode.DATES, "closes_on")],
    )


def test_a_dispatcher_may_not_change_a_county_survey(world):
    survey = draft(world)
    refused(
        lambda: s.question_add(
            actor=world.dispatcher_a, survey_id=survey.pk, data=Q(kind="short_text", text="x")
        ),
        errors=[(Code.NOT_PERMITTED, None)],
        error=PermissionDenied,
    )


def test_publishing_refuses_an_empty_survey(world):
    survey = draft(world)
    refused(
        lambda: s.survey_publish(actor=world.county_admin, survey_id=survey.pk),
        errors=[(SurveyCode.EMPTY, None)],
        error=Conflict,
    )


def test_publishing_refuses_choice_questions_without_choices(world):
    survey = draft(world)
    qs = [
        s.question_add(actor=world.county_admin, survey_id=survey.pk, data=Q(kind=k, text=k))
        for k in ("single", "multiple", "ranking", "matrix")
    ]
    refused(
        lambda: s.survey_publish(actor=world.county_admin, survey_id=survey.pk),
        errors=[
            (SurveyCode.NO_CHOICES, f"q{qs[0].pk}"),
            (SurveyCode.NO_CHOICES, f"q{qs[1].pk}"),
            (SurveyCode.NO_CHOICES, f"q{qs[2].pk}"),
            (SurveyCode.NO_CHOICES, f"q{qs[3].pk}"),
            (SurveyCode.NO_ROWS, f"q{qs[3].pk}"),
        ],
        error=Conflict,
    )


def test_a_condition_must_be_on_an_earlier_question(world):
    admin = world.county_admin
    survey = draft(world)
    first = s.question_add(actor=admin, survey_id=survey.pk, data=Q(kind="short_text", text="a"))
    second = s.question_add(
        actor=admin, survey_id=survey.pk, data=Q(kind="single", text="b", choices="x\ny")
    )
    refused(
        lambda: s.question_update(
            actor=admin,
            survey_id=survey.pk,
            question_id=first.pk,
            data=Q(kind="short_text", text="a", show_if_choices=[second.choices.first().pk]),
        ),
        errors=[(SurveyCode.CONDITION_LATER, "show_if_choices")],
    )
    # made on an earlier question, then the order changed behind it: publishing refuses
    third = s.question_add(
        actor=admin,
        survey_id=survey.pk,
        data=Q(kind="short_text", text="c", show_if_choices=[second.choices.first().pk]),
    )
    refused(
        lambda: s.question_move(actor=admin, survey_id=survey.pk, question_id=third.pk, up=True),
        errors=[(SurveyCode.CONDITION_LATER, "question")],
        error=Conflict,
    )
    Question.objects.filter(pk=third.pk).update(position=0)
    refused(
        lambda: s.survey_publish(actor=admin, survey_id=survey.pk),
        errors=[(SurveyCode.CONDITION_LATER, f"q{third.pk}")],
        error=Conflict,
    )


def test_a_condition_names_choices_of_one_question(world):
    admin = world.county_admin
    survey = draft(world)
    a = s.question_add(
        actor=admin, survey_id=survey.pk, data=Q(kind="single", text="a", choices="x\ny")
    )
    b = s.question_add(
        actor=admin, survey_id=survey.pk, data=Q(kind="single", text="b", choices="x\ny")
    )
    refused(
        lambda: s.question_add(
            actor=admin,
            survey_id=survey.pk,
            data=Q(
                kind="short_text",
                text="c",
                show_if_choices=[a.choices.first().pk, b.choices.first().pk],
            ),
        ),
        errors=[(SurveyCode.BAD_CONDITION, "show_if_choices")],
    )


def test_questions_are_reordered_and_removed_in_draft(world):
    admin = world.county_admin
    survey = draft(world)
    a, _b, c = (
        s.question_add(actor=admin, survey_id=survey.pk, data=Q(kind="short_text", text=t))
        for t in "abc"
    )
    s.question_move(actor=admin, survey_id=survey.pk, question_id=c.pk, up=True)
    assert list(survey.questions.order_by("position").values_list("text", flat=True)) == [
        "a",
        "c",
        "b",
    ]
    s.question_remove(actor=admin, survey_id=survey.pk, question_id=a.pk)
    assert list(survey.questions.order_by("position").values_list("text", "position")) == [
        ("c", 0),
        ("b", 1),
    ]


def test_a_question_others_depend_on_is_not_removed(world):
    every = build_every(world)
    every.survey.status = SurveyStatus.DRAFT
    every.survey.save()
    refused(
        lambda: s.question_remove(
            actor=world.county_admin, survey_id=every.survey.pk, question_id=every.single.pk
        ),
        errors=[(SurveyCode.HAS_DEPENDENTS, "question")],
        error=Conflict,
    )


def test_bad_question_input_is_refused(world):
    survey = draft(world)
    add = lambda data: s.question_add(actor=world.county_admin, survey_id=survey.pk, data=data)  # noqa: E731
    refused(
        lambda: add(Q(kind="essay", text="")),
        errors=[(SurveyCode.KIND, "kind"), (Code.REQUIRED, "text")],
    )
    refused(
        lambda: add(Q(kind="scale", text="x", scale_min="5", scale_max="1")),
        errors=[(SurveyCode.BAD_BOUNDS, "scale_max")],
    )
    refused(
        lambda: add(Q(kind="number", text="x", number_min="5", number_max="1")),
        errors=[(SurveyCode.BAD_BOUNDS, "number_max")],
    )
    refused(
        lambda: add(Q(kind="number", text="x", number_min="1e400")),
        errors=[(Code.NOT_NUMBER, "number_min")],
    )
    refused(
        lambda: add(Q(kind="single", text="x", choices="a | no-such-code")),
        errors=[(SurveyCode.CHOICE_LINK, "choices")],
    )
    refused(
        lambda: add(Q(kind="multiple", text="x", max_choices="0")),
        errors=[(Code.INVALID, "max_choices")],
    )


def test_choices_may_state_a_need(world):
    survey = draft(world)
    q = s.question_add(
        actor=world.county_admin,
        survey_id=survey.pk,
        data=Q(
            kind="multiple", text="x", choices="Meals | elderly\nDelivery | meal-delivery\nOther"
        ),
    )
    got = [(c.label, c.area and c.area.code, c.service and c.service.code) for c in q.choices.all()]
    assert got == [
        ("Meals", "elderly", None),
        ("Delivery", None, "meal-delivery"),
        ("Other", None, None),
    ]


def test_questions_are_frozen_once_published(world):
    every = build_every(world)
    admin = world.county_admin
    for call in (
        lambda: s.question_add(
            actor=admin, survey_id=every.survey.pk, data=Q(kind="short_text", text="x")
        ),
        lambda: s.question_update(
            actor=admin,
            survey_id=every.survey.pk,
            question_id=every.short.pk,
            data=Q(kind="short_text", text="x"),
        ),
        lambda: s.question_remove(
            actor=admin, survey_id=every.survey.pk, question_id=every.short.pk
        ),
        lambda: s.question_move(
            actor=admin, survey_id=every.survey.pk, question_id=every.short.pk, up=False
        ),
        lambda: s.survey_update(
            actor=admin,
            survey_id=every.survey.pk,
            data=s.SurveyInput(title="x", opens_on=day(0), closes_on=day(1)),
        ),
        lambda: s.survey_publish(actor=admin, survey_id=every.survey.pk),
    ):
        refused(call, errors=[(SurveyCode.NOT_DRAFT, None)], error=Conflict)


def test_unknown_survey_or_question(world):
    refused(
        lambda: s.survey_publish(actor=world.county_admin, survey_id=999999),
        errors=[(SurveyCode.SURVEY_NOT_FOUND, "survey")],
        error=NotFound,
    )
    survey = draft(world)
    refused(
        lambda: s.question_remove(
            actor=world.county_admin, survey_id=survey.pk, question_id=999999
        ),
        errors=[(SurveyCode.QUESTION_NOT_FOUND, "question")],
        error=NotFound,
    )


def test_results_are_published_after_closing_and_those_who_answered_are_told_once(world):
    every = build_every(world)
    admin = world.county_admin
    s.response_submit(actor=world.resident, survey_id=every.survey.pk, raw=every.valid())
    s.response_submit(actor=world.resident2, survey_id=every.survey.pk, raw=every.valid())
    refused(
        lambda: s.survey_publish_results(actor=admin, survey_id=every.survey.pk),
        errors=[(SurveyCode.NOT_CLOSED, None)],
        error=Conflict,
    )
    s.survey_close(actor=admin, survey_id=every.survey.pk)
    s.survey_publish_results(actor=admin, survey_id=every.survey.pk)
    messages = Message.objects.filter(template="survey_results").order_by("recipient__username")
    assert [(m.recipient.username, m.key, m.link) for m in messages] == [
        ("resident", f"survey-results:{every.survey.pk}", f"/surveys/{every.survey.pk}/results/"),
        ("resident2", f"survey-results:{every.survey.pk}", f"/surveys/{every.survey.pk}/results/"),
    ]
    assert messages[0].params == {"title": "Needs", "link": f"/surveys/{every.survey.pk}/results/"}
    refused(
        lambda: s.survey_publish_results(actor=admin, survey_id=every.survey.pk),
        errors=[(SurveyCode.RESULTS_ALREADY_PUBLIC, None)],
        error=Conflict,
    )
    assert Message.objects.filter(template="survey_results").count() == 2


def test_anonymous_participants_are_told_too(world):
    every = build_every(world, anonymous=True)
    s.response_submit(actor=world.resident, survey_id=every.survey.pk, raw=every.valid())
    s.survey_close(actor=world.county_admin, survey_id=every.survey.pk)
    s.survey_publish_results(actor=world.county_admin, survey_id=every.survey.pk)
    assert list(Message.objects.values_list("recipient__username", flat=True)) == ["resident"]


def test_only_an_open_survey_closes(world):
    survey = draft(world)
    with pytest.raises(DomainError):
        s.survey_close(actor=world.county_admin, survey_id=survey.pk)
