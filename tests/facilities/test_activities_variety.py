"""The variety figures (facilities.variety), on hand-computed data, and the variety table
per village for a quarter (selectors.activities.variety_table)."""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from minsheng.facilities import variety as v
from minsheng.facilities.selectors.activities import variety_table
from tests.facilities.activities_helpers import held_activity

TZ = ZoneInfo("Asia/Shanghai")


def test_three_kinds_sixty_twenty_twenty():
    result = v.village_variety([("film", 60), ("opera", 20), ("dance", 20)])
    # H = -(0.6 ln 0.6 + 2 * 0.2 ln 0.2) = 0.306495 + 0.643775
    assert result.kinds == 3
    assert result.activities == 3
    assert result.attendance == 100
    assert result.shannon == pytest.approx(0.9502705392, abs=1e-9)
    assert result.evenness == pytest.approx(0.9502705392 / math.log(3), abs=1e-9)
    assert result.evenness == pytest.approx(0.8649735207, abs=1e-9)
    assert result.monotonous is False


def test_attendance_of_one_kind_adds_up_over_its_activities():
    result = v.village_variety([("film", 20), ("film", 10), ("opera", 10)])
    # film 30, opera 10: H = -(0.75 ln 0.75 + 0.25 ln 0.25) = 0.562335; J = H / ln 2
    assert (result.kinds, result.activities, result.attendance) == (2, 3, 40)
    assert result.shannon == pytest.approx(0.5623351446, abs=1e-9)
    assert result.evenness == pytest.approx(0.8112781245, abs=1e-9)
    assert result.monotonous is False


def test_threshold_eighty_twenty_is_varied_eighty_five_fifteen_is_not():
    varied = v.village_variety([("film", 80), ("opera", 20)])
    assert varied.shannon == pytest.approx(0.5004024235, abs=1e-9)
    assert varied.monotonous is False
    dull = v.village_variety([("film", 85), ("opera", 15)])
    assert dull.shannon == pytest.approx(0.4227090878, abs=1e-9)
    assert dull.monotonous is True


def test_one_kind_is_monotonous_with_no_evenness():
    result = v.village_variety([("film", 40), ("film", 35)])
    assert (result.kinds, result.activities, result.attendance) == (1, 2, 75)
    assert result.shannon == 0.0
    assert result.evenness is None
    assert result.monotonous is True


def test_nothing_held_is_zero_kinds_and_monotonous():
    result = v.village_variety([])
    assert result == v.Variety(
        kinds=0, activities=0, attendance=0, shannon=0.0, evenness=None, monotonous=True
    )


def test_a_kind_nobody_came_to_is_offered_but_adds_nothing_to_h():
    result = v.village_variety([("film", 50), ("opera", 0), ("dance", None)])
    assert (result.kinds, result.attendance) == (3, 50)
    assert result.shannon == 0.0
    assert result.evenness == 0.0
    assert result.monotonous is True


def test_two_kinds_evenly_attended_give_ln_2_and_evenness_1():
    result = v.village_variety([("film", 7), ("opera", 7)])
    assert result.shannon == pytest.approx(math.log(2), abs=1e-12)
    assert result.evenness == pytest.approx(1.0, abs=1e-12)


def test_summary_of_a_township():
    a = v.village_variety([("film", 60), ("opera", 20), ("dance", 20)])
    b = v.village_variety([("film", 10)])
    c = v.village_variety([])
    s = v.summarise([a, b, c])
    assert (s.villages, s.monotonous) == (3, 2)
    assert s.mean_kinds == pytest.approx(4 / 3)
    assert s.mean_shannon == pytest.approx(0.9502705392 / 3, abs=1e-9)
    assert v.summarise([]) == v.Summary(0, 0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026Q1", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026Q3", date(2026, 7, 1), date(2026, 10, 1)),
        ("2026Q4", date(2026, 10, 1), date(2027, 1, 1)),
    ],
)
def test_read_quarter(text, start, end):
    assert v.read_quarter(text) == (start, end)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q1", "2026-Q1", "", "1999Q1", "2026q1"])
def test_read_quarter_refuses(text):
    with pytest.raises(ValueError):
        v.read_quarter(text)


def test_quarter_of_and_previous():
    assert v.quarter_of(date(2026, 9, 30)) == "2026Q3"
    assert v.quarter_of(date(2026, 10, 1)) == "2026Q4"
    assert v.previous_quarter("2026Q1") == "2025Q4"
    assert v.previous_quarter("2026Q3") == "2026Q2"


# --- the table --------------------------------------------------------------------------------


@pytest.fixture
def quarter_world(world):
    """In 2026Q3: V1 held a film night (60), an opera (20), a square dance (20); V2 (T2)
    nothing. A film night in V1 in 2026Q2 and a draft do not count."""
    held_activity(world, starts=datetime(2026, 7, 3, 19, tzinfo=TZ), attendance=60)
    held_activity(world, starts=datetime(2026, 8, 3, 19, tzinfo=TZ), attendance=20, kind="opera")
    held_activity(
        world, starts=datetime(2026, 9, 30, 23, tzinfo=TZ), attendance=20, kind="square-dance"
    )
    held_activity(world, starts=datetime(2026, 6, 30, 19, tzinfo=TZ), attendance=500)
    return world


@pytest.mark.django_db
def test_county_table_has_every_village_with_nothing_held_as_zero(quarter_world):
    table = variety_table(quarter_world.county_admin, "2026Q3")
    rows = {r.village.code: r for r in table.villages}
    assert sorted(rows) == ["V1", "V2"]
    v1 = rows["V1"].variety
    assert (v1.kinds, v1.activities, v1.attendance) == (3, 3, 100)
    assert v1.shannon == pytest.approx(0.9502705392, abs=1e-9)
    assert v1.monotonous is False
    assert rows["V1"].kinds == sorted(["电影放映", "戏曲进村", "广场舞"])
    v2 = rows["V2"].variety
    assert (v2.kinds, v2.attendance, v2.monotonous) == (0, 0, True)
    towns = {t.township.code: t.summary for t in table.townships}
    assert towns["T1"] == v.Summary(1, 0, 3.0, pytest.approx(0.9502705392, abs=1e-9))
    assert towns["T2"] == v.Summary(1, 1, 0.0, 0.0)


@pytest.mark.django_db
def test_a_township_dispatcher_sees_their_villages_only(quarter_world):
    table = variety_table(quarter_world.dispatcher_b, "2026Q3")
    assert [r.village.code for r in table.villages] == ["V2"]
    assert variety_table(quarter_world.resident, "2026Q3").villages == []


@pytest.mark.django_db
def test_the_previous_quarter_holds_the_one_film_night(quarter_world):
    rows = {
        r.village.code: r.variety
        for r in variety_table(quarter_world.county_admin, "2026Q2").villages
    }
    assert (rows["V1"].kinds, rows["V1"].attendance, rows["V1"].monotonous) == (1, 500, True)
