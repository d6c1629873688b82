"""Budget allocation at county scale (issue 11): 3,000 regions x 9 areas x 4 bands.

Times the three objectives of ``minsheng.insights.allocation`` on the default, exact fast path
(progressive filling and a greedy; validation and the arrays built from the cells every time),
without limits and with region floors and caps (every other region), next to HiGHS
(``solver="highs"``, ``scipy.optimize.linprog``) on the same instance in the same run, and
asserts that both reach the same objectives: the minimum weighted level (maximin), the sorted
vector of levels (leximin), the total (utilitarian and maximin), to 1e-6. Also the water-filling
bisection, the reference for maximin without limits.

Run ``python -m bench.balance_allocation [--json] [--regions N] [--highs-regions N]``
(``bench/run.py`` does it). HiGHS takes minutes at the full size (one simplex pivot per cell),
so by default the cross-check and the ratio are on a 300-region instance;
``--highs-regions 3000`` runs HiGHS on the full instance itself, ``--highs-regions 0`` skips it. No Django: the model is pure.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from minsheng.insights.allocation import (  # noqa: E402
    OBJECTIVES,
    Allocation,
    Band,
    Cell,
    Limit,
    allocate,
    compare,
    water_filling,
)

REGIONS, AREAS, BANDS = 3_000, 9, 4
TARGET_S = 1.0
# HiGHS at the full size takes minutes per objective (maximin 385 s under load 6 on 2 cores;
# leximin with floors many rounds): by default the cross-check runs on 300 regions.
HIGHS_REGIONS = 300


def instance(seed: int = 2026, regions: int = REGIONS) -> tuple[list[Cell], float]:
    """Attainment 0.2-0.9, populations 100-3,000, four bands from the attainment up to 1.0
    whose cost per resident rises 1 : 1.6 : 2.5 : 4; a tenth of the cells weigh 1.2;
    budget: a quarter of what reaching the standard everywhere costs."""
    rng = np.random.default_rng(seed)
    cells: list[Cell] = []
    full = 0.0
    for r in range(regions):
        rural = r % 3 != 0
        for a in range(AREAS):
            p = float(rng.integers(100, 3_000))
            att = float(rng.uniform(0.2, 0.9))
            base = float(rng.uniform(20, 80))
            step = (1.0 - att) / BANDS
            bands = []
            for k, factor in enumerate((1.0, 1.6, 2.5, 4.0)):
                ypr = base * factor
                bands.append(Band(step * ypr * p, 10_000.0 / (ypr * p)))
                full += step * ypr * p
                del k
            weight = 1.2 if rng.random() < 0.1 else 1.0
            cells.append(Cell(f"V{r:04d}", f"A{a}", p, att, tuple(bands), rural, weight))
    return cells, 0.25 * full


def limits_for(regions: int, seed: int = 7) -> dict[str, Limit]:
    """Every other region: a floor of up to 200,000 yuan on every fourth region, a cap of
    300,000 to 2 million on every third."""
    rng = np.random.default_rng(seed)
    out: dict[str, Limit] = {}
    for r in range(0, regions, 2):
        floor = float(rng.uniform(0, 2e5)) if r % 4 == 0 else 0.0
        cap = float(rng.uniform(3e5, 2e6)) if r % 3 == 0 else None
        out[f"V{r:04d}"] = Limit(floor, cap)
    return out


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def same(a: Allocation, b: Allocation, w: np.ndarray) -> dict[str, float]:
    """The differences that must stay under 1e-6: levels absolute, totals relative."""
    return {
        "min_weighted": abs(a.summary.min_weighted - b.summary.min_weighted),
        "levels_sorted": float(np.abs(np.sort(a.after / w) - np.sort(b.after / w)).max()),
        "total_relative": abs(a.summary.total - b.summary.total) / abs(b.summary.total),
    }


CHECKED = {
    "maximin": ("min_weighted", "total_relative"),
    "leximin": ("levels_sorted",),
    "utilitarian": ("total_relative",),
}


def variant(
    cells: list[Cell], budget: float, limits: dict[str, Limit], repeat: int, highs: bool
) -> dict[str, Any]:
    w = np.array([c.weight for c in cells])
    out: dict[str, Any] = {}
    for objective in OBJECTIVES:
        seconds, fast = best_of(
            lambda o=objective: allocate(cells, budget, o, limits),
            repeat,  # type: ignore[misc]
        )
        row: dict[str, Any] = {
            "seconds": seconds,
            "rounds": fast.rounds,
            "min_weighted": fast.summary.min_weighted,
            "mean": fast.summary.mean,
            "gini": fast.summary.gini,
            "total": fast.summary.total,
            "rural_share": fast.summary.rural_share,
            "under_target": seconds < TARGET_S,
        }
        if highs:
            lp_s, lp = best_of(
                lambda o=objective: allocate(cells, budget, o, limits, solver="highs"),  # type: ignore[misc]
                1,
            )
            diff = same(fast, lp, w)
            row |= {"highs_s": lp_s, "ratio": lp_s / seconds, "highs_rounds": lp.rounds}
            row["differences"] = diff
            row["same_as_highs"] = all(diff[k] < 1e-6 for k in CHECKED[objective])
            assert row["same_as_highs"], (objective, diff)
        out[objective] = row
    return out


def run(
    repeat: int = 3, regions: int = REGIONS, highs_regions: int | None = None
) -> dict[str, Any]:
    """``highs_regions``: the size of the HiGHS cross-check (None: the same instance; 0: none)."""
    cells, budget = instance(regions=regions)
    wf_s, (level, _spend) = best_of(lambda: water_filling(cells, budget), repeat)
    limits = limits_for(regions)
    out: dict[str, Any] = {
        "cells": len(cells),
        "bands": sum(len(c.bands) for c in cells),
        "budget": budget,
        "limits": len(limits),
        "water_filling_s": wf_s,
        "water_level": level,
        "target_s": TARGET_S,
        "objectives": variant(cells, budget, {}, repeat, highs_regions is None),
        "with_limits": variant(cells, budget, limits, repeat, highs_regions is None),
    }
    maximin = out["objectives"]["maximin"]
    maximin["same_level_as_water_filling"] = abs(maximin["min_weighted"] - level) < 1e-6
    if highs_regions:  # the cross-check on a smaller instance
        small, small_budget = instance(regions=highs_regions)
        out["highs_check"] = {
            "regions": highs_regions,
            "cells": len(small),
            "objectives": variant(small, small_budget, {}, repeat, True),
            "with_limits": variant(small, small_budget, limits_for(highs_regions), repeat, True),
        }
    seconds, comparison = best_of(lambda: compare(cells, budget), 1)
    out["compare_all_s"] = seconds
    out["price_of_fairness"] = comparison.price_of_fairness
    return out


def _lines(title: str, objectives: dict[str, Any], target: float) -> list[str]:
    lines = [f"  {title}"]
    for name, o in objectives.items():
        line = (
            f"    {name:12} fast {1000 * o['seconds']:7.1f} ms"
            f" (target < {target:g} s: {'yes' if o['under_target'] else 'NO'})"
        )
        if "highs_s" in o:
            line += (
                f"; HiGHS {o['highs_s']:.2f} s ({o['ratio']:.0f}x), same objective:"
                f" {o['same_as_highs']}"
            )
        line += f"; rounds {o['rounds']}, min {o['min_weighted']:.4f}, gini {o['gini']:.4f}"
        lines.append(line)
    return lines


def format_report(r: dict[str, Any]) -> str:
    lines = [
        f"Allocation: {r['cells']:,} cells, {r['bands']:,} bands, budget {r['budget']:,.0f} yuan",
        f"  reference water-filling (maximin, bisection): {1000 * r['water_filling_s']:.1f} ms,"
        f" level {r['water_level']:.4f}",
    ]
    lines += _lines("no limits:", r["objectives"], r["target_s"])
    lines += _lines(f"floors and caps on {r['limits']:,} regions:", r["with_limits"], r["target_s"])
    check = r.get("highs_check")
    if check:
        lines.append(
            f"  HiGHS cross-check on {check['regions']:,} regions ({check['cells']:,} cells):"
        )
        lines += _lines("  no limits:", check["objectives"], r["target_s"])
        lines += _lines("  floors and caps:", check["with_limits"], r["target_s"])
    lines.append(
        f"  maximin reaches the water level: {r['objectives']['maximin']['same_level_as_water_filling']};"
        f" all three with the figures: {r['compare_all_s']:.2f} s;"
        f" price of fairness {r['price_of_fairness']:.4f}"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    regions = REGIONS
    if "--regions" in argv:  # a smaller run while developing: --regions 300
        regions = int(argv[argv.index("--regions") + 1])
    highs_regions: int | None = HIGHS_REGIONS
    if "--highs-regions" in argv:
        highs_regions = int(argv[argv.index("--highs-regions") + 1])
        if highs_regions == regions:
            highs_regions = None  # the same instance
    report = run(repeat=3, regions=regions, highs_regions=highs_regions)
    if "--json" in argv:
        print(json.dumps(report))
    else:
        print(format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
