"""Reading a survey's answers: which questions are shown, and whether each answer holds.

Pure computation (no Django): the caller describes the questions as :class:`QuestionSpec`
(in their order) and passes the values as submitted, one per question id; :func:`check`
returns the cleaned answers, or every :class:`Problem` found. A problem names the question
by its field name ``q<id>`` and carries a stable ``code`` (:class:`Problem.code`, the values
of ``minsheng.voice.errors.SurveyCode``) and its figures (``params``); the service words it
for people.

Shapes of a raw value, whichever interface sent it:

* short and long text, number and rating scale: a string (or a JSON number);
* single choice: a choice id; multiple choice: a list of choice ids;
* ranking: the list of choice ids, first first; or a mapping choice id → rank (1 first);
* matrix: a mapping row id → column (choice) id.

Nothing given (``None``, blank text, an empty list or mapping, a mapping of blanks) is no
answer. A question with a condition is *shown* only when the earlier question it depends on
was answered (cleanly) with one of the given choices; a question that is not shown must
not be answered, and is never required.

Numbers are read as people and JSON write them (ASCII digits, sign, point, exponent), the
same rule as ``minsheng.core.inputs``: ``1_000``, ``nan``, ``infinity`` and ``1e400``
(which overflows to infinity) are not numbers.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TEXT_MAX = 2000  # voice.models.TEXT_MAX: no text answer is longer, whatever a question says
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_ID = re.compile(r"\d{1,18}", re.ASCII)

SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
SINGLE = "single"
MULTIPLE = "multiple"
SCALE = "scale"
NUMBER = "number"
RANKING = "ranking"
MATRIX = "matrix"
TEXT_KINDS = frozenset({SHORT_TEXT, LONG_TEXT})
CHOICE_KINDS = frozenset({SINGLE, MULTIPLE, RANKING, MATRIX})

# The codes (SurveyCode's values for answers)
REQUIRED = "answer_required"
NOT_SHOWN = "answer_not_shown"
NOT_TEXT = "answer_not_text"
TOO_LONG = "answer_too_long"
UNKNOWN_CHOICE = "answer_unknown_choice"
ONE_CHOICE = "answer_one_choice"
TOO_MANY = "answer_too_many_choices"
NOT_NUMBER = "answer_not_number"
OUT_OF_RANGE = "answer_out_of_range"
NOT_WHOLE = "answer_not_whole"
NOT_PERMUTATION = "answer_not_a_ranking"
ROW_MISSING = "answer_row_missing"
UNKNOWN_ROW = "answer_unknown_row"
BAD_SHAPE = "answer_bad_shape"


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    kind: str
    required: bool = False
    max_length: int = 200
    max_choices: int | None = None
    scale_min: int = 1
    scale_max: int = 5
    number_min: float | None = None
    number_max: float | None = None
    whole_number: bool = False
    choices: tuple[int, ...] = ()
    rows: tuple[int, ...] = ()
    show_if: int | None = None  # the id of an earlier question
    show_if_choices: frozenset[int] = frozenset()

    @property
    def field(self) -> str:
        return field_name(self.id)


@dataclass(frozen=True)
class Clean:
    """One cleaned answer: ``text``; ``number``; ``choices`` (a ranking's in rank order);
    ``cells`` (a matrix's (row, column) pairs, in row order)."""

    question: int
    text: str = ""
    number: float | None = None
    choices: tuple[int, ...] = ()
    cells: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def question(self) -> int:
        return int(self.field[1:])


@dataclass(frozen=True)
class Checked:
    answers: list[Clean]
    problems: list[Problem]
    shown: frozenset[int]


def field_name(question_id: int) -> str:
    return f"q{question_id}"


class _Refused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def blank(value: Any) -> bool:
    """Nothing given for a question."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(blank(v) for v in value)
    if isinstance(value, Mapping):
        return all(blank(v) for v in value.values())
    return False


def _id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _choice(value: Any, allowed: Sequence[int]) -> int:
    pk = _id(value)
    if pk is None or pk not in allowed:
        raise _Refused(UNKNOWN_CHOICE)
    return pk


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise _Refused(NOT_NUMBER)
    if isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        text = value.strip()
    else:
        raise _Refused(NOT_NUMBER)
    try:
        number = float(text)
    except (ValueError, OverflowError):
        raise _Refused(NOT_NUMBER) from None
    if not math.isfinite(number):
        raise _Refused(NOT_NUMBER)
    return number


def _text(q: QuestionSpec, value: Any) -> Clean:
    if not isinstance(value, str):
        raise _Refused(NOT_TEXT)
    text = value.strip()
    if "\x00" in text or any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise _Refused(NOT_TEXT)
    limit = min(q.max_length, TEXT_MAX)
    if len(text) > limit:
        raise _Refused(TOO_LONG, limit=limit)
    return Clean(q.id, text=text)


def _single(q: QuestionSpec, value: Any) -> Clean:
    if isinstance(value, list | tuple):
        given = [v for v in value if not blank(v)]
        if len(given) != 1:
            raise _Refused(ONE_CHOICE)
        value = given[0]
    return Clean(q.id, choices=(_choice(value, q.choices),))


def _multiple(q: QuestionSpec, value: Any) -> Clean:
    values = value if isinstance(value, list | tuple) else [value]
    picked: list[int] = []
    for v in values:
        if blank(v):
            continue
        pk = _choice(v, q.choices)
        if pk not in picked:
            picked.append(pk)
    if q.max_choices is not None and len(picked) > q.max_choices:
        raise _Refused(TOO_MANY, limit=q.max_choices)
    return Clean(q.id, choices=tuple(sorted(picked, key=q.choices.index)))


def _scale(q: QuestionSpec, value: Any) -> Clean:
    number = _number(value)
    if number != int(number):
        raise _Refused(NOT_WHOLE)
    if not q.scale_min <= number <= q.scale_max:
        raise _Refused(OUT_OF_RANGE, low=q.scale_min, high=q.scale_max)
    return Clean(q.id, number=float(int(number)))


def _numeric(q: QuestionSpec, value: Any) -> Clean:
    number = _number(value)
    if q.whole_number and number != int(number):
        raise _Refused(NOT_WHOLE)
    low, high = q.number_min, q.number_max
    if (low is not None and number < low) or (high is not None and number > high):
        raise _Refused(OUT_OF_RANGE, low=low, high=high)
    return Clean(q.id, number=number)


def _ranking(q: QuestionSpec, value: Any) -> Clean:
    if isinstance(value, Mapping):
        ranks: dict[int, int] = {}
        for key, rank in value.items():
            pk = _choice(key, q.choices)
            place = _id(rank)
            if place is None or not 1 <= place <= len(q.choices):
                raise _Refused(NOT_PERMUTATION, count=len(q.choices))
            ranks[pk] = place
        if sorted(ranks.values()) != list(range(1, len(q.choices) + 1)):
            raise _Refused(NOT_PERMUTATION, count=len(q.choices))
        order = sorted(ranks, key=lambda pk: ranks[pk])
    elif isinstance(value, list | tuple):
        order = [_choice(v, q.choices) for v in value]
    else:
        raise _Refused(BAD_SHAPE)
    if sorted(order) != sorted(q.choices):
        raise _Refused(NOT_PERMUTATION, count=len(q.choices))
    return Clean(q.id, choices=tuple(order))


def _matrix(q: QuestionSpec, value: Any) -> Clean:
    if not isinstance(value, Mapping):
        raise _Refused(BAD_SHAPE)
    cells: dict[int, int] = {}
    for key, column in value.items():
        row = _id(key)
        if row is None or row not in q.rows:
            raise _Refused(UNKNOWN_ROW)
        if blank(column):
            continue
        cells[row] = _choice(column, q.choices)
    missing = [row for row in q.rows if row not in cells]
    if missing:
        raise _Refused(ROW_MISSING, row=missing[0])
    return Clean(q.id, cells=tuple((row, cells[row]) for row in q.rows))


_READERS = {
    SHORT_TEXT: _text,
    LONG_TEXT: _text,
    SINGLE: _single,
    MULTIPLE: _multiple,
    SCALE: _scale,
    NUMBER: _numeric,
    RANKING: _ranking,
    MATRIX: _matrix,
}


def picked(answer: Clean) -> set[int]:
    """The choices an answer includes (a matrix's columns count too)."""
    return set(answer.choices) | {column for _row, column in answer.cells}


def check(questions: Sequence[QuestionSpec], raw: Mapping[int, Any]) -> Checked:
    """Clean every answer in ``raw`` (question id → value) against ``questions`` (in the
    survey's order). Values for ids that are not questions here are ignored by the caller's
    choice of ids: only the questions' own ids are read."""
    answers: dict[int, Clean] = {}
    problems: list[Problem] = []
    shown: set[int] = set()
    unsure: set[int] = set()  # questions whose condition depends on a refused answer
    for q in questions:
        value = raw.get(q.id)
        if q.show_if is not None:
            if q.show_if in unsure or any(p.question == q.show_if for p in problems):
                unsure.add(q.id)
                continue
            earlier = answers.get(q.show_if)
            if earlier is None or not picked(earlier) & q.show_if_choices:
                if not blank(value):
                    problems.append(Problem(q.field, NOT_SHOWN, {"question": q.show_if}))
                continue
        shown.add(q.id)
        if blank(value):
            if q.required:
                problems.append(Problem(q.field, REQUIRED))
            continue
        try:
            answers[q.id] = _READERS[q.kind](q, value)
        except _Refused as exc:
            problems.append(Problem(q.field, exc.code, exc.params))
    return Checked(list(answers.values()), problems, frozenset(shown))


def is_shown(q: QuestionSpec, answers: Mapping[int, Clean]) -> bool:
    """Whether ``q`` is shown given the answers so far (for results: who was asked)."""
    if q.show_if is None:
        return True
    earlier = answers.get(q.show_if)
    return earlier is not None and bool(picked(earlier) & q.show_if_choices)
