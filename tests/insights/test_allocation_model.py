"""The pure allocation model (``insights.allocation``) on hand-computed cases, and maximin
against water-filling bisection on a random instance."""

from __future__ import annotations

import numpy as np
import pytest

from minsheng.insights.allocation import (
    AllocationError,
    Band,
    Cell,
    Limit,
    allocate,
    compare,
    water_filling,
)


def two_cells() -> list[Cell]:
    # A (rural): 0.2, +0.1 per 10,000 yuan; B (urban): 0.4, +0.05 per 10,000 yuan.
    return [
        Cell("A", "edu", 100, 0.2, (Band(100_000, 0.1),), rural=True),
        Cell("B", "edu", 100, 0.4, (Band(100_000, 0.05),)),
    ]


def test_maximin_lifts_the_lowest_to_the_common_level_by_hand():
    # 20,000 lifts A to 0.4; the last 20,000 lift both by d: d/0.1 + d/0.05 = 2 (10,000s),
    # d = 1/15: both at 0.4 + 1/15.
    got = allocate(two_cells(), 40_000, "maximin")
    assert got.after == pytest.approx([0.4 + 1 / 15, 0.4 + 1 / 15], abs=1e-7)
    assert got.spend == pytest.approx([20_000 + 20_000 / 3, 40_000 / 3], abs=1e-3)
    assert got.summary.spent == pytest.approx(40_000, abs=1e-3)
    assert got.summary.unspent == pytest.approx(0, abs=1e-3)
    assert got.summary.rural_share == pytest.approx(2 / 3, abs=1e-7)
    assert got.summary.gini == pytest.approx(0, abs=1e-7)


def test_utilitarian_buys_the_cheapest_points_and_the_price_of_fairness_by_hand():
    got = compare(two_cells(), 40_000)
    util = got.results["utilitarian"]
    assert util.spend == pytest.approx([40_000, 0], abs=1e-3)
    assert util.after == pytest.approx([0.6, 0.4])
    assert util.summary.total == pytest.approx(100.0)
    assert util.summary.rural_share == pytest.approx(1.0)
    assert util.summary.gini == pytest.approx(0.1)  # |0.6-0.4| / (4 * 0.5)
    assert got.results["maximin"].summary.total == pytest.approx(200 * (0.4 + 1 / 15))
    assert got.price_of_fairness == pytest.approx(1 / 15, abs=1e-7)
    assert got.before.min == pytest.approx(0.2)
    assert got.before.mean == pytest.approx(0.3)
    assert got.before.gini == pytest.approx(1 / 6)  # 2 x 1/4 x 0.2 / (2 x 0.3)
    assert got.before.spent == 0 and got.before.rural_share is None


def test_a_weight_above_one_lifts_the_cell_first_by_its_weighted_attainment():
    # A: 0.6 at weight 1.5 counts as 0.4, like B. Raising both by d (weighted) costs
    # 1.5 d / 0.1 + d / 0.1 = 25 d (10,000s) = 2.5: d = 0.1.
    cells = [
        Cell("A", "care", 100, 0.6, (Band(1_000_000, 0.1),), weight=1.5),
        Cell("B", "care", 100, 0.4, (Band(1_000_000, 0.1),)),
    ]
    got = allocate(cells, 25_000, "maximin")
    assert got.after == pytest.approx([0.75, 0.5], abs=1e-7)
    assert got.spend == pytest.approx([15_000, 10_000], abs=1e-3)
    assert got.summary.min_weighted == pytest.approx(0.5, abs=1e-7)
    assert got.summary.min == pytest.approx(0.5, abs=1e-7)


def capped() -> list[Cell]:
    # C1 can only reach 0.2; C2 and C3 (region R2) start at 0.3; C3 has more people.
    return [
        Cell("R1", "x", 100, 0.1, (Band(10_000, 0.1),)),
        Cell("R2", "x", 100, 0.3, (Band(100_000, 0.1),)),
        Cell("R3", "x", 200, 0.3, (Band(100_000, 0.1),), within=("T2",)),
    ]


