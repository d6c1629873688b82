"""The collection figures on hand-computed collections (``facilities.freshness``)."""

from __future__ import annotations

import math

import pytest

from minsheng.facilities.freshness import Holding, figures


def test_figures_of_a_two_class_collection_by_hand() -> None:
    # 3 copies of a 2020 novel (class I, 6 loans), 1 copy of a 2010 farming book (S):
    # ages 5,5,5,15 -> median 5; none under 5; shares 3/4 and 1/4.
    f = figures([Holding("I", 2020, 3, 6), Holding("S", 2010, 1, 0)], as_of=2025)
    assert f.titles == 2
    assert f.copies == 4
    assert f.median_age == 5.0
    assert f.share_under_5 == 0.0
    assert f.shannon == pytest.approx(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)), abs=1e-12)
    assert f.largest_share == 0.75
    assert f.largest_class == "I"
    assert f.classes == 2
    assert f.evenness == pytest.approx(f.shannon / math.log(2), abs=1e-12)
    assert f.circulation_per_title == 3.0


def test_even_number_of_copies_takes_the_mean_of_the_middle_pair() -> None:
    f = figures([Holding("A", 2000, 1), Holding("A", 2010, 1)], as_of=2025)
    assert f.median_age == 20.0  # ages 25 and 15
    assert f.shannon == 0.0
    assert math.copysign(1.0, f.shannon) == 1.0  # not -0.0
    assert f.largest_share == 1.0
    assert f.evenness is None


def test_share_under_five_counts_copies_not_titles() -> None:
    # ages 4 (2 copies), 5 (1 copy), 0 (1 copy): under five = 3 of 4 copies
    f = figures([Holding("G", 2021, 2), Holding("K", 2020, 1), Holding("S", 2025, 1)], as_of=2025)
    assert f.share_under_5 == 0.75
    assert f.median_age == 4.0  # ages 0,4,4,5
    assert f.largest_class == "G"


def test_ties_for_the_largest_class_name_the_first_letter() -> None:
    f = figures([Holding("S", 2020, 2), Holding("I", 2020, 2)], as_of=2025)
    assert f.largest_class == "I"
    assert f.largest_share == 0.5
    assert f.shannon == pytest.approx(math.log(2), abs=1e-12)


def test_an_empty_collection_has_no_figures() -> None:
    f = figures([], as_of=2025)
    assert (f.titles, f.copies, f.median_age, f.shannon, f.largest_share) == (
        0,
        0,
        None,
        None,
        None,
    )
    assert f.as_json() == {
        "median_age": None,
        "share_under_5": None,
        "shannon": None,
        "largest_share": None,
    }


def test_stale_and_one_kind_at_their_edges() -> None:
    from minsheng.facilities.freshness import is_one_kind, is_stale

    # median age exactly 10 is stale; 9.5 with a fifth of copies young is not
    assert is_stale(figures([Holding("I", 2015, 1)], as_of=2025))
    young = [Holding("I", 2022, 1), Holding("S", 2016, 2), Holding("K", 2015, 2)]
    assert figures(young, as_of=2025).median_age == 9.0
    assert not is_stale(figures(young, as_of=2025))  # median 9, young share 1/5 = 0.2
    # young share below a tenth: stale even when the median is low
    nine_old = [Holding("I", 2024, 1)] + [Holding("S", 2019, 1)] * 10
    assert figures(nine_old, as_of=2025).share_under_5 == pytest.approx(1 / 11)
    assert is_stale(figures(nine_old, as_of=2025))
    assert not is_stale(figures([], as_of=2025))
    # one class with exactly half the copies is one kind; four even classes are not
    assert is_one_kind(
        figures([Holding("D", 2020, 2), Holding("S", 2020, 1), Holding("I", 2020, 1)], as_of=2025)
    )
    even = [Holding(c, 2020, 1) for c in "ISKR"]
    assert not is_one_kind(figures(even, as_of=2025))  # largest 1/4, H = ln 4 ≈ 1.39
    assert is_one_kind(figures(even[:2], as_of=2025))  # largest 1/2
    assert not is_one_kind(figures([], as_of=2025))
