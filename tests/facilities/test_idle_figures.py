"""The idleness by hand (``facilities.idleness``, pure): peers, the idle rule, the trend,
and each cause with its figure and edges."""

from __future__ import annotations

import pytest

from minsheng.facilities import idleness as I
from minsheng.facilities.freshness import Holding, figures


def shop(pk: int, use: int, **kw):  # type: ignore[no-untyped-def]
    values = {"kind": "bookshop", "rural": True, "population": 1000, "use_recent": use}
    values.update(kw)
    return I.Inputs(id=pk, **values)


def four(**a_fields):  # type: ignore[no-untyped-def]
    """A (use 10 per 1,000) and three peers using 100, 120 and 80 per 1,000."""
    return [shop(1, 10, **a_fields), shop(2, 100), shop(3, 120), shop(4, 80)]


def by_id(found):  # type: ignore[no-untyped-def]
    return {a.id: a for a in found}


def test_below_half_the_peers_median_is_idle_and_the_others_are_not() -> None:
    found = by_id(I.assess(four()))
    a = found[1]
    assert (a.per_resident, a.peer_median, a.peer_count, a.basis) == (0.01, 0.1, 3, "peers")
    assert (a.below_peers, a.falling, a.idle) == (True, False, True)
    # B's peers are A, C and D: median of 0.01, 0.12, 0.08 is 0.08; 0.1 is not below 0.04
    assert found[2].peer_median == 0.08
    assert [f.id for f in found.values() if f.idle] == [1]


def test_a_facility_used_at_half_its_capacity_is_full_not_idle() -> None:
    # A uses 10 a day-window of 20 capacity: exactly half, busy, so not idle however low its
    # use per resident; at 9 it is not busy and idle as before. Unknown capacity: never busy.
    busy = by_id(I.assess(four(capacity_window=20)))[1]
    assert (busy.busy, busy.below_peers, busy.idle, busy.causes) == (True, False, False, ())
    assert by_id(I.assess(four(capacity_window=21)))[1].idle is True
    falling = by_id(I.assess([shop(1, 100, use_before=300, capacity_window=200), shop(2, 100)]))
    assert (falling[1].busy, falling[1].falling, falling[1].idle) == (True, False, False)
    assert by_id(I.assess(four(capacity_window=None)))[1].busy is False


def test_the_fraction_is_a_parameter() -> None:
    # 0.01 against 0.1: not below a twentieth (0.005), below a fifth (0.02)
    assert by_id(I.assess(four(), fraction=0.05))[1].idle is False
    assert by_id(I.assess(four(), fraction=0.2))[1].idle is True


def test_a_fall_of_more_than_half_is_idle_however_it_compares() -> None:
    found = by_id(I.assess([shop(1, 100, use_before=201), shop(2, 100), shop(3, 100)]))
    assert found[1].trend == pytest.approx(100 / 201)
    assert (found[1].below_peers, found[1].falling) == (False, True)
    exactly_half = by_id(I.assess([shop(1, 100, use_before=200), shop(2, 100)]))[1]
    assert (exactly_half.trend, exactly_half.falling) == (0.5, False)
    assert by_id(I.assess([shop(1, 100, use_before=0)]))[1].trend is None


def test_peers_are_same_kind_same_rural_and_half_to_double_the_population() -> None:
    me = shop(1, 0, population=1000)
    assert I.is_peer(me, shop(2, 0, population=500))
    assert I.is_peer(me, shop(2, 0, population=2000))
    assert not I.is_peer(me, shop(2, 0, population=499))
    assert not I.is_peer(me, shop(2, 0, population=2001))
    assert not I.is_peer(me, shop(2, 0, rural=False))
    assert not I.is_peer(me, shop(2, 0, kind="clinic"))
    assert not I.is_peer(me, me)


def test_fewer_than_three_peers_compares_with_the_county_median_of_the_kind() -> None:
    facilities = [
        shop(1, 10),
        shop(2, 100),
        shop(3, 100, rural=False),  # urban: not a peer, but of the kind in the county
        shop(4, 1000, population=10_000),  # too big to be a peer
        shop(5, 5, kind="clinic"),  # another kind: never compared
    ]
    a = by_id(I.assess(facilities))[1]
    assert (a.basis, a.peer_count, a.peer_median) == ("county", 3, 0.1)
    assert a.idle is True


def test_a_facility_serving_nobody_is_not_assessed_and_no_peers_means_not_idle() -> None:
    found = I.assess([shop(1, 0, population=0), shop(2, 0)])
    assert [a.id for a in found] == [2]
    assert (found[0].peer_count, found[0].peer_median, found[0].idle) == (0, 0.0, False)


def test_publicity_needs_few_views_and_no_awareness() -> None:
    # views per 1,000: A 1, peers 10, 20, 30: median 20, half 10
    def run(**kw):  # type: ignore[no-untyped-def]
        fs = [shop(1, 10, views=1, **kw), shop(2, 100, views=10), shop(3, 120, views=20)]
        fs.append(shop(4, 80, views=30))
        return by_id(I.assess(fs))[1].causes

    assert [c.as_json() for c in run()] == [
        {
            "code": "publicity",
            "figure": 1.0,
            "detail": {"peers_views_median": 20.0, "awareness": None},
        }
    ]
    assert [c.code for c in run(awareness=0.49)] == ["publicity"]
    assert run(awareness=0.5) == ()
    fs = [
        shop(1, 10, views=10),
        shop(2, 100, views=10),
        shop(3, 120, views=20),
        shop(4, 80, views=30),
    ]
    assert by_id(I.assess(fs))[1].causes == ()  # 10 is not below 10


def test_a_stale_and_one_kind_collection() -> None:
    old = figures([Holding("S", 2006, 10)], as_of=2026)  # all agriculture, 20 years old
    causes = by_id(I.assess(four(collection=old)))[1].causes
    assert [c.as_json() for c in causes] == [
        {"code": "stale", "figure": 20.0, "detail": {"share_under_5": 0.0}},
        {"code": "one_kind", "figure": 1.0, "detail": {"largest_class": "S", "shannon": 0.0}},
    ]
    fresh = figures(
        [Holding(c, 2024, 5) for c in "ABDEFIKS"], as_of=2026
    )  # eight classes, two years old
    assert by_id(I.assess(four(collection=fresh)))[1].causes == ()


def test_hours_need_five_requests_and_more_than_half_outside() -> None:
    assert [
        c.as_json() for c in by_id(I.assess(four(requests=10, requests_outside=6)))[1].causes
    ] == [{"code": "hours", "figure": 0.6, "detail": {"requests": 10, "outside": 6}}]
    assert by_id(I.assess(four(requests=10, requests_outside=5)))[1].causes == ()
    assert by_id(I.assess(four(requests=4, requests_outside=4)))[1].causes == ()


def test_broken_equipment_and_overdue_maintenance() -> None:
    causes = by_id(I.assess(four(broken=2, overdue=1)))[1].causes
    assert [(c.code, c.figure) for c in causes] == [("equipment", 2.0), ("maintenance", 1.0)]


def test_a_healthy_facility_has_no_causes_listed_even_with_faults() -> None:
    found = by_id(I.assess([shop(1, 100, broken=3), shop(2, 100), shop(3, 100), shop(4, 100)]))
    assert (found[1].idle, found[1].causes) == (False, ())