def test_leximin_goes_on_lifting_after_the_capped_cell_and_maximin_stops_at_it():
    maximin = allocate(capped(), 50_000, "maximin")
    # The minimum is C1's top, 0.2; of those allocations, the largest total.
    assert maximin.summary.min == pytest.approx(0.2)
    assert maximin.spend == pytest.approx([10_000, 0, 40_000], abs=1e-3)
    leximin = allocate(capped(), 50_000, "leximin")
    assert leximin.spend == pytest.approx([10_000, 20_000, 20_000], abs=1e-3)
    assert leximin.after == pytest.approx([0.2, 0.5, 0.5], abs=1e-7)
    assert leximin.rounds == 2  # two distinct levels: 0.2 and 0.5


def test_a_cap_leaves_the_budget_unspent_and_it_is_reported():
    limits = {"R2": Limit(cap=5_000), "T2": Limit(cap=5_000)}
    got = allocate(capped(), 50_000, "leximin", limits)
    assert got.spend == pytest.approx([10_000, 5_000, 5_000], abs=1e-3)
    assert got.summary.unspent == pytest.approx(30_000, abs=1e-3)
    assert got.summary.spent == pytest.approx(20_000, abs=1e-3)


def test_a_floor_is_spent_in_its_region_even_above_the_level():
    got = allocate(capped(), 30_000, "maximin", {"R2": Limit(floor=20_000)})
    assert got.spend[1] == pytest.approx(20_000, abs=1e-3)
    assert got.spend == pytest.approx([10_000, 20_000, 0], abs=1e-3)


def test_nothing_above_the_top_band_is_bought():
    got = allocate(capped(), 1_000_000, "utilitarian")
    assert got.spend == pytest.approx([10_000, 100_000, 100_000], abs=1e-3)
    assert got.after == pytest.approx([0.2, 1.3, 1.3])
    assert got.summary.unspent == pytest.approx(790_000, abs=1e-3)


def random_cells(rng: np.random.Generator, n: int) -> list[Cell]:
    cells = []
    for i in range(n):
        k = int(rng.integers(1, 5))
        gains = np.sort(rng.uniform(0.01, 0.2, k))[::-1]
        gains = gains + np.arange(k)[::-1] * 1e-3  # strictly decreasing
        bands = tuple(Band(float(rng.uniform(5e4, 5e5)), float(g)) for g in gains)
        cells.append(
            Cell(
                f"V{i}",
                "a",
                float(rng.integers(100, 3000)),
                float(rng.uniform(0.1, 0.9)),
                bands,
                rural=bool(i % 2),
                weight=float(rng.choice([1.0, 1.2, 1.5])),
            )
        )
    return cells


def test_maximin_equals_water_filling_bisection_on_a_random_instance():
    cells = random_cells(np.random.default_rng(11), 60)
    budget = 300_000.0
    level, spend = water_filling(cells, budget)
    tops = np.array([c.top / c.weight for c in cells])
    assert level < tops.min()  # nothing saturates: the LP's level is the water level
    got = allocate(cells, budget, "maximin")
    assert got.summary.min_weighted == pytest.approx(level, abs=1e-6)
    assert got.spend == pytest.approx(spend, abs=1.0)  # yuan
    assert got.summary.spent == pytest.approx(budget, abs=1.0)


def test_leximin_never_has_a_lower_sorted_vector_than_maximin():
    cells = random_cells(np.random.default_rng(5), 40)
    limits = {"V1": Limit(cap=1_000), "V2": Limit(floor=50_000)}
    got = compare(cells, 3_000_000, limits)
    w = np.array([c.weight for c in cells])
    lex = np.sort(got.results["leximin"].after / w)
    mm = np.sort(got.results["maximin"].after / w)
    assert lex[0] == pytest.approx(mm[0], abs=1e-6)
    first = np.flatnonzero(np.abs(lex - mm) > 1e-6)
    assert first.size == 0 or lex[first[0]] > mm[first[0]]
    assert got.results["leximin"].rounds <= np.unique(np.round(lex, 6)).size


