"""Budget allocation at county scale (issue 11): 3,000 regions x 9 areas x 4 bands.

Times the three objectives of ``minsheng.insights.allocation`` (HiGHS through
``scipy.optimize.linprog``; the model is built from the cells every time) and, as the
reference measured in the same run, the water-filling bisection that solves maximin with one
budget and no limits. Reports the ratios LP / water-filling and checks that both reach the
same level. Run ``python -m bench.balance_allocation [--json]`` (``bench/run.py`` does it).
No Django: the model is pure.
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
    Band,
    Cell,
    allocate,
    compare,
    water_filling,
)

REGIONS, AREAS, BANDS = 3_000, 9, 4
TARGET_S = 1.0


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


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def run(repeat: int = 3, regions: int = REGIONS) -> dict[str, Any]:
    cells, budget = instance(regions=regions)
    wf_s, (level, _spend) = best_of(lambda: water_filling(cells, budget), repeat)
    out: dict[str, Any] = {
        "cells": len(cells),
        "bands": sum(len(c.bands) for c in cells),
        "budget": budget,
        "water_filling_s": wf_s,
        "water_level": level,
        "target_s": TARGET_S,
        "objectives": {},
    }
    for objective in ("maximin", "leximin", "utilitarian"):
        seconds, result = best_of(lambda o=objective: allocate(cells, budget, o), repeat)
        out["objectives"][objective] = {
            "seconds": seconds,
            "ratio_to_water_filling": seconds / wf_s,
            "rounds": result.rounds,
            "min_weighted": result.summary.min_weighted,
            "mean": result.summary.mean,
            "gini": result.summary.gini,
            "rural_share": result.summary.rural_share,
            "under_target": seconds < TARGET_S,
        }
    maximin = out["objectives"]["maximin"]
    maximin["same_level_as_water_filling"] = abs(maximin["min_weighted"] - level) < 1e-6
    seconds, comparison = best_of(lambda: compare(cells, budget), 1)
    out["compare_all_s"] = seconds
    out["price_of_fairness"] = comparison.price_of_fairness
    return out


def format_report(r: dict[str, Any]) -> str:
    lines = [
        f"Allocation: {r['cells']:,} cells, {r['bands']:,} bands, budget {r['budget']:,.0f} yuan",
        f"  reference water-filling (maximin, bisection): {1000 * r['water_filling_s']:.1f} ms,"
        f" level {r['water_level']:.4f}",
    ]
    for name, o in r["objectives"].items():
        lines.append(
            f"  {name:12} {o['seconds']:.3f} s ({o['ratio_to_water_filling']:.0f}x water-filling;"
            f" target < {r['target_s']:g} s: {'yes' if o['under_target'] else 'NO'})"
            f" rounds {o['rounds']}, min {o['min_weighted']:.4f}, mean {o['mean']:.4f},"
            f" gini {o['gini']:.4f}"
        )
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
    report = run(repeat=1 if regions != REGIONS else 3, regions=regions)
    if "--json" in argv:
        print(json.dumps(report))
    else:
        print(format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
