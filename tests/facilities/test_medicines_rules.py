"""The pure rules of the medicines part (``facilities.medicine_rules``), on hand figures."""

from __future__ import annotations

import pytest

from minsheng.facilities import medicine_rules as rules

ENTRIES = [
    rules.Entry("amlodipine", ("氨氯地平", "Amlodipine"), ("降压药", "高血压")),
    rules.Entry("nifedipine", ("硝苯地平", "Nifedipine"), ("降压药",)),
    rules.Entry("insulin", ("胰岛素", "Insulin"), ("打胰岛素", "糖尿病")),
    rules.Entry("insulin-premixed", ("预混胰岛素", "Premixed insulin"), ("糖尿病",)),
    rules.Entry("vitamin-b1", ("维生素B1", ""), ()),
]


def test_levels_a_clinic_and_a_health_centre_are_held_to():
    assert rules.levels_for("clinic") == ("village",)
    assert rules.levels_for("health_centre") == ("village", "township")
    assert rules.levels_for("bookshop") == ()


def test_coverage_is_the_share_of_expected_entries_dispensed():
    c = rules.coverage(["a", "b", "c", "d"], ["a", "c", "x"])
    assert (c.expected, c.covered, c.missing) == (4, 2, 2)
    assert c.share == 0.5


def test_coverage_of_nothing_expected_has_no_share():
    c = rules.coverage([], ["a"])
    assert (c.expected, c.covered, c.share) == (0, 0, None)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("想开点氨氯地平", ["amlodipine"]),
        ("need AMLODIPINE please", ["amlodipine"]),
        ("预混胰岛素没有了", ["insulin-premixed"]),  # the longest name wins over 胰岛素
        ("村里没有胰岛素", ["insulin"]),
        ("要降压药", ["amlodipine", "nifedipine"]),  # a keyword: every entry that has it
        ("糖尿病的药", ["insulin", "insulin-premixed"]),
        ("维生素 B1", ["vitamin-b1"]),  # spaces ignored
        ("头疼", []),
        ("", []),
    ],
)
def test_the_entries_a_text_names(text, codes):
    assert rules.named(text, ENTRIES) == codes


def test_a_request_counts_against_the_first_candidate_unless_one_is_dispensed():
    assert rules.lacking(["amlodipine", "nifedipine"], {"metformin"}) == "amlodipine"
    assert rules.lacking(["amlodipine", "nifedipine"], {"nifedipine"}) is None
    assert rules.lacking([], set()) is None


def test_keywords_split_on_spaces_and_chinese_commas():
    assert rules.split_keywords("降压药，高血压、 血压高,bp") == (
        "降压药",
        "高血压",
        "血压高",
        "bp",
    )
