"""The one reading of each kind of input value (``core.inputs``), value by value."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils import translation

from minsheng.core.errors import DomainError
from minsheng.core.inputs import (
    Invalid,
    has_markup,
    read_bool,
    read_datetime,
    read_float,
    read_id,
    read_int,
    read_month,
    read_number,
    read_point,
    read_text,
    storable,
)

SHANGHAI = timezone(timedelta(hours=8))


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the default language is Chinese."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1), ("42", 42), (" 7 ", 7), (2**63 - 1, 2**63 - 1)],
)
def test_ids(value, expected):
    assert read_id(value) == expected


@pytest.mark.parametrize("value", [0, -1, True, 1.0, "1.0", "²", "１２", "", None, 2**63, "9" * 20])
def test_not_ids(value):
    with pytest.raises(Invalid) as info:
        read_id(value)
    assert info.value.code == "invalid"


@pytest.mark.parametrize(
    ("value", "expected"), [("1", 1), (" 200 ", 200), (5, 5), ("+3", 3), ("007", 7)]
)
def test_whole_numbers_in_range(value, expected):
    assert read_int(value, low=1, high=200) == expected


@pytest.mark.parametrize("value", ["0", "201", "1.5", "abc", "", True, 2.0, "1e2", "-1"])
def test_whole_numbers_out_of_range_or_not_whole(value):
    with pytest.raises(Invalid) as info:
        read_int(value, low=1, high=200)
    assert (info.value.code, str(info.value.message)) == (
        "invalid",
        "A whole number from 1 to 200.",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30.5", 30.5),
        (" -12 ", -12.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        (7, 7.0),
        (2.5, 2.5),
        (Decimal("1.25"), 1.25),
    ],
)
def test_numbers(value, expected):
    assert read_float(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "nan",
        "inf",
        "-Infinity",
        "1_000",
        "１２",
        "1,5",
        "",
        "x",
        True,
        None,
        [1],
        float("nan"),
        "1e400",
    ],
)
def test_not_numbers(value):
    with pytest.raises(Invalid) as info:
        read_float(value)
    assert info.value.code == "not_number"


def test_a_number_out_of_range_says_the_range():
    with pytest.raises(Invalid) as info:
        read_float("91", low=-90, high=90)
    assert (info.value.code, str(info.value.message)) == (
        "out_of_range",
        "Enter a number from -90 to 90.",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3), ("3.0", 3), ("2.5", 2.5), (4, 4), ("9007199254740993", 9007199254740992.0)],
)
def test_exact_numbers_keep_whole_numbers_whole(value, expected):
    number = read_number(value)
    assert number == expected
    assert type(number) is type(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("true", True),
        (" YES ", True),
        ("1", True),
        ("false", False),
        ("no", False),
        ("0", False),
    ],
)
def test_yes_no(value, expected):
    assert read_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", "", None, 2, "on", [], "y"])
def test_not_yes_no(value):
    with pytest.raises(Invalid) as info:
        read_bool(value)
    assert info.value.code == "not_yes_no"


def test_text_is_trimmed_and_measured_after_trimming():
    assert read_text("  好  ", max_length=1) == "好"
    assert read_text(None, max_length=5) == ""
    assert read_text("  x ", max_length=5, strip=False) == "  x "


@pytest.mark.parametrize(
    ("value", "kwargs", "code"),
    [
        ("abc", {"max_length": 2}, "too_long"),
        ("a\x00b", {"max_length": 10}, "not_text"),
        ("a\ud800b", {"max_length": 10}, "not_text"),
        (5, {"max_length": 10}, "not_text"),
        (["a"], {"max_length": 10}, "not_text"),
        ("   ", {"max_length": 10, "required": True}, "required"),
        ("<b>hi</b>", {"max_length": 20, "markup": False}, "markup"),
    ],
)
def test_text_refusals(value, kwargs, code):
    with pytest.raises(Invalid) as info:
        read_text(value, **kwargs)
    assert info.value.code == code


def test_markup_is_a_tag_not_a_lone_angle_bracket():
    assert has_markup("<a href=x>") and has_markup("</p>") and has_markup("<!-- x -->")
    assert not has_markup("a < b") and not has_markup("<3") and not has_markup("x <= 5")
    assert read_text("a < b", max_length=10, markup=False) == "a < b"


def test_storable():
    assert storable("民生") and not storable("\x00") and not storable("\udfff")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-05-01T08:00:00+08:00", datetime(2026, 5, 1, tzinfo=UTC)),
        ("2026-05-01T00:00:00Z", datetime(2026, 5, 1, tzinfo=UTC)),
        ("2026-05-01", datetime(2026, 5, 1, tzinfo=SHANGHAI)),  # local midnight
        ("2026-05-01T08:00", datetime(2026, 5, 1, 8, tzinfo=SHANGHAI)),  # naive: local
        ("2026-05-01T00:00:00+14:00", datetime(2026, 4, 30, 10, tzinfo=UTC)),
        ("2026-05-01T00:00:00-12:00", datetime(2026, 5, 1, 12, tzinfo=UTC)),
        ("2026-05-01T00:00:00+15:59", datetime(2026, 4, 30, 8, 1, tzinfo=UTC)),
    ],
)
def test_moments(value, expected):
    assert read_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2026-05-01T00:00:00+16:00", "not_datetime"),
        ("2026-05-01T00:00:00-23:00", "not_datetime"),
        ("2026-05-01T00:00:00+99:00", "not_datetime"),
        ("2026-02-30", "not_datetime"),
        ("0001-01-01T00:00:00Z", "not_datetime"),
        ("9999-12-31T23:59:59Z", "not_datetime"),
        ("1899-12-31", "not_datetime"),
        ("May 1", "not_datetime"),
        ("", "not_datetime"),
        (20260501, "not_datetime"),
    ],
)
def test_not_moments(value, code):
    with pytest.raises(Invalid) as info:
        read_datetime(value)
    assert info.value.code == code


def test_a_moment_without_its_zone_is_refused_where_the_zone_is_required():
    with pytest.raises(Invalid) as info:
        read_datetime("2026-05-01T08:00:00", naive="refuse")
    assert info.value.code == "no_time_zone"
    # A bare date is still its local midnight.
    assert read_datetime("2026-05-01", naive="refuse") == datetime(2026, 5, 1, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("value", "expected"), [("2026-05", date(2026, 5, 1)), (" 2000-12 ", date(2000, 12, 1))]
)
def test_months(value, expected):
    assert read_month(value) == expected


@pytest.mark.parametrize("value", ["2026-13", "2026-5", "1999-05", "May", "", None, "2026-05-01"])
def test_not_months(value):
    with pytest.raises(Invalid) as info:
        read_month(value)
    assert info.value.code == "not_month"


def test_points():
    assert read_point("30.5", 110) == (30.5, 110.0)
    assert read_point("", None) == (None, None)


@pytest.mark.parametrize(
    ("lat", "lon", "errors"),
    [
        ("91", "0", [("latitude_range", "latitude")]),
        ("0", "-181", [("longitude_range", "longitude")]),
        ("x", "0", [("not_number", "latitude")]),
        ("1", "", [("location_incomplete", "longitude")]),
        ("", "1", [("location_incomplete", "latitude")]),
        ("x", "200", [("not_number", "latitude"), ("longitude_range", "longitude")]),
    ],
)
def test_point_refusals_name_each_coordinate(lat, lon, errors):
    with pytest.raises(DomainError) as info:
        read_point(lat, lon)
    assert [(e.code, e.field) for e in info.value.errors] == errors


def test_point_refusals_use_the_interfaces_names():
    with pytest.raises(DomainError) as info:
        read_point("91", "", fields=("lat", "long"))
    assert [(e.code, e.field) for e in info.value.errors] == [
        ("latitude_range", "lat"),
        ("location_incomplete", "long"),
    ]
