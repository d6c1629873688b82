"""The acquisition list (``facilities.acquisition``) on a hand-computed collection, and the
requests read from residents' book orders (``selectors.collections.book_requests``).

The collection, in 2026: class S, 2 copies of 2024 (age 2, young), lent 4 times; class I,
2 copies of 2016 (age 10), lent once. 4 copies, 5 loans: 1.25 loans a copy overall. Its
entropy is ln 2. Requests: "水稻种植手册" twice (not held: no class), the class S once by
letter, "红楼梦" once (held, class I).
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from minsheng.facilities import acquisition as acq
from minsheng.facilities.freshness import Holding
from minsheng.facilities.selectors import collections as selectors
from minsheng.orders.models import Order, Status
from tests.facilities.collections_helpers import add_titles, library
from tests.factories import AttributeFactory, ServiceFactory
from tests.helpers import T0, submit

HOLDINGS = [Holding("S", 2024, 2, 4), Holding("I", 2016, 2, 1)]
KNOWN = {"红楼梦": "I", "水稻高产栽培技术": "S"}


def H(*counts: int) -> float:
    total = sum(counts)
    return -sum(n / total * math.log(n / total) for n in counts)


def requests() -> list[acq.Request]:
    texts = ["水稻种植手册", " 水稻种植手册 ", "s", "红楼梦"]
    return [r for r in (acq.read_request(t, KNOWN) for t in texts) if r is not None]


def test_reading_requests():
    assert acq.read_request("s", KNOWN) == acq.Request("", "S")
    assert acq.read_request("农业科学", KNOWN) == acq.Request("", "S")
    assert acq.read_request("  红楼梦 ", KNOWN) == acq.Request("红楼梦", "I")
    assert acq.read_request("水稻高产栽培技术", KNOWN) == acq.Request("水稻高产栽培技术", "S")
    assert acq.read_request("新书", KNOWN) == acq.Request("新书", None)
    assert acq.read_request("   ", KNOWN) is None


def test_each_candidate_scores_by_the_formula():
    ranked = acq.candidates(HOLDINGS, requests(), as_of=2026, price=40, batch=5)
    by = {(c.kind, c.label): c for c in ranked}
    # 2 requests x 2, no class known: nothing else
    rice = by[("title", "水稻种植手册")]
    assert (rice.requests, rice.copies, rice.cost, rice.score) == (2, 1, 40, 4.0)
    assert rice.young_share is None
    # 1 request; class I: 0.5 loans a copy; one copy more makes S 2, I 3; no young I books
    dream = by[("title", "红楼梦")]
    assert dream.diversity_gain == pytest.approx(H(2, 3) - math.log(2))
    assert dream.score == pytest.approx(2 + 0.5 + 50 * (H(2, 3) - math.log(2)) + 1)
    # the class S asked once; lent 2 a copy (above 1.25); five more: S 7, I 2; all young
    s = by[("class", "S")]
    assert (s.requests, s.copies, s.cost, s.young_share) == (1, 5, 200, 1.0)
    assert s.score == pytest.approx(2 + 2.0 + 50 * (H(7, 2) - math.log(2)) + 0)
    # I: lent less than the whole, but no young books: a candidate
    i = by[("class", "I")]
    assert i.score == pytest.approx(0.5 + 50 * (H(2, 7) - math.log(2)) + 1)
    # a missing class: five copies beside S 2 and I 2, and no young books of its own
    a = by[("class", "A")]
    assert a.score == pytest.approx(50 * (H(2, 2, 5) - math.log(2)) + 1)
    assert a.score == pytest.approx(16.0940, abs=1e-4)
    # every class is a candidate here: 20 missing, S and I
    assert sum(1 for c in ranked if c.kind == "class") == 22


def test_ranked_by_score_then_letter():
    ranked = acq.candidates(HOLDINGS, requests(), as_of=2026, price=40, batch=5)
    missing = sorted(set("ABCDEFGHJKNOPQRTUVXZ"))
    assert [(c.rank, c.kind, c.label) for c in ranked] == [
        *[(n, "class", letter) for n, letter in enumerate(missing, start=1)],
        (21, "title", "水稻种植手册"),
        (22, "title", "红楼梦"),
        (23, "class", "S"),
        (24, "class", "I"),
    ]


def test_chosen_greedily_in_rank_order_skipping_what_no_longer_fits():
    plan = acq.plan(HOLDINGS, requests(), as_of=2026, budget=250, price=40, batch=5)
    # A (200) fits; B..Z (200 each) do not fit in 50; the rice book (40) does; 10 left
    assert [(c.label, c.cost) for c in plan.chosen] == [("A", 200), ("水稻种植手册", 40)]
    assert (plan.spent, plan.left) == (240, 10)


def test_a_budget_for_everything_but_the_last_classes():
    plan = acq.plan(HOLDINGS, requests(), as_of=2026, budget=4100, price=40)
    # 20 classes 4000, two titles 80: 4080; S (200) and I (200) do not fit in 20
    assert plan.spent == 4080
    assert [c.label for c in plan.candidates if not c.chosen] == ["S", "I"]


def test_no_budget_chooses_nothing():
    plan = acq.plan(HOLDINGS, [], as_of=2026, budget=0)
    assert plan.chosen == [] and plan.spent == 0


def test_requests_outweigh_a_missing_class_in_a_large_collection():
    # 1,500 copies over five classes: five new copies of a missing class gain little
    big = [Holding(c, 2020, 300, 150) for c in "SIRDG"]
    ranked = acq.candidates(big, [acq.Request("新书", None)], as_of=2026)
    assert ranked[0].label == "新书" and ranked[0].score == 2.0
    gain = H(300, 300, 300, 300, 300, 5) - H(300, 300, 300, 300, 300)
    assert ranked[1].score == pytest.approx(50 * gain + 1)


@pytest.mark.django_db
def test_book_requests_come_from_the_village_in_the_last_twelve_months(world):
    books = ServiceFactory(code="rural-library", regions=[world.county])
    AttributeFactory(service=books, code="title")
    shop = library(world)
    add_titles(shop, [("红楼梦", "I", 2010, 2, 1)])

    def order(text, *, days_ago, village=world.village_a):
        return submit(
            world,
            service_code="rural-library",
            region_code=village.code,
            answers={"title": text},
            now=T0 - timedelta(days=days_ago),
        )

    order("红楼梦", days_ago=3)
    order("农业科学", days_ago=300)
    order("平凡的世界", days_ago=364)
    order("过期的书", days_ago=366)  # more than twelve months before
    order("别村的书", days_ago=3, village=world.village_b)  # another village
    rejected = order("被驳回的书", days_ago=3)
    Order.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    submit(world, now=T0 - timedelta(days=1))  # another service
    got = selectors.book_requests(shop, T0)
    assert sorted(got, key=lambda r: (r.title, r.subject or "")) == [
        acq.Request("", "S"),
        acq.Request("平凡的世界", None),
        acq.Request("红楼梦", "I"),
    ]
