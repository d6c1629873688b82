"""Helpers for the survey tests: a survey with one question of every type, built through
the services, and a snapshot of everything a refused call must leave as it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minsheng.core.errors import DomainError
from minsheng.voice.models import (
    Answer,
    AnswerChoice,
    Choice,
    MatrixRow,
    Participation,
    Question,
    Response,
    Survey,
)
from minsheng.voice.services import surveys as s


def day(offset: int) -> str:
    """Today plus ``offset`` days, as a form sends a date."""
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def snapshot() -> dict[str, Any]:
    return {
        "surveys": list(Survey.objects.values().order_by("pk")),
        "questions": list(Question.objects.values().order_by("pk")),
        "choices": list(Choice.objects.values().order_by("pk")),
        "rows": list(MatrixRow.objects.values().order_by("pk")),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "picks": AnswerChoice.objects.count(),
        "participants": Participation.objects.count(),
    }


def refused(
    call: Callable[[], object],
    *,
    errors: list[tuple[str, str | None]],
    error: type[DomainError] = DomainError,
) -> DomainError:
    """Exactly these (code, field) refusals, of exactly this class, and nothing written."""
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot() == before
    return info.value


@dataclass
class Every:
    """A published survey with one question of each type (and a conditional one)."""

    survey: Survey
    short: Question
    long: Question  # shown only when `single` is "No"
    single: Question
    multiple: Question  # at most 2
    scale: Question  # 1..5
    number: Question  # 0..120, whole
    ranking: Question
    matrix: Question

    def c(self, q: Question, label: str) -> int:
        return q.choices.get(label=label).pk

    def r(self, label: str) -> int:
        return self.matrix.rows.get(label=label).pk

    def valid(self) -> dict[int, Any]:
        """A complete answer, every value as the web form sends it."""
        return {
            self.short.pk: "Zhang",
            self.single.pk: str(self.c(self.single, "Yes")),
            self.multiple.pk: [
                str(self.c(self.multiple, "Meals")),
                str(self.c(self.multiple, "Care")),
            ],
            self.scale.pk: "4",
            self.number.pk: "67",
            self.ranking.pk: {
                str(self.c(self.ranking, "Roads")): "2",
                str(self.c(self.ranking, "Water")): "1",
                str(self.c(self.ranking, "Lights")): "3",
            },
            self.matrix.pk: {
                str(self.r("Clinic")): str(self.c(self.matrix, "Good")),
                str(self.r("Bus")): str(self.c(self.matrix, "Poor")),
            },
        }


def build_every(world: Any, *, anonymous: bool = False, regions: list[str] | None = None) -> Every:
    admin = world.county_admin
    survey = s.survey_create(
        actor=admin,
        data=s.SurveyInput(
            title="Needs",
            regions=regions or [],
            opens_on=day(-5),
            closes_on=day(20),
            anonymous=anonymous,
        ),
    )
    Q = s.QuestionInput

    def add(**kw: Any) -> Question:
        return s.question_add(actor=admin, survey_id=survey.pk, data=Q(**kw))

    short = add(kind="short_text", text="Your name", max_length="10")
    single = add(kind="single", text="Do you know the bookshop?", required=True, choices="Yes\nNo")
    long = add(
        kind="long_text",
        text="Why not?",
        required=True,
        show_if_choices=[single.choices.get(label="No").pk],
    )
    multiple = add(
        kind="multiple",
        text="What do you need?",
        max_choices="2",
        choices="Meals | elderly\nCare\nRepairs",
    )
    scale = add(
        kind="scale",
        text="How satisfied?",
        required=True,
        scale_min="1",
        scale_max="5",
        scale_min_label="Not at all",
        scale_max_label="Very",
    )
    number = add(
        kind="number", text="Your age", number_min="0", number_max="120", whole_number=True
    )
    ranking = add(kind="ranking", text="Rank these", choices="Roads\nWater\nLights")
    matrix = add(kind="matrix", text="Rate", choices="Good\nPoor", rows="Clinic\nBus")
    s.survey_publish(actor=admin, survey_id=survey.pk)
    survey.refresh_from_db()
    return Every(survey, short, long, single, multiple, scale, number, ranking, matrix)


@pytest.fixture
def every(world: Any) -> Every:
    return build_every(world)
