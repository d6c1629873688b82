"""Reads of the survey part: lists, one survey with its questions, and its results.

The results are counted from three queries (responses, answers, chosen answers) in
Python: a survey has hundreds or a few thousand responses, and who was *shown* a
conditional question depends on each response's own earlier answers.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.regions.models import Region
from minsheng.voice import answers as A
from minsheng.voice.models import (
    Answer,
    AnswerChoice,
    Choice,
    Demographic,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
)
from minsheng.voice.policy import surveys as policy
from minsheng.voice.services.surveys import spec_of

TEXT_PAGE = 20


def public_surveys() -> QuerySet[Survey]:
    return Survey.objects.filter(policy.public_q()).prefetch_related("regions")


def open_surveys(region: Region | None = None) -> list[Survey]:
    """Open surveys; with a region, those asking it."""
    found = [s for s in public_surveys().filter(status=SurveyStatus.OPEN) if policy.is_open(s)]
    if region is not None:
        found = [s for s in found if policy.targets(s, region)]
    return found


def results_surveys() -> QuerySet[Survey]:
    return public_surveys().filter(results_public=True)


def managed_surveys(user: Actor) -> QuerySet[Survey]:
    return Survey.objects.filter(policy.managed_q(user)).prefetch_related("regions").distinct()


def questions_of(survey: Survey) -> list[Question]:
    return list(
        survey.questions.order_by("position", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.select_related("area", "service")),
            "rows",
            "show_if_choices",
        )
    )


def survey_for(user: Actor, pk: int) -> Survey | None:
    survey = Survey.objects.prefetch_related("regions").filter(pk=pk).first()
    if survey is None or not policy.can_see(user, survey):
        return None
    return survey


def answered(user: Actor, survey: Survey) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and survey.participants.filter(user=user).exists()
    )


# --- results ------------------------------------------------------------------------------------


@dataclass
class Count:
    label: str
    count: int
    share: float | None  # of those who answered the question


@dataclass
class Group:
    """One group of a breakdown: its respondents' answers to one question."""

    label: str
    answered: int
    cells: list[Count] = field(default_factory=list)  # per choice
    mean: float | None = None


@dataclass
class Breakdown:
    title: str
    groups: list[Group]


@dataclass
class MatrixLine:
    label: str
    answered: int
    cells: list[Count]


@dataclass
class Result:
    number: int
    question: Question
    shown: int
    answered: int
    counts: list[Count] = field(default_factory=list)  # choices, or a scale's values
    mean: float | None = None
    median: float | None = None
    ranks: list[tuple[str, float | None, int]] = field(default_factory=list)  # avg, firsts
    columns: list[str] = field(default_factory=list)
    matrix: list[MatrixLine] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def has_chart(self) -> bool:
        return bool(self.counts)


@dataclass
class Results:
    survey: Survey
    responses: int
    paper: int
    questions: list[Result]


def _share(count: int, of: int) -> float | None:
    return count / of if of else None


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class _Row:
    pk: int
    township: str
    kind: str
    answers: dict[int, A.Clean] = field(default_factory=dict)


def _load(survey: Survey, questions: list[Question]) -> list[_Row]:
    kinds = {q.pk: q.kind for q in questions}
    responses = Response.objects.filter(survey=survey).select_related("region__parent")
    rows: dict[int, _Row] = {}
    for r in responses:
        town = r.region.township
        rows[r.pk] = _Row(r.pk, town.name if town is not None else "", r.region.kind)
    texts: dict[tuple[int, int], tuple[str, float | None]] = {}
    for response_id, question_id, text, number in Answer.objects.filter(
        response__survey=survey
    ).values_list("response_id", "question_id", "text", "number"):
        texts[(response_id, question_id)] = (text, number)
    picks: dict[tuple[int, int], list[tuple[int, int | None, int | None]]] = defaultdict(list)
    for response_id, question_id, choice_id, row_id, rank in AnswerChoice.objects.filter(
        answer__response__survey=survey
    ).values_list("answer__response_id", "answer__question_id", "choice_id", "row_id", "rank"):
        picks[(response_id, question_id)].append((choice_id, row_id, rank))
    for (response_id, question_id), (text, number) in texts.items():
        chosen = picks.get((response_id, question_id), [])
        kind = kinds.get(question_id)
        if kind == QuestionKind.RANKING:
            ordered = tuple(c for c, _r, _k in sorted(chosen, key=lambda p: p[2] or 0))
        else:
            ordered = tuple(c for c, row, _k in chosen if row is None)
        cells = tuple((row, c) for c, row, _k in chosen if row is not None)
        rows[response_id].answers[question_id] = A.Clean(
            question_id, text=text, number=number, choices=ordered, cells=cells
        )
    return list(rows.values())


def survey_results(survey: Survey) -> Results:
    questions = questions_of(survey)
    specs = {q.pk: spec_of(q) for q in questions}
    rows = _load(survey, questions)
    paper = Response.objects.filter(survey=survey, channel="paper").count()
    demographics = [q for q in questions if q.demographic and q.kind == QuestionKind.SINGLE]
    results = []
    for number, q in enumerate(questions, start=1):
        shown = [r for r in rows if A.is_shown(specs[q.pk], r.answers)]
        given = [r for r in shown if q.pk in r.answers]
        result = Result(number, q, len(shown), len(given))
        _figures(result, q, [r.answers[q.pk] for r in given])
        if q.kind in (
            QuestionKind.SINGLE,
            QuestionKind.MULTIPLE,
            QuestionKind.SCALE,
            QuestionKind.NUMBER,
        ):
            result.breakdowns = _breakdowns(q, given, demographics)
        results.append(result)
    return Results(survey, len(rows), paper, results)


