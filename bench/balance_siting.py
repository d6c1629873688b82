"""Siting (issue 11) against PySAL spopt + CBC on the same instances in the same run.

Instances as in /work/shared reference §1: uniform points in a 100 km square (Euclidean km),
populations 1–100, seeded. Ours = ``minsheng.insights.siting.solve`` (HiGHS via SciPy, reduced
models); spopt = ``from_cost_matrix`` (PuLP model build) + ``PULP_CBC_CMD`` solve. The same
objective is asserted; times and ratios printed.

- MCLP 2,000 × 200, p = 20, r = 8.5 km: ours vs spopt end to end (floor: 10×);
- MCLP 10,000 × 1,000, p = 50, r = 5.5 km: ours (floor: under 5 s) vs spopt;
- p-median 2,000 × 200, p = 20: ours proven optimal; spopt + CBC (about ten minutes) only
  with ``BENCH_FULL=1``, otherwise spopt on a smaller instance (500 × 60, p = 8), as said.

Run: ``python bench/balance_siting.py`` (``make bench`` runs it after the API figures).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from minsheng.insights.siting import solve  # noqa: E402


def instance(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    d, c = rng.uniform(0, 100, (n, 2)), rng.uniform(0, 100, (m, 2))
    w = rng.integers(1, 101, n).astype(float)
    cost = np.sqrt(((d[:, None, :] - c[None, :, :]) ** 2).sum(-1))
    return w, cost


def ours(model: str, w: np.ndarray, cost: np.ndarray, **kw: float) -> tuple[float, float, bool]:
    t = time.perf_counter()
    n, m = cost.shape
    r = solve(
        model,
        demand_ids=[str(i) for i in range(n)],
        population=w,
        candidate_ids=[str(j) for j in range(m)],
        cost=cost,
        **kw,  # type: ignore[arg-type]
    )
    return time.perf_counter() - t, r.objective, r.optimal


def spopt(model: str, w: np.ndarray, cost: np.ndarray, **kw: float) -> tuple[float, float, float]:
    import pulp
    from spopt import locate

    t = time.perf_counter()
    if model == "mclp":
        problem = locate.MCLP.from_cost_matrix(cost, w, kw["radius"], p_facilities=int(kw["p"]))
    else:
        problem = locate.PMedian.from_cost_matrix(cost, w, p_facilities=int(kw["p"]))
    built = time.perf_counter() - t
    problem.solve(pulp.PULP_CBC_CMD(msg=False))
    return time.perf_counter() - t, built, float(pulp.value(problem.problem.objective))


def compare(label: str, model: str, n: int, m: int, seed: int, **kw: float) -> None:
    w, cost = instance(n, m, seed)
    t_ours, obj_ours, proven = ours(model, w, cost, **kw)
    t_sp, built, obj_sp = spopt(model, w, cost, **kw)
    same = abs(obj_ours - obj_sp) <= 1e-6 * max(1.0, abs(obj_sp))
    print(
        f"{label}: ours {t_ours:.3f} s (proven {proven}), spopt {t_sp:.2f} s "
        f"(build {built:.2f} s); ×{t_sp / t_ours:.1f}; objective {obj_ours:,.2f} vs {obj_sp:,.2f}"
    )
    assert same, f"{label}: objectives differ"


def main() -> int:
    full = os.environ.get("BENCH_FULL") == "1"
    print(f"Siting against spopt + CBC (load average {os.getloadavg()[0]:.2f})")
    compare("MCLP 2,000 × 200, p=20, r=8.5 km", "mclp", 2000, 200, 0, p=20, radius=8.5)
    compare("MCLP 10,000 × 1,000, p=50, r=5.5 km", "mclp", 10_000, 1000, 1, p=50, radius=5.5)
    t, obj, proven = ours("mclp", *instance(10_000, 1000, 1), p=50, radius=5.5)
    print(f"  floor: MCLP 10,000 × 1,000 under 5 s: {t:.2f} s, proven {proven}")
    w, cost = instance(2000, 200, 2)
    # The root Lagrangian bound leaves ~0.1% here; branch and bound on it closes the gap
    # (about 100 nodes). Capped at BENCH_PMEDIAN_LIMIT seconds so the bench always ends:
    # "proven False" then. CPU time beside the wall time: the machine may be shared.
    limit = float(os.environ.get("BENCH_PMEDIAN_LIMIT", "60"))
    cpu = time.process_time()
    t, obj, proven = ours("pmedian", w, cost, p=20, time_limit=limit)
    cpu = time.process_time() - cpu
    print(
        f"p-median 2,000 × 200, p=20: ours {t:.2f} s ({cpu:.2f} s CPU; search capped at "
        f"{limit:.0f} s), {obj:,.2f} person-km, mean {obj / w.sum():.3f} km, proven optimal "
        f"(gap 0): {proven} (floor: proven in under 1% of spopt + CBC's time)"
    )
    if full:
        t_sp, built, obj_sp = spopt("pmedian", w, cost, p=20)
        print(
            f"  spopt + CBC {t_sp:.1f} s (build {built:.1f} s); ×{t_sp / t:.0f} "
            f"(ours {100 * t / t_sp:.2f}% of its time); {obj_sp:,.2f}"
        )
        assert abs(obj - obj_sp) <= 1e-6 * obj_sp, "p-median objectives differ"
    else:
        print("  spopt p-median on the full size takes about ten minutes: BENCH_FULL=1 runs it;")
        compare("  p-median 500 × 60, p=8 instead", "pmedian", 500, 60, 3, p=8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
