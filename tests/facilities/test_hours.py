"""Opening hours: checked, open at a time, hours a week."""

from __future__ import annotations

from datetime import time

from minsheng.facilities.hours import check, open_at, weekly_open_hours

WEEKDAYS = [{"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"}]


def test_open_at_includes_opening_and_excludes_closing() -> None:
    assert open_at(WEEKDAYS, 0, time(9, 0))
    assert open_at(WEEKDAYS, 4, time(16, 59))
    assert not open_at(WEEKDAYS, 4, time(17, 0))
    assert not open_at(WEEKDAYS, 5, time(10, 0))  # Saturday
    assert not open_at([], 0, time(10, 0))


def test_weekly_hours_count_overlaps_once() -> None:
    assert weekly_open_hours(WEEKDAYS) == 40.0
    overlapping = [*WEEKDAYS, {"days": [0], "opens": "16:00", "closes": "18:30"}]
    assert weekly_open_hours(overlapping) == 41.5


def test_check_names_each_fault() -> None:
    assert check(WEEKDAYS) == []
    assert check({"days": [0]}) == ["opening hours are a list of periods"]
    assert check(
        [
            {"days": [7], "opens": "09:00", "closes": "10:00"},
            {"days": [1], "opens": "9am", "closes": "10:00"},
            {"days": [2], "opens": "10:00", "closes": "09:00"},
            "x",
        ]
    ) == [
        "period 1: days are numbers 0 (Monday) to 6 (Sunday)",
        "period 2: times are HH:MM",
        "period 3: closes before it opens",
        "period 4 is not a period",
    ]