def _figures(result: Result, q: Question, given: list[A.Clean]) -> None:
    n = len(given)
    choices = list(q.choices.all())
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        tally = Counter(pk for a in given for pk in a.choices)
        result.counts = [Count(c.label, tally[c.pk], _share(tally[c.pk], n)) for c in choices]
    elif q.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        values = [a.number for a in given if a.number is not None]
        result.mean, result.median = _mean(values), _median(values)
        if q.kind == QuestionKind.SCALE:
            tally = Counter(int(v) for v in values)
            result.counts = [
                Count(str(v), tally[v], _share(tally[v], n))
                for v in range(q.scale_min, q.scale_max + 1)
            ]
    elif q.kind == QuestionKind.RANKING:
        places: dict[int, list[int]] = defaultdict(list)
        for a in given:
            for place, pk in enumerate(a.choices, start=1):
                places[pk].append(place)
        result.ranks = sorted(
            (
                (c.label, _mean([float(p) for p in places[c.pk]]), places[c.pk].count(1))
                for c in choices
            ),
            key=lambda r: (r[1] is None, r[1] or 0),
        )
    elif q.kind == QuestionKind.MATRIX:
        result.columns = [c.label for c in choices]
        for row in q.rows.all():
            tally = Counter(col for a in given for r, col in a.cells if r == row.pk)
            total = sum(tally.values())
            result.matrix.append(
                MatrixLine(
                    row.label,
                    total,
                    [Count(c.label, tally[c.pk], _share(tally[c.pk], total)) for c in choices],
                )
            )


def _group(label: str, q: Question, members: list[A.Clean]) -> Group:
    group = Group(label, len(members))
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        tally = Counter(pk for a in members for pk in a.choices)
        group.cells = [
            Count(c.label, tally[c.pk], _share(tally[c.pk], len(members))) for c in q.choices.all()
        ]
    else:
        group.mean = _mean([a.number for a in members if a.number is not None])
    return group


def _breakdowns(q: Question, given: list[_Row], demographics: list[Question]) -> list[Breakdown]:
    out = []
    towns = sorted({r.township for r in given})
    out.append(
        Breakdown(
            str(_("By township")),
            [_group(t, q, [r.answers[q.pk] for r in given if r.township == t]) for t in towns],
        )
    )
    out.append(
        Breakdown(
            str(_("Urban or rural")),
            [
                _group(str(label), q, [r.answers[q.pk] for r in given if r.kind == kind])
                for kind, label in Region.Kind.choices
            ],
        )
    )
    for d in demographics:
        if d.pk == q.pk:
            continue
        title = _("By age band") if d.demographic == Demographic.AGE_BAND else _("By sex")
        groups = []
        for c in d.choices.all():
            members = [
                r.answers[q.pk]
                for r in given
                if d.pk in r.answers and c.pk in r.answers[d.pk].choices
            ]
            groups.append(_group(c.label, q, members))
        out.append(Breakdown(str(title), groups))
    return out


def text_answers(question: Question, search: str = "") -> QuerySet[Answer]:
    """A text question's answers, newest first; ``search``: those containing it."""
    found = Answer.objects.filter(question=question).exclude(text="")
    if search:
        found = found.filter(text__icontains=search)
    return found.order_by("-response__submitted_at", "-pk")


def response_rows(survey: Survey) -> tuple[list[Question], list[dict[str, Any]]]:
    """One row per response for the export: where, how, and each answer as text."""
    questions = questions_of(survey)
    labels = {c.pk: c.label for q in questions for c in q.choices.all()}
    rows_of = {r.pk: r.label for q in questions for r in q.rows.all()}
    out = []
    loaded = {r.pk: r for r in _load(survey, questions)}
    responses = Response.objects.filter(survey=survey).select_related(
        "region__parent", "respondent", "entered_by"
    )
    for response in responses:
        row = loaded[response.pk]
        cells: dict[str, Any] = {
            "id": response.pk,
            "submitted": response.submitted_at,
            "channel": response.get_channel_display(),
            "village": response.region.name,
            "township": row.township,
            "respondent": (
                ""
                if survey.anonymous or response.respondent is None
                else response.respondent.get_username()
            ),
            "household": "" if survey.anonymous else response.household,
        }
        for q in questions:
            a = row.answers.get(q.pk)
            if a is None:
                cells[f"q{q.pk}"] = None
            elif q.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
                cells[f"q{q.pk}"] = a.text
            elif q.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
                cells[f"q{q.pk}"] = a.number
            elif q.kind == QuestionKind.MATRIX:
                cells[f"q{q.pk}"] = "; ".join(f"{rows_of[r]}: {labels[c]}" for r, c in a.cells)
            else:
                sep = " > " if q.kind == QuestionKind.RANKING else "; "
                cells[f"q{q.pk}"] = sep.join(labels[c] for c in a.choices)
        out.append(cells)
    return questions, out


def search_filter(text: str) -> Q:
    return Q(text__icontains=text)
