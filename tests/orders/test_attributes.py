"""clean_answers: validation and normalisation of the six attribute datatypes (no database)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from minsheng.catalog.models import ServiceAttribute
from minsheng.core.errors import DomainError
from minsheng.orders.attributes import MAX_STRING, MAX_TEXT, clean_answers

D = ServiceAttribute.Datatype
CHOICES = [
    {"key": "rice", "name_zh": "米饭", "name_en": "Rice"},
    {"key": "noodles", "name_zh": "面条", "name_en": "Noodles"},
    {"key": "soup", "name_zh": "汤", "name_en": "Soup"},
]


def attr(datatype: str, *, code: str = "q", required: bool = False) -> ServiceAttribute:
    return ServiceAttribute(
        code=code,
        datatype=datatype,
        required=required,
        choices=CHOICES if datatype in (D.SINGLEVALUELIST, D.MULTIVALUELIST) else [],
    )


def clean(datatype: str, value: Any) -> Any:
    return clean_answers([attr(datatype)], {"q": value})["q"]


def codes(datatype: str, value: Any) -> list[tuple[str, str | None]]:
    with pytest.raises(DomainError) as info:
        clean_answers([attr(datatype)], {"q": value})
    return [(e.code, e.field) for e in info.value.errors]


# --- string and text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(" 二楼 ", "二楼"), ("a b", "a b"), (42, "42"), ("x" * MAX_STRING, "x" * MAX_STRING)],
)
def test_string_is_stripped(value, expected):
    assert clean(D.STRING, value) == expected


def test_string_longer_than_its_limit_is_refused():
    assert codes(D.STRING, "x" * (MAX_STRING + 1)) == [("attribute_too_long", "attribute[q]")]


@pytest.mark.parametrize("value", [["a"], ("a", "b"), {"a": 1}])
def test_string_given_several_values_is_refused(value):
    assert codes(D.STRING, value) == [("attribute_not_single", "attribute[q]")]


def test_text_keeps_inner_lines_and_allows_up_to_its_limit():
    assert clean(D.TEXT, " 第一行\n第二行 ") == "第一行\n第二行"
    assert clean(D.TEXT, "字" * MAX_TEXT) == "字" * MAX_TEXT
    assert codes(D.TEXT, "字" * (MAX_TEXT + 1)) == [("attribute_too_long", "attribute[q]")]


# --- number ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" -7 ", -7),
        (3, 3),
        (2.0, 2),
        ("3.50", 3.5),
        ("1e3", 1000),
        ("0.1", 0.1),
        ("-0", 0),
    ],
)
def test_number_is_normalised_to_int_when_whole_else_float(value, expected):
    result = clean(D.NUMBER, value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    "value", ["three", "1,5", "nan", "NaN", "inf", "-Infinity", "1e400", True, [1], {"n": 1}]
)
def test_not_a_number_is_refused(value):
    assert codes(D.NUMBER, value) == [("attribute_not_number", "attribute[q]")]


# --- datetime ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # naive: taken as local time (Asia/Shanghai)
        ("2026-05-01T09:30", "2026-05-01T09:30:00+08:00"),
        ("2026-05-01 09:30:15", "2026-05-01T09:30:15+08:00"),
        # with an offset: converted to local time
        ("2026-05-01T01:30:00Z", "2026-05-01T09:30:00+08:00"),
        ("2026-05-01T03:30:00+02:00", "2026-05-01T09:30:00+08:00"),
        ("2026-05-01T09:30:00+08:00", "2026-05-01T09:30:00+08:00"),
        # a date alone: local midnight
        ("2026-05-01", "2026-05-01T00:00:00+08:00"),
        # Python objects from a form
        (dt.datetime(2026, 5, 1, 1, 30, tzinfo=dt.UTC), "2026-05-01T09:30:00+08:00"),
        (dt.date(2026, 5, 1), "2026-05-01T00:00:00+08:00"),
    ],
)
def test_datetime_is_stored_in_local_time_iso_format(value, expected):
    assert clean(D.DATETIME, value) == expected


def test_datetime_in_another_zone_keeps_its_instant():
    stored = clean(D.DATETIME, "2026-05-01T21:30:00-04:00")
    assert dt.datetime.fromisoformat(stored) == dt.datetime(
        2026, 5, 1, 21, 30, tzinfo=ZoneInfo("America/New_York")
    )
    assert stored == "2026-05-02T09:30:00+08:00"


@pytest.mark.parametrize(
    "value",
    [
        "next friday",
        "2026-02-30T10:00",
        "2026-05-01T25:00",
        "01/05/2026",
        "0001-01-01T00:00:00+14:00",  # before the first representable local instant
        ["2026-05-01"],
    ],
)
def test_not_a_datetime_is_refused(value):
    assert codes(D.DATETIME, value) == [("attribute_not_datetime", "attribute[q]")]


# --- single and multiple choice ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("rice", "rice"), (["soup"], "soup"), (" soup ", "soup")]
)
def test_single_choice_takes_one_key(value, expected):
    assert clean(D.SINGLEVALUELIST, value) == expected


def test_single_choice_given_two_values_is_refused():
    assert codes(D.SINGLEVALUELIST, ["rice", "soup"]) == [("attribute_not_single", "attribute[q]")]


@pytest.mark.parametrize("datatype", [D.SINGLEVALUELIST, D.MULTIVALUELIST])
def test_unknown_choice_is_refused(datatype):
    assert codes(datatype, ["rice", "米饭"]) == [("attribute_unknown_choice", "attribute[q]")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["soup", "rice", "soup"], ["rice", "soup"]),  # choice order, no repeats
        ("noodles", ["noodles"]),
        (["soup", "", None], ["soup"]),
        (("noodles", "rice"), ["rice", "noodles"]),
    ],
)
def test_multiple_choice_is_kept_in_choice_order_without_repeats(value, expected):
    assert clean(D.MULTIVALUELIST, value) == expected


# --- required, unknown and several at once -----------------------------------------------------


@pytest.mark.parametrize("datatype", list(D))
@pytest.mark.parametrize("blank", [None, "", "   ", [], ["", None]])
def test_blank_answer_to_a_required_question_is_refused(datatype, blank):
    with pytest.raises(DomainError) as info:
        clean_answers([attr(datatype, required=True)], {"q": blank})
    assert [(e.code, e.field) for e in info.value.errors] == [
        ("attribute_required", "attribute[q]")
    ]


def test_missing_required_answer_is_refused():
    with pytest.raises(DomainError) as info:
        clean_answers([attr(D.STRING, required=True)], {})
    assert info.value.codes == ["attribute_required"]


@pytest.mark.parametrize("datatype", list(D))
def test_blank_optional_answers_are_left_out(datatype):
    assert clean_answers([attr(datatype)], {"q": ""}) == {}
    assert clean_answers([attr(datatype)], {}) == {}


def test_all_errors_are_collected_unknown_keys_first_then_in_question_order():
    attrs = [
        attr(D.NUMBER, code="people", required=True),
        attr(D.SINGLEVALUELIST, code="meal"),
        attr(D.STRING, code="note", required=True),
    ]
    with pytest.raises(DomainError) as info:
        clean_answers(attrs, {"meal": "pizza", "people": "many", "pets": "cat"})
    assert [(e.code, e.field) for e in info.value.errors] == [
        ("attribute_unknown", "attribute[pets]"),
        ("attribute_not_number", "attribute[people]"),
        ("attribute_unknown_choice", "attribute[meal]"),
        ("attribute_required", "attribute[note]"),
    ]


def test_valid_answers_are_all_returned_cleaned():
    attrs = [
        attr(D.NUMBER, code="people", required=True),
        attr(D.MULTIVALUELIST, code="meal"),
        attr(D.DATETIME, code="when"),
    ]
    assert clean_answers(
        attrs, {"people": "2", "meal": ["soup", "rice"], "when": "2026-05-01T12:00"}
    ) == {"people": 2, "meal": ["rice", "soup"], "when": "2026-05-01T12:00:00+08:00"}
