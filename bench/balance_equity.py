"""Inequality on 3,000 regions (issue 11): every measure of ``minsheng.insights.inequality``,
unweighted and population-weighted, with an urban/rural Theil decomposition, timed in
milliseconds next to PySAL ``inequality``'s ``Gini``, ``Theil`` and ``TheilD`` on the same
data in the same run (ratio = ours / PySAL's; below 1 is faster). Each figure is the best of
``--repeats`` timed runs of a loop long enough to be measured (``timeit``'s autorange), so a
busy machine shifts both sides alike. The values are checked to agree with PySAL's to 1e-9.

Run by ``make bench`` (bench/run.py) or alone: ``.venv/bin/python bench/balance_equity.py
[--regions N] [--repeats R] [--json]``. PySAL is a dev dependency; without it the PySAL
columns are left out. Figures and how to read them: docs/balance.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import timeit
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], not the repo
    sys.path.insert(0, str(ROOT))

from minsheng.insights import inequality as ineq  # noqa: E402

REGIONS = 3000
SEED = 20261101


def data(n: int = REGIONS, seed: int = SEED) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``n`` regions: a third urban (larger, better served), values lognormal, populations
    from a few hundred (villages) to tens of thousands (towns)."""
    rng = np.random.default_rng(seed)
    urban = rng.random(n) < 1 / 3
    values = rng.lognormal(np.where(urban, 1.0, 0.6), 0.5)
    population = np.round(rng.lognormal(np.where(urban, 9.0, 7.0), 0.8)) + 50
    groups = ["urban" if u else "rural" for u in urban]
    return values, population, groups


def best_ms(call: Callable[[], object], repeats: int) -> float:
    """The best time of one call, in milliseconds, over ``repeats`` measured loops."""
    timer = timeit.Timer(call)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeats, number=number)) / number * 1000


def run(n: int = REGIONS, repeats: int = 5) -> dict[str, Any]:
    y, p, g = data(n)
    ours: dict[str, Callable[[], object]] = {}
    for label, w in (("unweighted", None), ("weighted", p)):
        ours.update(
            {
                f"gini {label}": lambda w=w: ineq.gini(y, w),
                f"theil_t {label}": lambda w=w: ineq.theil_t(y, w),
                f"theil_l {label}": lambda w=w: ineq.theil_l(y, w),
                f"atkinson(1) {label}": lambda w=w: ineq.atkinson(y, 1.0, w),
                f"atkinson(2) {label}": lambda w=w: ineq.atkinson(y, 2.0, w),
                f"cv {label}": lambda w=w: ineq.cv(y, w),
                f"max_min {label}": lambda w=w: ineq.max_min_ratio(y, w),
                f"shortfall {label}": lambda w=w: ineq.shortfall(y, 2.0, w),
                f"theil_t_decomposed {label}": lambda w=w: ineq.theil_t_decomposed(y, g, w),
                f"theil_l_decomposed {label}": lambda w=w: ineq.theil_l_decomposed(y, g, w),
            }
        )
    timings = {name: best_ms(call, repeats) for name, call in ours.items()}
    everything = sum(timings.values())
    result: dict[str, Any] = {
        "regions": n,
        "ours_ms": {k: round(v, 4) for k, v in timings.items()},
        "all_measures_ms": round(everything, 3),
        "pysal_ms": None,
        "ratios": None,
        "agree_1e-9": None,
    }
    try:
        from inequality.gini import Gini
        from inequality.theil import Theil, TheilD
    except ImportError:
        return result
    partition = np.array([0 if x == "rural" else 1 for x in g])
    pysal = {
        "Gini": best_ms(lambda: Gini(y).g, repeats),
        "Theil": best_ms(lambda: Theil(y).T, repeats),
        "TheilD": best_ms(lambda: TheilD(y, partition).bg, repeats),
    }
    pairs = {
        "gini / Gini": ("gini unweighted", "Gini"),
        "theil_t / Theil": ("theil_t unweighted", "Theil"),
        "theil_t_decomposed / TheilD": ("theil_t_decomposed unweighted", "TheilD"),
        "weighted gini / Gini": ("gini weighted", "Gini"),
        "weighted theil_t_decomposed / TheilD": ("theil_t_decomposed weighted", "TheilD"),
    }
    d = TheilD(y, partition)
    mine = ineq.theil_t_decomposed(y, list(partition))
    agree = (
        abs(ineq.gini(y) - float(Gini(y).g)) < 1e-9
        and abs(ineq.theil_t(y) - float(np.squeeze(Theil(y).T))) < 1e-9
        and abs(mine.between - float(np.squeeze(d.bg))) < 1e-9
        and abs(mine.within - float(np.squeeze(d.wg))) < 1e-9
    )
    result["pysal_ms"] = {k: round(v, 4) for k, v in pysal.items()}
    result["ratios"] = {k: round(timings[a] / pysal[b], 3) for k, (a, b) in pairs.items()}
    result["agree_1e-9"] = agree
    return result


def format_report(result: dict[str, Any]) -> str:
    lines = [f"Inequality on {result['regions']:,} regions (best of runs, ms):"]
    for name, ms in result["ours_ms"].items():
        lines.append(f"  {name:<34} {ms:9.4f}")
    lines.append(f"  {'all of the above':<34} {result['all_measures_ms']:9.3f}")
    if result["pysal_ms"] is None:
        lines.append("  PySAL inequality not installed: no reference measured")
        return "\n".join(lines)
    for name, ms in result["pysal_ms"].items():
        lines.append(f"  {'PySAL ' + name:<34} {ms:9.4f}")
    for name, ratio in result["ratios"].items():
        lines.append(f"  ratio {name:<36} {ratio:6.2f}")
    lines.append(f"  equal to PySAL within 1e-9: {result['agree_1e-9']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/balance_equity.py", description=__doc__)
    p.add_argument("--regions", type=int, default=REGIONS)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    if args.regions < 2 or args.repeats < 1:
        p.error("--regions 2 or more, --repeats 1 or more")
    result = run(args.regions, args.repeats)
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0 if result["agree_1e-9"] in (True, None) else 1


if __name__ == "__main__":
    sys.exit(main())
