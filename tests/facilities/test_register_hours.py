"""Opening hours in their text form (the import's column and the form): parse and format."""

from __future__ import annotations

import pytest

from minsheng.facilities.hours import check, format, parse


def test_parse_reads_days_ranges_lists_and_periods() -> None:
    assert parse("1-5 09:00-17:00; 6-7 09:00-12:00") == [
        {"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"},
        {"days": [5, 6], "opens": "09:00", "closes": "12:00"},
    ]
    assert parse("1,3,5 08:30-11:30") == [{"days": [0, 2, 4], "opens": "08:30", "closes": "11:30"}]
    assert parse("7 14:00-18:00；") == [{"days": [6], "opens": "14:00", "closes": "18:00"}]
    assert parse("") == []
    assert parse(" ; ") == []


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("1-5", "period 1: days, a space, then HH:MM-HH:MM: '1-5'"),
        ("1-5 09:00", "period 1: times are HH:MM-HH:MM: '09:00'"),
        ("0-5 09:00-17:00", "period 1: not a day (1 Monday to 7 Sunday): '0'"),
        ("5-1 09:00-17:00", "period 1: days run backwards: '5-1'"),
        ("1 9:00-17:00", "period 1: not a time of day (HH:MM): '9:00'"),
        ("1 09:00-25:00", "period 1: hour must be in 0..23"),
        ("1 09:00-17:00; 2 18:00-08:00", "period 2: closes before it opens"),
    ],
)
def test_parse_names_the_first_fault(text: str, fault: str) -> None:
    with pytest.raises(ValueError) as info:
        parse(text)
    assert str(info.value) == fault


def test_format_is_the_inverse_of_parse() -> None:
    hours = [
        {"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"},
        {"days": [5, 6], "opens": "09:00", "closes": "12:00"},
        {"days": [0, 2, 3, 6], "opens": "19:00", "closes": "21:00"},
    ]
    text = format(hours)
    assert text == "1-5 09:00-17:00; 6-7 09:00-12:00; 1,3-4,7 19:00-21:00"
    assert parse(text) == hours
    assert check(parse(text)) == []
    assert format([]) == ""
