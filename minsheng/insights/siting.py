"""Siting new service points among candidate sites, keeping the existing ones (issue 11).

Pure: numpy/scipy, no Django. Four classic location models over a cost matrix (great-circle
kilometres from :func:`minsheng.core.geo.great_circle_matrix_km`, or a supplied travel-time matrix; a demand point is
*covered* when its cost to a site is at most the radius):

- ``mclp``: the maximal covering model: the most population covered with ``p`` new sites;
- ``pmedian``: the least population-weighted cost to the nearest open site (existing + ``p`` new);
- ``lscp``: set covering: the fewest new sites that cover every demand point;
- ``pcenter``: the least worst cost (unweighted, as PySAL spopt's ``PCenter``) with ``p`` new sites.

Existing sites are always open: they cover and serve, but do not count in ``p``. Every model
is a mixed-integer programme solved by HiGHS through :func:`scipy.optimize.milp` on sparse
matrices, reduced first so it stays small (see each ``_solve_*``):

- MCLP drops the points an existing site already covers and those no candidate covers, merges
  points with the same set of covering candidates (their populations summed) and drops
  candidates whose covered set is inside another's;
- p-median starts from greedy + interchange, bounds it by Lagrangian relaxation of the
  assignments (Beasley 1993; the relaxed site sets serve as incumbents too) and, when a gap
  remains, closes it by branch and bound on the candidates with that bound (gap 0: proven);
- p-centre is a binary search over the sorted distinct costs with a set-covering check.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

MODELS = ("mclp", "pmedian", "lscp", "pcenter")
Model = Literal["mclp", "pmedian", "lscp", "pcenter"]
FloatArray = npt.NDArray[np.float64]
MCLP_GAP = 1e-9
DISP = False
PMEDIAN_GAP = 1e-9
PMEDIAN_NODE_STEP = 2.0
# Subgradient steps per branch-and-bound node: warm-started from the parent, a node's bound
# is mostly there within a hundred; more buys fewer nodes but costs more per node (measured
# on 2,000 × 200, p = 20: 100 gave the least time over five seeds; 40, 60, 200, 400 more).
PMEDIAN_NODE_ITERATIONS = 100


class SitingError(ValueError):
    """Bad input or an infeasible model; the message names what and why."""


@dataclass(frozen=True)
class SitingResult:
    """A solved model.

    ``objective``: mclp the covered population (existing sites' included), pmedian the
    population-weighted total cost, lscp the number of new sites, pcenter the worst cost.
    ``covered_*`` are None without a radius; ``covered_share`` is by population, not points.
    ``newly_covered`` gives, per chosen site, the population it covers that no existing site
    does, each point counted once, at its nearest chosen site.
    """

    model: str
    objective: float
    sites: list[str]
    covered_population: float | None
    covered_share: float | None
    mean_cost: float
    optimal: bool
    covered_population_before: float | None = None
    covered_share_before: float | None = None
    newly_covered: dict[str, float] = field(default_factory=dict)


# Kept for minsheng.insights.siting_inputs, which calls it by this name.


def solve(
    model: str,
    *,
    demand_ids: Sequence[str],
    population: npt.ArrayLike,
    candidate_ids: Sequence[str],
    cost: npt.ArrayLike,
    existing_ids: Sequence[str] = (),
    existing_cost: npt.ArrayLike | None = None,
    p: int | None = None,
    radius: float | None = None,
    time_limit: float | None = None,
) -> SitingResult:
    """Solve ``model``: ``cost`` is demand × candidates, ``existing_cost`` demand × existing
    sites, in the radius's unit. Raises :class:`SitingError` on bad input or infeasibility."""
    if model not in MODELS:
        raise SitingError(f"Unknown model {model!r}: choose one of {', '.join(MODELS)}.")
    demand_ids = [str(x) for x in demand_ids]
    candidate_ids = [str(x) for x in candidate_ids]
    existing_ids = [str(x) for x in existing_ids]
    _no_duplicates("demand point", demand_ids)
    _no_duplicates("candidate site", candidate_ids)
    _no_duplicates("existing site", existing_ids)
    both = set(candidate_ids) & set(existing_ids)
    if both:
        raise SitingError(f"Site {sorted(both)[0]} is both a candidate and an existing site.")
    n, m, e = len(demand_ids), len(candidate_ids), len(existing_ids)
    if n == 0:
        raise SitingError("There are no demand points.")
    if m == 0:
        raise SitingError("There are no candidate sites.")
    w = _values("population", demand_ids, population, n)
    if w.sum() <= 0:
        raise SitingError("The total population must be positive.")
    c = _matrix("cost", cost, n, m, demand_ids, candidate_ids)
    ce = (
        _matrix("existing-site cost", existing_cost, n, e, demand_ids, existing_ids)
        if e
        else np.zeros((n, 0))
    )
    if radius is not None and not (np.isfinite(radius) and radius > 0):
        raise SitingError(f"The radius must be positive, not {radius}.")
    if model in ("mclp", "lscp") and radius is None:
        raise SitingError(f"The {model} model needs a radius.")
    if model == "lscp":
        if p is not None:
            raise SitingError("The lscp model chooses the number of sites itself: give no p.")
    else:
        if p is None:
            raise SitingError(f"The {model} model needs p, the number of new sites.")
        if p < 1:
            raise SitingError(f"p must be at least 1, not {p}.")
        if p > m:
            raise SitingError(f"p = {p} is larger than the {m} candidate sites.")

    if model == "mclp":
        assert radius is not None and p is not None
        chosen, optimal = _solve_mclp(w, c, ce, p, radius, time_limit)
    elif model == "pmedian":
        assert p is not None
        chosen, optimal = _solve_pmedian(w, c, ce, p, time_limit)
    elif model == "lscp":
        assert radius is not None
        chosen, optimal = _solve_lscp(demand_ids, c, ce, radius, time_limit)
    else:
        assert p is not None
        chosen, optimal = _solve_pcenter(w, c, ce, p, time_limit)
    return _result(model, w, c, ce, chosen, radius, optimal, candidate_ids)


# --- validation -------------------------------------------------------------------------


def _no_duplicates(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for x in ids:
        if x == "":
            raise SitingError(f"A {what} has an empty id.")
        if x in seen:
            raise SitingError(f"The {what} id {x} appears more than once.")
        seen.add(x)


def _values(what: str, ids: list[str], values: npt.ArrayLike, n: int) -> FloatArray:
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise SitingError(f"Every {what} must be a number.") from None
    if v.shape != (n,):
        raise SitingError(f"There are {n} demand points but {v.size} {what} values.")
    for i in np.flatnonzero(~np.isfinite(v) | (v < 0))[:1]:
        raise SitingError(f"Demand point {ids[i]}: {what} is missing or negative.")
    return v


def _matrix(
    what: str,
    values: npt.ArrayLike | None,
    n: int,
    m: int,
    row_ids: list[str],
    col_ids: list[str],
) -> FloatArray:
    if values is None:
        raise SitingError(f"The {what} matrix is missing.")
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise SitingError(f"Every {what} must be a number.") from None
    if a.shape != (n, m):
        raise SitingError(
            f"The {what} matrix is {a.shape[0] if a.ndim else 0}×{a.shape[1] if a.ndim > 1 else 0}"
            f" but there are {n} demand points and {m} sites."
        )
    bad = ~np.isfinite(a) | (a < 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise SitingError(f"The {what} from {row_ids[i]} to {col_ids[j]} is missing or negative.")
    return a


# --- shared helpers ---------------------------------------------------------------------


def _options(time_limit: float | None, gap: float = 0.0) -> dict[str, float | bool]:
    options: dict[str, float | bool] = {"disp": DISP, "mip_rel_gap": gap}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    return options


def _nearest(c: FloatArray, ce: FloatArray, chosen: Sequence[int]) -> FloatArray:
    """Each point's cost to its nearest open site (existing or chosen)."""
    best = np.full(c.shape[0], np.inf)
    if ce.shape[1]:
        best = ce.min(axis=1)
    if len(chosen):
        best = np.minimum(best, c[:, list(chosen)].min(axis=1))
    return best


def _fill(w: FloatArray, c: FloatArray, ce: FloatArray, chosen: list[int], p: int) -> list[int]:
    """Top ``chosen`` up to ``p`` sites when the model needed fewer: greedily, the candidate
    that most lowers the population-weighted cost to the nearest open site (ties: first)."""
    chosen = list(chosen)
    best = _nearest(c, ce, chosen)
    while len(chosen) < p:
        free = np.setdiff1d(np.arange(c.shape[1]), chosen)
        capped = np.where(np.isfinite(best), best, 2.0 * float(c.max()) + 1.0)[:, None]
        gain = (w[:, None] * np.maximum(capped - c[:, free], 0.0)).sum(axis=0)
        j = int(free[int(np.argmax(gain))])
        chosen.append(j)
        best = np.minimum(best, c[:, j])
    return chosen


def _result(
    model: str,
    w: FloatArray,
    c: FloatArray,
    ce: FloatArray,
    chosen: list[int],
    radius: float | None,
    optimal: bool,
    candidate_ids: list[str],
) -> SitingResult:
    chosen = sorted(chosen)
    nearest = _nearest(c, ce, chosen)
    total = float(w.sum())
    mean_cost = float(w @ nearest / total)
    covered = covered_share = before = before_share = None
    newly: dict[str, float] = {}
    if radius is not None:
        covered = float(w[nearest <= radius].sum())
        covered_share = covered / total
        old = ce.min(axis=1) <= radius if ce.shape[1] else np.zeros(len(w), dtype=bool)
        before = float(w[old].sum())
        before_share = before / total
        newly = {candidate_ids[j]: 0.0 for j in chosen}
        if chosen:
            sub = c[:, chosen]
            fresh = ~old & (sub.min(axis=1) <= radius)
            at = sub[fresh].argmin(axis=1)
            for k, pop in zip(at, w[fresh], strict=True):
                newly[candidate_ids[chosen[k]]] += float(pop)
    if model == "mclp":
        objective = covered if covered is not None else 0.0
    elif model == "pmedian":
        objective = float(w @ nearest)
    elif model == "lscp":
        objective = float(len(chosen))
    else:
        objective = float(nearest.max())
    return SitingResult(
        model=model,
        objective=objective,
        sites=[candidate_ids[j] for j in chosen],
        covered_population=covered,
        covered_share=covered_share,
        mean_cost=mean_cost,
        optimal=optimal,
        covered_population_before=before,
        covered_share_before=before_share,
        newly_covered=newly,
    )


def _unique_rows(a: sparse.csr_matrix) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Indices of one representative per distinct row of a 0/1 CSR matrix, and each row's
    group."""
    keys = [a.indices[a.indptr[i] : a.indptr[i + 1]].tobytes() for i in range(a.shape[0])]
    groups: dict[bytes, int] = {}
    first: list[int] = []
    inverse = np.empty(a.shape[0], dtype=np.intp)
    for i, k in enumerate(keys):
        g = groups.get(k)
        if g is None:
            g = groups[k] = len(first)
            first.append(i)
        inverse[i] = g
    return np.asarray(first, dtype=np.intp), inverse


def _undominated(cover: sparse.csr_matrix) -> npt.NDArray[np.intp]:
    """Candidates (columns of ``cover``, points × candidates) whose covered set is not inside
    another's (of equal sets, the first is kept); ones covering nothing are dropped."""
    cc = cover.tocsc().astype(np.int32)
    size = np.asarray(cc.sum(axis=0)).ravel()
    inter = (cc.T @ cc).tocoo()
    dominated = np.zeros(cover.shape[1], dtype=bool)
    dominated[size == 0] = True
    off = inter.row != inter.col
    r, k, v = inter.row[off], inter.col[off], inter.data[off]
    # r ⊆ k: the intersection is all of r; for equal sets, drop the later one.
    sub = (v == size[r]) & ((size[k] > size[r]) | (k < r))
    dominated[r[sub]] = True
    return np.flatnonzero(~dominated)


# --- MCLP -------------------------------------------------------------------------------


def _solve_mclp(
    w: FloatArray, c: FloatArray, ce: FloatArray, p: int, radius: float, time_limit: float | None
) -> tuple[list[int], bool]:
    old = (ce <= radius).any(axis=1) if ce.shape[1] else np.zeros(len(w), dtype=bool)
    cover = sparse.csr_matrix((c <= radius).astype(np.float64))
    keep = ~old & (np.diff(cover.indptr) > 0) & (w > 0)
    cover = cover[np.flatnonzero(keep)]
    pts, inverse = _unique_rows(cover)
    weight = np.bincount(inverse, weights=w[keep], minlength=len(pts))
    cover = cover[pts]
    cols = _undominated(cover)
    if len(cols) <= p:
        return _fill(w, c, ce, [int(j) for j in cols], p), True
    cover = cover[:, cols]
    # The candidates' columns changed: points whose sets now coincide merge again.
    pts2, inverse2 = _unique_rows(cover.tocsr())
    weight = np.bincount(inverse2, weights=weight, minlength=len(pts2))
    cover = sparse.csr_matrix(cover.tocsr()[pts2])
    chosen, proven = _mclp_exact(cover, weight.astype(float), p, time_limit)
    return _fill(w, c, ce, [int(cols[j]) for j in chosen], p), proven


def _mclp_value(cover: sparse.csr_matrix, weight: FloatArray, chosen: Sequence[int]) -> float:
    hit = np.asarray(cover[:, list(chosen)].sum(axis=1)).ravel() > 0
    return float(weight[hit].sum())


def mclp_incumbent(
    cover: sparse.csr_matrix, weight: FloatArray, p: int, start: Sequence[int] = ()
) -> list[int]:
    """A good MCLP solution (columns of the points × candidates 0/1 ``cover``): greedy, the
    candidate covering the most uncovered weight each time, then best-improvement swaps
    (one chosen out, one other in) until none gains."""
    cc = sparse.csc_matrix(cover)
    k = cover.shape[1]
    chosen = [int(j) for j in start]
    count = np.asarray(cc[:, chosen].sum(axis=1)).ravel() if chosen else np.zeros(cover.shape[0])
    for _ in range(min(p, k) - len(chosen)):
        gain = cc.T @ (weight * (count == 0))
        gain[chosen] = -1.0
        j = int(np.argmax(gain))
        chosen.append(j)
        count += cc[:, j].toarray().ravel()
    for _ in range(10 * p):
        free = np.ones(k, dtype=bool)
        free[chosen] = False
        gain_in = cc.T @ (weight * (count == 0))  # newly covered by j
        once = weight * (count == 1)
        loss_out = cc[:, chosen].T @ once  # covered only by r
        # points covered only by r that j also covers: kept when swapping r for j
        both = (cc[:, chosen].T.multiply(once[None, :])) @ cc  # p × k
        delta = gain_in[None, :] - loss_out[:, None] + np.asarray(both.todense())
        delta[:, ~free] = -np.inf
        r, j = (int(x) for x in np.unravel_index(int(np.argmax(delta)), delta.shape))
        if delta[r, j] <= 1e-9 * max(1.0, float(weight.sum())):
            break
        count -= cc[:, chosen[r]].toarray().ravel()
        count += cc[:, j].toarray().ravel()
        chosen[r] = int(j)
    return chosen


def mclp_bound(
    cover: sparse.csr_matrix, weight: FloatArray, p: int, lam: FloatArray
) -> tuple[float, FloatArray, npt.NDArray[np.bool_]]:
    """The Lagrangian upper bound of the MCLP for multipliers ``lam`` (of y_i ≤ Σ_j a_ij x_j,
    clipped to [0, w_i]): Σ_i max(0, w_i − λ_i) + the p largest Σ_i a_ij λ_i. Also the bound
    with each candidate forced the other way (in when outside the best p, out when inside)."""
    lam = np.clip(lam, 0.0, weight)
    base = float(np.maximum(weight - lam, 0.0).sum())
    score = np.asarray(cover.T @ lam).ravel()
    order = np.argsort(-score, kind="stable")
    top = order[:p]
    bound = base + float(score[top].sum())
    pth = score[order[p - 1]]
    nxt = score[order[p]] if len(score) > p else -np.inf
    forced_in = bound - pth + score  # for j outside the top p
    forced_out = bound - score + (nxt if np.isfinite(nxt) else 0.0)  # for j inside
    in_top = np.zeros(len(score), dtype=bool)
    in_top[top] = True
    if not np.isfinite(nxt):
        forced_out = np.full(len(score), -np.inf)
    flipped = np.where(in_top, forced_out, forced_in)
    return bound, flipped, in_top


def _mclp_exact(
    cover: sparse.csr_matrix, weight: FloatArray, p: int, time_limit: float | None
) -> tuple[list[int], bool]:
    """Greedy + swap incumbent; the LP relaxation (interior point, fast here) gives
    multipliers for a Lagrangian bound; candidates whose flip bounds below the incumbent are
    fixed; the small rest goes to HiGHS's branch and bound."""
    nrows, k = cover.shape
    best = mclp_incumbent(cover, weight, p)
    value = _mclp_value(cover, weight, best)
    lp = linprog(
        np.concatenate([np.zeros(k), -weight]),
        A_ub=sparse.hstack([-cover, sparse.eye(nrows)], format="csr"),
        b_ub=np.zeros(nrows),
        A_eq=sparse.csr_matrix(np.r_[np.ones(k), np.zeros(nrows)][None, :]),
        b_eq=[p],
        bounds=(0.0, 1.0),
        method="highs-ipm",
    )
    if lp.status != 0:  # pragma: no cover - the LP is always feasible and bounded
        return _mclp_milp(cover, weight, p, np.arange(k), [], time_limit)
    # The LP's optimum is nearly integral: the best choice among its support candidates
    # (a small MILP) is a far better incumbent than greedy + swap alone.
    support = np.flatnonzero(lp.x[:k] > 1e-6)
    if len(support) > p:
        cand, _ = _mclp_milp(cover, weight, p, support, [], time_limit)
        cand = mclp_incumbent(cover, weight, p, start=cand)
        if _mclp_value(cover, weight, cand) > value:
            best, value = cand, _mclp_value(cover, weight, cand)
    tol = MCLP_GAP * max(1.0, value)
    lam = -np.asarray(lp.ineqlin.marginals)
    bound, flipped, in_top = mclp_bound(cover, weight, p, lam)
    if bound <= value + tol:
        return best, True
    fixed = flipped <= value + tol  # forcing the flip cannot beat the incumbent
    ones = np.flatnonzero(fixed & in_top.astype(bool))
    free = np.flatnonzero(~fixed)
    rest = p - len(ones)
    if rest <= 0 or len(free) <= rest:
        cand = [int(j) for j in ones] + [int(j) for j in free[: max(rest, 0)]]
        if _mclp_value(cover, weight, cand) > value:
            best = cand
        return best, True
    cand, proven = _mclp_milp(cover, weight, rest, free, [int(j) for j in ones], time_limit)
    if _mclp_value(cover, weight, cand) > value:
        best = cand
    return best, proven


def _mclp_milp(
    cover: sparse.csr_matrix,
    weight: FloatArray,
    rest: int,
    free: npt.NDArray[np.intp],
    ones: list[int],
    time_limit: float | None,
) -> tuple[list[int], bool]:
    """The MCLP with the ``ones`` open and ``rest`` more among ``free`` (HiGHS)."""
    done = np.asarray(cover[:, ones].sum(axis=1)).ravel() > 0
    sub = sparse.csr_matrix(cover[np.flatnonzero(~done)][:, free])
    wsub = weight[~done]
    live = np.diff(sub.indptr) > 0
    sub, wsub = sparse.csr_matrix(sub[np.flatnonzero(live)]), wsub[live]
    m2, n2 = len(free), sub.shape[0]
    res = milp(
        np.concatenate([np.zeros(m2), -wsub]),
        constraints=[
            LinearConstraint(sparse.hstack([-sub, sparse.eye(n2)], format="csr"), -np.inf, 0.0),
            LinearConstraint(
                sparse.csr_matrix(np.r_[np.ones(m2), np.zeros(n2)][None, :]), rest, rest
            ),
        ],
        integrality=np.r_[np.ones(m2), np.zeros(n2)],
        bounds=Bounds(0.0, 1.0),
        options=_options(time_limit, MCLP_GAP),
    )
    x = _solution(res, "mclp")[:m2]
    return list(ones) + [int(free[j]) for j in np.flatnonzero(x > 0.5)], bool(res.status == 0)


def _solution(res: object, model: str) -> FloatArray:
    x = getattr(res, "x", None)
    if x is None:
        message = getattr(res, "message", "")
        raise SitingError(f"The {model} model found no solution ({message}).")
    return np.asarray(x, dtype=float)


# --- LSCP -------------------------------------------------------------------------------


def _set_cover(
    cover: sparse.csr_matrix, time_limit: float | None, at_most: int | None = None
) -> tuple[list[int] | None, bool]:
    """The fewest columns covering every row of ``cover`` (rows with no column must have been
    dropped). With ``at_most``, None when more are needed."""
    if cover.shape[0] == 0:
        return [], True
    pts, _ = _unique_rows(cover)
    cover = cover[pts]
    cols = np.flatnonzero(np.diff(cover.tocsc().indptr) > 0)
    cover = cover[:, cols]
    k = len(cols)
    constraints = [LinearConstraint(cover, 1.0, np.inf)]
    if at_most is not None:
        constraints.append(LinearConstraint(sparse.csr_matrix(np.ones((1, k))), 0, at_most))
    res = milp(
        np.ones(k),
        constraints=constraints,
        integrality=np.ones(k),
        bounds=Bounds(0.0, 1.0),
        options=_options(time_limit),
    )
    if res.x is None:
        if res.status == 2:  # infeasible
            return None, True
        raise SitingError(f"The set-covering model found no solution ({res.message}).")
    return [int(cols[j]) for j in np.flatnonzero(res.x > 0.5)], bool(res.status == 0)


def _solve_lscp(
    ids: list[str], c: FloatArray, ce: FloatArray, radius: float, time_limit: float | None
) -> tuple[list[int], bool]:
    old = (ce <= radius).any(axis=1) if ce.shape[1] else np.zeros(c.shape[0], dtype=bool)
    cover = sparse.csr_matrix((c <= radius).astype(np.float64))
    none = ~old & (np.diff(cover.indptr) == 0)
    if none.any():
        bad = [ids[i] for i in np.flatnonzero(none)]
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        raise SitingError(
            f"No site is within the radius of demand point{'s' if len(bad) > 1 else ''} "
            f"{', '.join(bad[:10])}{more}: set covering is infeasible."
        )
    chosen, optimal = _set_cover(cover[np.flatnonzero(~old)], time_limit)
    assert chosen is not None
    return chosen, optimal


# --- p-centre ---------------------------------------------------------------------------


def _solve_pcenter(
    w: FloatArray, c: FloatArray, ce: FloatArray, p: int, time_limit: float | None
) -> tuple[list[int], bool]:
    allc = np.hstack([c, ce])
    # With every candidate open no point can do better than its nearest site; with p new
    # sites the answer is one of the distinct costs at or above that.
    lower = allc.min(axis=1).max()
    values = np.unique(allc[allc >= lower])
    old_best = ce.min(axis=1) if ce.shape[1] else np.full(c.shape[0], np.inf)
    optimal = True

    def feasible(r: float) -> list[int] | None:
        nonlocal optimal
        cover = sparse.csr_matrix((c <= r).astype(np.float64))[np.flatnonzero(old_best > r)]
        chosen, proven = _set_cover(cover, time_limit, at_most=p)
        optimal = optimal and proven
        return chosen

    lo, hi = 0, len(values) - 1
    best = feasible(float(values[hi]))
    if best is None:  # pragma: no cover - the largest cost is always reachable by one site
        raise SitingError("The pcenter model found no solution.")
    while lo < hi:
        mid = (lo + hi) // 2
        found = feasible(float(values[mid]))
        if found is None:
            lo = mid + 1
        else:
            hi, best = mid, found
    return _fill(w, c, ce, best, p), optimal


# --- p-median ---------------------------------------------------------------------------


def _solve_pmedian(
    w: FloatArray, c: FloatArray, ce: FloatArray, p: int, time_limit: float | None
) -> tuple[list[int], bool]:
    """Greedy + interchange incumbent; a Lagrangian bound (assignment constraints relaxed,
    subgradient) that often proves it optimal; otherwise branch and bound on the candidates
    with that bound (``_pmedian_branch``). With ``time_limit`` (seconds) the search may stop
    early: the best set found, not proven."""
    n, _m = c.shape
    cap = ce.min(axis=1) if ce.shape[1] else np.full(n, np.inf)
    big = 2.0 * float(c.max()) + 1.0  # farther than any candidate: never an optimum's cost
    capf = np.where(np.isfinite(cap), np.minimum(cap, big), big)
    best = pmedian_incumbent(w, c, capf, p)
    value = _pmedian_value(w, c, capf, best)
    tol = PMEDIAN_GAP * max(1.0, value)
    start = time.perf_counter()
    u: FloatArray | None = None
    rows = _sorted_rows(c)
    for _ in range(3):
        bound, _flipped, _in_top, found, _, u = _pmedian_lagrange(w, c, capf, p, value, rows=rows)
        if bound >= value - tol or not found:
            break
        # a better set from the relaxation: improve it by interchange, bound again
        found = pmedian_incumbent(w, c, capf, p, start=found)
        best, value = found, _pmedian_value(w, c, capf, found)
        tol = PMEDIAN_GAP * max(1.0, value)
    if bound >= value - tol:
        return best, True
    assert u is not None
    deadline = None if time_limit is None else start + float(time_limit)
    best, value, proven, _nodes = _pmedian_branch(w, c, capf, p, best, value, u, deadline)
    return best, proven


def _pmedian_value(w: FloatArray, c: FloatArray, capf: FloatArray, chosen: Sequence[int]) -> float:
    return float(w @ np.minimum(capf, c[:, list(chosen)].min(axis=1)))


def pmedian_incumbent(
    w: FloatArray, c: FloatArray, capf: FloatArray, p: int, start: Sequence[int] = ()
) -> list[int]:
    """A good p-median solution: greedy (the candidate lowering the weighted cost most, each
    time), then best-improvement interchange (Teitz–Bart, vectorised as in Whitaker's fast
    interchange) until no swap of a chosen site for another lowers it. ``capf`` is each
    point's cost to its nearest existing site (finite, large when none)."""
    n = c.shape[0]
    cc = np.minimum(c, capf[:, None])
    wc = w[:, None]
    chosen = [int(j) for j in start]
    best = np.minimum(capf, cc[:, chosen].min(axis=1)) if chosen else capf.copy()
    for _ in range(p - len(chosen)):
        gain = (wc * np.maximum(best[:, None] - cc, 0.0)).sum(axis=0)
        gain[chosen] = -1.0
        j = int(np.argmax(gain))
        chosen.append(j)
        best = np.minimum(best, cc[:, j])
    rows = np.arange(n)
    for _ in range(20 * p):
        sub = cc[:, chosen]
        if p > 1:
            two = np.argpartition(sub, 1, axis=1)[:, :2]
            d = np.take_along_axis(sub, two, axis=1)
            swap = d[:, 0] > d[:, 1]
            k1 = np.where(swap, two[:, 1], two[:, 0])
            d1, d2 = d.min(axis=1), d.max(axis=1)
        else:
            k1, d1, d2 = np.zeros(n, dtype=np.intp), sub[:, 0], capf.copy()
        d2 = np.minimum(d2, capf)
        by_existing = capf <= d1  # served by an existing site: no chosen site is its nearest
        d1 = np.minimum(d1, capf)
        gain = (wc * np.maximum(d1[:, None] - cc, 0.0)).sum(axis=0)  # adding j
        extra = wc * (np.minimum(cc, d2[:, None]) - np.minimum(cc, d1[:, None]))
        mine = ~by_existing
        owner = sparse.csr_matrix((np.ones(int(mine.sum())), (k1[mine], rows[mine])), shape=(p, n))
        delta = np.asarray(owner @ extra) - gain[None, :]
        delta[:, chosen] = np.inf
        r, j = (int(x) for x in np.unravel_index(int(np.argmin(delta)), delta.shape))
        if delta[r, j] >= -1e-12 * max(1.0, float(w @ d1)):
            break
        chosen[r] = int(j)
    return chosen


def pmedian_bound(
    w: FloatArray, c: FloatArray, capf: FloatArray, p: int, upper: float, iterations: int = 400
) -> tuple[float, FloatArray, npt.NDArray[np.bool_], list[int], float]:
    """See :func:`_pmedian_lagrange` (this drops its multipliers)."""
    bound, flipped, in_top, found, found_value, _u = _pmedian_lagrange(
        w, c, capf, p, upper, iterations
    )
    return bound, flipped, in_top, found, found_value


def _sorted_rows(c: FloatArray) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """Each point's candidates in ascending order of cost, and those costs."""
    order = np.argsort(c, axis=1, kind="stable")
    return order, np.take_along_axis(c, order, axis=1)


def _near_entries(
    w: FloatArray,
    rows: tuple[npt.NDArray[np.intp], FloatArray],
    valid: npt.NDArray[np.bool_],
    keep: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], FloatArray, FloatArray]:
    """The first ``keep[i]`` valid entries of each sorted row i, flat: their points,
    candidates and weighted costs; and per point the weighted cost of its last entry kept
    (infinite when the row is kept whole: no candidate beyond counts)."""
    order, cs = rows
    pos = np.cumsum(valid, axis=1) - 1
    r, col = np.nonzero(valid & (pos < keep[:, None]))
    wc = w[r] * cs[r, col]
    n = order.shape[0]
    cut = valid.sum(axis=1) > keep  # rows with entries left out (so with some kept)
    end = np.searchsorted(r, np.arange(n), side="right") - 1  # each row's farthest kept
    last = np.full(n, np.inf)
    last[cut] = wc[end[cut]]
    return r, order[r, col], wc, last


def _column_sums(idx: npt.NDArray[np.intp], values: FloatArray, m: int) -> FloatArray:
    """Σ of ``values`` per candidate (float even when no entry is kept at all)."""
    return np.bincount(idx, values, minlength=m).astype(np.float64, copy=False)


def _pmedian_lagrange(
    w: FloatArray,
    c: FloatArray,
    capf: FloatArray,
    p: int,
    upper: float,
    iterations: int = 400,
    start: FloatArray | None = None,
    step: float = 2.0,
    free: npt.NDArray[np.bool_] | None = None,
    rows: tuple[npt.NDArray[np.intp], FloatArray] | None = None,
) -> tuple[float, FloatArray, npt.NDArray[np.bool_], list[int], float, FloatArray]:
    """A lower bound on the p-median by Lagrangian relaxation of the assignment constraints
    (Beasley 1993), multipliers u_i by subgradient steps towards ``upper``:
    L(u) = Σ_i u_i + Σ_i min(0, w_i e_i − u_i) + the p smallest ρ_j = Σ_i min(0, w_i c_ij − u_i),
    over the ``free`` candidates (a mask; all when None), e_i being ``capf`` (the cost to the
    nearest existing or already opened site). The multipliers are kept at most w_i e_i: above
    it, lowering u_i raises L(u) (by p per unit), so the best multipliers lie below; there
    only the candidates nearer than u_i / w_i count, and each step works on those few per
    point (``rows``: each point's candidates sorted by cost, from :func:`_sorted_rows`)
    instead of the whole matrix.

    Returns the best bound; per free candidate, the bound with it forced the other way (open
    when outside the best p, closed when inside) at the best multipliers, and whether it is
    inside; the best of the relaxation's site sets (candidate indices, each set a p-median
    solution: Beasley's Lagrangian heuristic) with its cost, when below ``upper``; and the
    best multipliers (``start`` warm-starts them, ``step`` is the first step factor)."""
    n, m = c.shape
    if rows is None:
        rows = _sorted_rows(c)
    order, cs = rows
    isfree = np.ones(m, dtype=bool) if free is None else free
    nfree = int(isfree.sum())
    we = w * capf
    valid = isfree[order] & (cs < capf[:, None])
    nvalid = valid.sum(axis=1)
    if start is None:
        # each point's (p+1)-th cheapest candidate
        k0 = min(p + 1, m)
        pick = np.minimum(np.cumsum(valid, axis=1), k0) == k0
        first = np.argmax(pick, axis=1)
        u = np.where(nvalid >= k0, w * np.take_along_axis(cs, first[:, None], 1)[:, 0], we)
    else:
        u = start.copy()
    u = np.minimum(u, we)
    keep = (valid & (w[:, None] * cs < u[:, None])).sum(axis=1) + 4
    pt, idx, wc, last = _near_entries(w, rows, valid, keep)
    found: list[int] = []
    found_value = upper
    f, stall = step, 0
    best_bound, best_u = -np.inf, u.copy()
    chosen = np.zeros(m, dtype=bool)
    tried: set[bytes] = set()
    for _ in range(iterations):
        neg = np.minimum(wc - u[pt], 0.0)
        rho = _column_sums(idx, neg, m)
        rho[~isfree] = np.inf
        top = np.argpartition(rho, p - 1)[:p] if p < m else np.arange(m)
        bound = float(u.sum() + rho[top].sum())
        if bound > best_bound + 1e-12 * abs(upper):
            best_bound, best_u, stall = bound, u.copy(), 0
            key = np.sort(top).tobytes()
            if key not in tried:  # the relaxation's sets repeat: each is costed once
                tried.add(key)
                value = _pmedian_value(w, c, capf, [int(j) for j in top])
                if value < found_value:
                    found, found_value = [int(j) for j in top], value
        else:
            stall += 1
            if stall >= 20:
                f, stall = f / 2, 0
        if best_bound >= found_value * (1 - PMEDIAN_GAP) or f < 1e-5:
            break
        chosen[:] = False
        chosen[top] = True
        g = 1.0 - np.bincount(pt, chosen[idx] & (neg < 0), minlength=n)
        norm = float(g @ g)
        if norm == 0:
            break
        u = np.minimum(u + f * (found_value - bound) / norm * g, we)
        short = last < u
        while short.any():  # points reach past their kept entries: keep more of them
            keep[short] *= 2
            pt, idx, wc, last = _near_entries(w, rows, valid, keep)
            short = last < u
    u = best_u
    rho = _column_sums(idx, np.minimum(wc - u[pt], 0.0), m)
    rho[~isfree] = np.inf
    ranked = np.argsort(rho, kind="stable")
    bound = float(u.sum() + rho[ranked[:p]].sum())
    in_top = np.zeros(m, dtype=bool)
    in_top[ranked[:p]] = True
    pth = rho[ranked[p - 1]]
    if p < nfree:
        nxt = rho[ranked[p]]
        flipped = np.where(in_top, bound - rho + nxt, bound - pth + rho)
    else:
        flipped = np.where(in_top, -np.inf, bound)
    return bound, flipped[isfree], in_top[isfree], found, found_value, u


def _pmedian_branch(
    w: FloatArray,
    c: FloatArray,
    capf: FloatArray,
    p: int,
    best: list[int],
    value: float,
    u: FloatArray,
    deadline: float | None,
    node_iterations: int = PMEDIAN_NODE_ITERATIONS,
) -> tuple[list[int], float, bool, int]:
    """Branch and bound on the candidates with the Lagrangian bound (``_pmedian_lagrange``):
    a node opens some candidates (they become each point's cost cap, as existing sites) and
    closes others; its bound starts from its parent's multipliers; candidates whose flip
    cannot beat the incumbent are fixed; depth first, branching on the relaxation's chosen
    free candidate that is cheapest to flip, its "open" side first. Returns the best set, its
    value, whether it is proven (False when ``deadline``, a ``time.perf_counter`` instant,
    passed) and the number of nodes."""
    m = c.shape[1]
    rows = _sorted_rows(c)
    stack: list[tuple[tuple[int, ...], tuple[int, ...], FloatArray]] = [((), (), u)]
    nodes = 0
    while stack:
        if deadline is not None and time.perf_counter() > deadline:
            return best, value, False, nodes
        ones, zeros, u0 = stack.pop()
        nodes += 1
        tol = PMEDIAN_GAP * max(1.0, value)
        cap = np.minimum(capf, c[:, list(ones)].min(axis=1)) if ones else capf
        closed = np.zeros(m, dtype=bool)
        closed[list(ones) + list(zeros)] = True
        free = np.flatnonzero(~closed)
        rest = p - len(ones)
        if rest <= 0 or len(free) <= rest:  # a leaf: the set is decided
            cand = list(ones) + [int(j) for j in free[: max(rest, 0)]]
            cand += [int(j) for j in np.flatnonzero(closed) if j not in cand][: p - len(cand)]
            v = _pmedian_value(w, c, capf, cand)
            if v < value - tol:
                best, value = cand, v
            continue
        bound, flipped, in_top, found, found_value, u1 = _pmedian_lagrange(
            w,
            c,
            cap,
            rest,
            value,
            node_iterations,
            start=u0,
            step=PMEDIAN_NODE_STEP,
            free=~closed,
            rows=rows,
        )
        if found and found_value < value - tol:
            cand = list(ones) + found
            cand = pmedian_incumbent(w, c, capf, p, start=cand)
            v = _pmedian_value(w, c, capf, cand)
            if v < value - tol:
                best, value = cand, v
                tol = PMEDIAN_GAP * max(1.0, value)
        if bound >= value - tol:
            continue
        fixed = flipped >= value - tol
        new_ones = ones + tuple(int(free[j]) for j in np.flatnonzero(fixed & in_top))
        new_zeros = zeros + tuple(int(free[j]) for j in np.flatnonzero(fixed & ~in_top))
        loose = np.flatnonzero(in_top & ~fixed)
        if len(loose) == 0:  # everything in the relaxation's set is fixed open: re-solve
            if len(new_ones) == len(ones) and len(new_zeros) == len(zeros):
                # nothing fixed yet the bound stays short: branch on the weakest outside one
                out = np.flatnonzero(~in_top & ~fixed)
                j = int(free[out[int(np.argmin(flipped[out]))]])
                stack.append((new_ones, (*new_zeros, j), u1))
                stack.append(((*new_ones, j), new_zeros, u1))
            else:
                stack.append((new_ones, new_zeros, u1))
            continue
        j = int(free[loose[int(np.argmin(flipped[loose]))]])
        stack.append((new_ones, (*new_zeros, j), u1))
        stack.append(((*new_ones, j), new_zeros, u1))
    return best, value, True, nodes
