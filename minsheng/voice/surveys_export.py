"""A survey's results as tables for ``minsheng.core.exports`` (CSV, XLSX): the figures of
each question, and (for those who manage the survey) one row per response. An anonymous
survey's rows name no person and no household."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.core.exports import Cell, Table
from minsheng.voice.models import QuestionKind, Survey
from minsheng.voice.selectors import surveys as selectors


def _pct(share: float | None) -> Cell:
    return None if share is None else round(share * 100, 1)


def export_tables(survey: Survey, *, responses: bool) -> list[Table]:
    results = selectors.survey_results(survey)
    rows: list[list[Cell]] = []
    for r in results.questions:
        head = f"{r.number}. {r.question.text}"
        if r.counts:
            for c in r.counts:
                rows.append([head, c.label, c.count, _pct(c.share), r.shown, r.answered])
        if r.mean is not None:
            rows.append([head, _("Mean"), round(r.mean, 2), None, r.shown, r.answered])
            rows.append([head, _("Median"), r.median, None, r.shown, r.answered])
        rank_word = _("average rank")
        for label, average, _firsts in r.ranks:
            rows.append(
                [
                    head,
                    f"{label} ({rank_word})",
                    None if average is None else round(average, 2),
                    None,
                    r.shown,
                    r.answered,
                ]
            )
        for line in r.matrix:
            for c in line.cells:
                rows.append(
                    [head, f"{line.label} / {c.label}", c.count, _pct(c.share), r.shown, r.answered]
                )
        if (
            r.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER)
            and not r.counts
        ) and r.mean is None:
            rows.append([head, _("Answers"), r.answered, None, r.shown, r.answered])
    tables = [
        Table(
            title=_("Results"),
            header=[
                _("Question"),
                _("Answer"),
                _("Count"),
                _("Share (%)"),
                _("Shown to"),
                _("Answered"),
            ],
            rows=rows,
        )
    ]
    if responses:
        questions, lines = selectors.response_rows(survey)
        fixed = ["id", "submitted", "channel", "township", "village"]
        headers = [_("Response"), _("Submitted"), _("Channel"), _("Township"), _("Village")]
        if not survey.anonymous:
            fixed += ["respondent", "household"]
            headers += [_("Respondent"), _("Household")]
        out: list[list[Cell]] = []
        shape = "%Y-%m-%d" if survey.anonymous else "%Y-%m-%d %H:%M"
        for entry in lines:
            row: list[Cell] = [
                timezone.localtime(entry[k]).strftime(shape) if k == "submitted" else entry[k]
                for k in fixed
            ]
            row += [entry[f"q{q.pk}"] for q in questions]
            out.append(row)
        tables.append(
            Table(
                title=_("Responses"),
                header=headers + [f"{i}. {q.text}" for i, q in enumerate(questions, start=1)],
                rows=out,
            )
        )
    return tables
