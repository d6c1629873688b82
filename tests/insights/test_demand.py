"""The pure figures and the estimate's method, on figures worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest

from minsheng.insights import demand
from minsheng.insights.demand import Counts, Item, Place, Similar


def test_months():
    assert demand.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert demand.add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    months = demand.last_months(date(2026, 3, 17), 12)
    assert months[0] == date(2025, 4, 1) and months[-1] == date(2026, 3, 1)
    assert len(months) == 12


def test_rates_and_shares():
    assert demand.per_thousand(3, 1500) == pytest.approx(2.0)
    assert demand.per_thousand(3, 0) is None
    assert demand.share(1, 4) == 0.25
    assert demand.share(0, 0) is None


def test_roll_up_counts_villages_without_demand_in_the_population():
    parts = [(1, {"placed": 4, "unmet": 1}), (2, Counts(placed=2))]
    rolled = demand.roll_up(parts, {1: 1000, 2: 1000, 3: 2000}, {1: 10, 2: 10, 3: 10})
    assert rolled[10].population == 4000
    assert rolled[10].counts.placed == 6
    assert rolled[10].rate("placed") == pytest.approx(1.5)
    assert rolled[10].unmet_share == pytest.approx(1 / 6)


def test_voice_adjustment_is_smoothed_and_bounded():
    # here: 10 per 1,000 → (10+1)/(4+1) = 2.2 → capped at 2
    assert demand.voice_adjustment(10, 1000, 40, 10000) == 2.0
    # here: 3 per 1,000, county 4 → 4/5
    assert demand.voice_adjustment(3, 1000, 40, 10000) == pytest.approx(0.8)
    assert demand.voice_adjustment(3, 0, 40, 10000) == 1.0


def test_estimate_of_a_place_by_hand():
    a = Item(1, "助餐", "助餐 送餐", "elderly")
    b = Item(2, "理发", "上门理发", "elderly")
    similar = [Similar(a, 0.6, 0.75), Similar(b, 0.2, 0.25)]
    # 2,000 residents, 12 months: item a 48 orders → 2 per 1,000 a month; b 96 → 4.
    place = Place(id=7, population=2000, orders={1: 48, 2: 96}, voice=8)
    # voice: here 4 per 1,000, county 4 per 1,000 → adjustment 1.
    got = demand.estimate_place(similar, place, months=12, county_voice=40, county_population=10000)
    mean = 0.75 * 2 + 0.25 * 4  # 2.5
    spread = math.sqrt(0.75 * (2 - 2.5) ** 2 + 0.25 * (4 - 2.5) ** 2)  # √0.75
    assert got.adjustment == pytest.approx(1.0)
    assert got.rate == pytest.approx(mean)
    assert got.low == pytest.approx(mean - spread)
    assert got.high == pytest.approx(mean + spread)
    assert got.orders == pytest.approx(5.0)
    assert got.orders_low == pytest.approx((mean - spread) * 2)
    # Twice the county's voice: (8+1)/(4+1) = 1.8
    louder = Place(id=7, population=2000, orders={1: 48, 2: 96}, voice=16)
    got = demand.estimate_place(
        similar, louder, months=12, county_voice=40, county_population=10000
    )
    assert got.adjustment == pytest.approx(1.8)
    assert got.orders == pytest.approx(9.0)


def test_no_estimate_without_residents_or_similar_items():
    place = Place(id=1, population=0, orders={}, voice=0)
    got = demand.estimate_place([], place, months=12, county_voice=0, county_population=0)
    assert (got.rate, got.orders) == (None, None)


def test_similar_items_rank_by_text_with_a_same_area_bonus():
    items = [
        Item(1, "助餐送餐", "助餐送餐 为老人送餐上门 午餐 晚餐", "elderly"),
        Item(2, "上门理发", "上门理发 老人理发", "elderly"),
        Item(3, "路灯维修", "路灯维修 路灯不亮", "infrastructure"),
    ]
    found = demand.similar_items("老年食堂送餐", "为老人提供午餐", "elderly", items)
    assert found[0].item.id == 1
    assert sum(s.weight for s in found) == pytest.approx(1.0)
    assert all(s.item.id != 3 for s in found)  # nothing in common
    # The same text in another area loses the bonus.
    other = demand.similar_items("老年食堂送餐", "为老人提供午餐", "infrastructure", items)
    assert other[0].similarity == pytest.approx(found[0].similarity - demand.SAME_AREA_BONUS)
    assert demand.similar_items("x", "", "a", []) == []