@pytest.mark.parametrize(
    ("cells", "budget", "limits", "message"),
    [
        ([], 10, {}, "there are no cells"),
        (two_cells(), -1, {}, "the budget is negative"),
        (
            two_cells(),
            10,
            {"A": Limit(floor=6), "B": Limit(floor=5)},
            "below the sum of the floors",
        ),
        (two_cells(), 100, {"A": Limit(floor=6, cap=5)}, "floor (6) is above the cap (5)"),
        (two_cells(), 100, {"Z": Limit(cap=5)}, "limit for region Z: no cell is in that region"),
        (two_cells(), 100, {"A": Limit(floor=-1)}, "floor is negative"),
        (two_cells(), 10**7, {"A": Limit(floor=200_000)}, "more than its cells can take"),
        (
            [Cell("A", "e", 0, 0.2, (Band(1, 0.1),))],
            10,
            {},
            "cell A/e: the population must be positive",
        ),
        (
            [Cell("A", "e", 5, -0.2, (Band(1, 0.1),))],
            10,
            {},
            "cell A/e: the attainment is negative",
        ),
        (
            [Cell("A", "e", 5, 0.2, (Band(-1, 0.1),))],
            10,
            {},
            "cell A/e: band 1 has a negative capacity",
        ),
        (
            [Cell("A", "e", 5, 0.2, (Band(1, 0.1),), weight=0)],
            10,
            {},
            "local weight must be positive",
        ),
        (
            [Cell("A", "e", 5, 0.2, (Band(1, 0.1), Band(1, 0.1)))],
            10,
            {},
            "cell A/e: band 2's gain (0.1) is not below band 1's (0.1)",
        ),
        ([Cell("A", "e", 5, 0.2), Cell("A", "e", 5, 0.2)], 10, {}, "cell A/e appears twice"),
    ],
)
def test_bad_input_names_what_is_wrong(cells, budget, limits, message):
    with pytest.raises(AllocationError) as exc:
        allocate(cells, budget, "maximin", limits)
    assert message in str(exc.value)


def test_an_unknown_objective_is_refused():
    with pytest.raises(AllocationError, match="unknown objective 'best'"):
        allocate(two_cells(), 10, "best")  # type: ignore[arg-type]


def test_cells_without_bands_spend_nothing():
    got = compare([Cell("A", "e", 5, 0.2)], 100)
    assert got.results["leximin"].spend == pytest.approx([0])
    assert got.results["maximin"].summary.unspent == 100


# --- the fast exact path against HiGHS ------------------------------------------------------------


def limited_instance(seed: int) -> tuple[list[Cell], float, dict[str, Limit]]:
    """Random regions of one to four cells (zero to three bands, weights 1-1.5), under a
    township; floors and caps either on villages or on townships (disjoint either way)."""
    rng = np.random.default_rng(seed)
    cells: list[Cell] = []
    regions = int(rng.integers(2, 10))
    for r in range(regions):
        for a in range(int(rng.integers(1, 5))):
            k = int(rng.integers(0, 4))
            gains = np.sort(rng.uniform(0.01, 0.2, k))[::-1] + np.arange(k)[::-1] * 1e-3
            bands = tuple(Band(float(rng.uniform(5e4, 5e5)), float(g)) for g in gains)
            cells.append(
                Cell(
                    f"R{r}",
                    f"a{a}",
                    float(rng.integers(100, 3000)),
                    float(rng.uniform(0.1, 0.9)),
                    bands,
                    rural=bool(r % 2),
                    weight=float(rng.choice([1.0, 1.2, 1.5])),
                    within=(f"T{r % 3}",),
                )
            )

    def room(code: str) -> float:
        return sum(b.capacity for c in cells if code in (c.region, *c.within) for b in c.bands)

    codes = (
        [f"T{t}" for t in range(min(3, regions))] if seed % 2 else [f"R{r}" for r in range(regions)]
    )
    limits: dict[str, Limit] = {}
    for code in codes:
        if rng.random() < 0.6:
            floor = float(rng.uniform(0, 0.4)) * room(code) if rng.random() < 0.5 else 0.0
            cap = float(rng.uniform(floor, room(code))) if rng.random() < 0.5 else None
            limits[code] = Limit(floor, cap)
    full = sum(b.capacity for c in cells for b in c.bands)
    floors = sum(limit.floor for limit in limits.values())
    budget = max(float(rng.uniform(0.05, 1.2)) * full, 1.01 * floors)
    return cells, budget, limits


