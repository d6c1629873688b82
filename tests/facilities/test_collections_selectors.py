"""The collections' reads: the figures of many libraries in one query, a library's class
breakdown and titles, and the table of libraries in a user's scope with their marks."""

from __future__ import annotations

import math

import pytest

from minsheng.facilities.freshness import figures
from minsheng.facilities.models import Kind
from minsheng.facilities.selectors import collections as sel
from tests.facilities.collections_helpers import add_titles, library
from tests.facilities.factories import make_facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops(world):
    """Three libraries in 2026: fresh and mixed in V1, old and all D in V2, one empty in T1."""
    fresh = library(world)
    add_titles(
        fresh,
        [
            ("稻田养鱼技术", "S", 2025, 1, 3),
            ("平凡的世界", "I", 2020, 2, 4),
            ("土地承包法问答", "D", 2000, 3, 0),
            ("唐诗三百首", "I", 2024, 2, 5),
        ],
    )
    old = library(world, region=world.village_b, keepers=[])
    add_titles(old, [("政策汇编", "D", 2005, 10, 1), ("法律问答", "D", 2010, 2, 0)])
    empty = library(world, region=world.town_a, keepers=[])
    return fresh, old, empty


def test_figures_of_many_libraries_in_one_query(shops, django_assert_num_queries):
    fresh, old, empty = shops
    with django_assert_num_queries(1):
        got = sel.collection_figures([fresh.pk, old.pk, empty.pk], 2026)
    f = got[fresh.pk]
    assert (f.titles, f.copies, f.median_age, f.share_under_5, f.largest_class) == (
        4,
        8,
        6.0,
        0.375,
        "I",
    )
    assert f.shannon == pytest.approx(
        -(1 / 8 * math.log(1 / 8) + 0.5 * math.log(0.5) + 3 / 8 * math.log(3 / 8))
    )
    assert f.circulation_per_title == 3.0  # 12 loans over 4 titles
    o = got[old.pk]
    # ages 21 x10, 16 x2: median of 12 copies is (21 + 21) / 2
    assert (o.median_age, o.share_under_5, o.shannon, o.largest_share) == (21.0, 0.0, 0.0, 1.0)
    assert got[empty.pk] == figures([], as_of=2026)


def test_class_breakdown(shops):
    fresh, _old, empty = shops
    rows = sel.class_breakdown(fresh, 2026)
    assert [
        (r.letter, r.titles, r.copies, r.share, r.young_share, r.loans, r.loans_per_copy)
        for r in rows
    ] == [
        ("D", 1, 3, 3 / 8, 0.0, 0, 0.0),
        ("I", 2, 4, 0.5, 0.5, 9, 2.25),
        ("S", 1, 1, 1 / 8, 1.0, 3, 3.0),
    ]
    assert rows[1].name_zh == "文学"
    assert sel.class_breakdown(empty, 2026) == []


def test_titles_searched(shops):
    fresh, _old, _empty = shops
    assert [t.title for t in sel.titles_of(fresh)] == [
        "土地承包法问答",
        "唐诗三百首",
        "平凡的世界",
        "稻田养鱼技术",
    ]
    assert [t.title for t in sel.titles_of(fresh, "平凡")] == ["平凡的世界"]


def test_the_table_follows_the_users_scope_and_marks(world, shops):
    fresh, old, empty = shops
    make_facility(world.village_a, Kind.CLINIC, keepers=[world.grid_worker])  # not a library
    county = sel.library_table(world.county_admin, 2026)
    assert [(r.facility.pk, r.stale, r.one_kind) for r in county] == [
        (empty.pk, False, False),
        (fresh.pk, False, True),  # I holds half the copies: "half or more"
        (old.pk, True, True),
    ]
    assert [r.facility.pk for r in sel.library_table(world.dispatcher_a, 2026)] == [
        empty.pk,
        fresh.pk,
    ]
    assert [r.facility.pk for r in sel.library_table(world.grid_worker, 2026)] == [fresh.pk]
    assert sel.library_table(world.resident, 2026) == []
    groups = sel.by_township(county)
    assert [(g.name, len(g.rows), g.stale, g.one_kind) for g in groups] == [
        (world.town_a.name, 2, 0, 1),
        (world.town_b.name, 1, 1, 1),
    ]


def test_the_table_sorts_with_empty_collections_last(world, shops):
    fresh, old, empty = shops
    rows = sel.library_table(world.county_admin, 2026, sort="median_age", descending=True)
    assert [r.facility.pk for r in rows] == [old.pk, fresh.pk, empty.pk]
    rows = sel.library_table(world.county_admin, 2026, sort="median_age")
    assert [r.facility.pk for r in rows] == [fresh.pk, old.pk, empty.pk]


def test_highlights_are_the_newest_most_lent_titles(shops):
    fresh, _old, empty = shops
    assert [t.title for t in sel.highlights(fresh, 3)] == [
        "稻田养鱼技术",  # 2025
        "唐诗三百首",  # 2024
        "平凡的世界",  # 2020
    ]
    assert sel.highlights(empty) == []
