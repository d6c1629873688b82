"""``voice.answers`` on its own (no database): which questions are shown, and the shapes."""

from __future__ import annotations

from minsheng.voice import answers as A

SINGLE = A.QuestionSpec(id=1, kind=A.SINGLE, required=True, choices=(11, 12))
FOLLOW = A.QuestionSpec(
    id=2, kind=A.SHORT_TEXT, required=True, show_if=1, show_if_choices=frozenset({12})
)
CHAINED = A.QuestionSpec(
    id=3, kind=A.SINGLE, choices=(31, 32), show_if=1, show_if_choices=frozenset({12})
)
LAST = A.QuestionSpec(
    id=4, kind=A.NUMBER, required=True, show_if=3, show_if_choices=frozenset({31})
)
SPECS = [SINGLE, FOLLOW, CHAINED, LAST]


def codes(result: A.Checked) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in result.problems]


def test_a_chain_of_conditions():
    result = A.check(SPECS, {1: "11"})
    assert (codes(result), result.shown) == ([], frozenset({1}))
    result = A.check(SPECS, {1: "12", 2: "because", 3: "31", 4: "7"})
    assert codes(result) == []
    assert result.shown == frozenset({1, 2, 3, 4})
    assert [a.question for a in result.answers] == [1, 2, 3, 4]
    assert result.answers[3].number == 7.0
    # the middle question answered otherwise: the last one is not shown, so not required
    result = A.check(SPECS, {1: "12", 2: "because", 3: "32"})
    assert (codes(result), result.shown) == ([], frozenset({1, 2, 3}))
    # and must not be answered
    assert codes(A.check(SPECS, {1: "12", 2: "b", 3: "32", 4: "1"})) == [("q4", A.NOT_SHOWN)]


def test_nothing_given_is_no_answer():
    for blank in (None, "", "  ", [], ["", " "], {}, {"5": ""}):
        assert A.blank(blank)
    assert codes(A.check([SINGLE], {1: [" "]})) == [("q1", A.REQUIRED)]


def test_problems_carry_their_figures():
    multi = A.QuestionSpec(id=5, kind=A.MULTIPLE, choices=(1, 2, 3), max_choices=1)
    result = A.check([multi], {5: ["1", "2"]})
    assert result.problems == [A.Problem("q5", A.TOO_MANY, {"limit": 1})]
    number = A.QuestionSpec(id=6, kind=A.NUMBER, number_min=0.5, number_max=None)
    problem = A.check([number], {6: "0.25"}).problems[0]
    assert (problem.code, dict(problem.params)) == (A.OUT_OF_RANGE, {"low": 0.5, "high": None})
    assert problem.question == 6


def test_a_multiple_choice_keeps_the_questions_order_and_drops_repeats():
    multi = A.QuestionSpec(id=5, kind=A.MULTIPLE, choices=(1, 2, 3))
    assert A.check([multi], {5: ["3", "1", "3"]}).answers[0].choices == (1, 3)