@pytest.mark.parametrize("seed", range(40))
def test_the_fast_path_reaches_the_same_objectives_as_highs(seed):
    cells, budget, limits = limited_instance(seed)
    fast = compare(cells, budget, limits, solver="fast")
    lp = compare(cells, budget, limits, solver="highs")
    w = np.array([c.weight for c in cells])
    for objective in ("maximin", "leximin", "utilitarian"):
        f, h = fast.results[objective].summary, lp.results[objective].summary
        assert f.min_weighted == pytest.approx(h.min_weighted, abs=1e-6), objective
        assert f.total == pytest.approx(h.total, rel=1e-6), objective
        assert f.spent <= budget + 1e-3
    lex_fast = np.sort(fast.results["leximin"].after / w)
    lex_lp = np.sort(lp.results["leximin"].after / w)
    assert lex_fast == pytest.approx(lex_lp, abs=1e-6)
    for code, limit in limits.items():  # the fast path keeps every floor and cap
        inside = np.array([code in (c.region, *c.within) for c in cells])
        for objective in ("maximin", "leximin", "utilitarian"):
            spent = fast.results[objective].spend[inside].sum()
            assert spent >= limit.floor - 1e-3
            assert limit.cap is None or spent <= limit.cap + 1e-3


def test_the_floor_money_of_a_region_is_water_filled_inside_it_under_leximin():
    # Budget 30,000 = R2's floor (20,000) + 10,000: R1 alone takes the free 10,000 (to 0.2,
    # its top); R2's floor lifts its two cells together: 0.3 + d with d/0.1 + d/0.1 = 2: d = 0.1.
    cells = [
        Cell("R1", "x", 100, 0.1, (Band(10_000, 0.1),)),
        Cell("R2", "x", 100, 0.3, (Band(100_000, 0.1),)),
        Cell("R2", "y", 200, 0.3, (Band(100_000, 0.1),)),
    ]
    for solver in ("fast", "highs"):
        got = allocate(cells, 30_000, "leximin", {"R2": Limit(floor=20_000)}, solver=solver)
        assert got.after == pytest.approx([0.2, 0.4, 0.4], abs=1e-7), solver
        assert got.spend == pytest.approx([10_000, 10_000, 10_000], abs=1e-3), solver


def test_utilitarian_ties_go_to_the_first_cell():
    cells = [Cell(f"R{i}", "x", 100, 0.2, (Band(10_000, 0.1),)) for i in range(3)]
    got = allocate(cells, 15_000, "utilitarian")
    assert got.spend == pytest.approx([10_000, 5_000, 0])


def test_nested_limits_go_to_highs_and_the_fast_solver_refuses_them():
    limits = {"R3": Limit(cap=30_000), "T2": Limit(floor=10_000)}  # R3 is within T2
    auto = allocate(capped(), 50_000, "leximin", limits)
    lp = allocate(capped(), 50_000, "leximin", limits, solver="highs")
    assert auto.spend == pytest.approx(lp.spend, abs=1e-3)
    with pytest.raises(AllocationError, match="disjoint limits"):
        allocate(capped(), 50_000, "leximin", limits, solver="fast")
    with pytest.raises(AllocationError, match="unknown solver 'cplex'"):
        allocate(capped(), 50_000, solver="cplex")  # type: ignore[arg-type]


def test_the_default_path_gives_the_hand_computed_cases_through_highs_too():
    got = allocate(two_cells(), 40_000, "maximin", solver="highs")
    assert got.after == pytest.approx([0.4 + 1 / 15, 0.4 + 1 / 15], abs=1e-7)
    lex = allocate(capped(), 50_000, "leximin", solver="highs")
    assert lex.spend == pytest.approx([10_000, 20_000, 20_000], abs=1e-3)
