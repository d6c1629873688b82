"""Budget allocation for the shortest plank (issue 11), pure: numpy and SciPy's HiGHS, no Django.

Two solvers reach the same optimum (``solver=`` on ``allocate`` and ``compare``): the default
fast path, an exact combinatorial algorithm for this structure (one budget, limits on disjoint
sets of cells, separable concave piecewise-linear responses: progressive filling for maximin and
leximin, the greedy by gain per yuan for the total; see ``_Fast``), and HiGHS, the general LP,
kept as the cross-check and as the fallback for nested limits (a cell under two limits).

A *cell* is a region x service area with a population p, a current attainment a (value /
standard), a rural flag, a local weight w (因地制宜, 1 neutral) and a concave piecewise-linear
response to spending: bands k, each with a capacity c_k (yuan) and a gain g_k (attainment
points per 10,000 yuan), g_1 > g_2 > ... (diminishing returns). Spending x_k in [0, c_k] on
band k lifts the cell to f = a + sum_k g_k x_k / 10,000; beyond the last band nothing is bought.
Because the gains decrease, a linear programme fills the bands in order without binaries.

**Local weights.** Every objective looks at the *weighted attainment* e = f / w: a cell with
weight 1.5 at attainment 0.6 counts as 0.4, so it is lifted first (maximin) and, per yuan, its
attainment counts 1.5 times in the total (utilitarian: sum p w f). Reports show the plain
attainment f (and the weighted minimum beside it).

Objectives (variables in units of 10,000 yuan so the LP is well scaled):

- ``maximin``: maximise t subject to e_i >= t for every cell, the budget sum x <= B and each
  limit's floor <= (spend on its cells) <= cap. Of the allocations reaching t*, the one with the
  largest weighted total (sum p w f) is returned, so the rest of the budget is not left to the
  solver's whim (with one budget, increasing responses and no caps, that is water-filling:
  every cell below the level is lifted exactly to it).
- ``leximin``: lexicographic maximin (Ogryczak & Sliwinski; Luss 1999). Repeated maximin over
  the cells still free: solve max t; every free cell whose constraint e_i >= t has a positive
  dual (LP duality: sum of duals is 1 and sum lambda_i e_i <= t* for every allocation keeping the
  others at t*, so such a cell cannot rise above t*) or whose bands are all bought below t* is
  fixed at e_i >= t*; repeat with the rest. Each round fixes a whole level, so the rounds number
  the distinct levels of the result (a degenerate tie in the duals may repeat a level once;
  the rounds never exceed the number of cells). After each round, when holding the levels
  reached already costs the whole budget (least-cost LP), no free cell can rise: they all
  keep their attainment (t or above) and the rounds stop. Then the weighted total is maximised keeping
  every cell at its level. Leximin matters when caps, floors or full bands stop some cells.
- ``utilitarian``: maximise the population-weighted total sum p w f.

The *price of fairness* (Bertsimas, Farias & Trichakis 2011) is
(U_utilitarian - U_maximin) / U_utilitarian with U = sum p w f after spending (baseline
included), the share of the best total given up for the weakest.

Bad input raises ``AllocationError`` naming the cell, the limit or the figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog

from minsheng.insights.inequality import gini

FloatArray = NDArray[np.float64]
Objective = Literal["maximin", "leximin", "utilitarian"]
OBJECTIVES: tuple[Objective, ...] = ("maximin", "leximin", "utilitarian")
Solver = Literal["auto", "fast", "highs"]
SOLVERS: tuple[Solver, ...] = ("auto", "fast", "highs")
UNIT = 10_000.0  # yuan per LP unit (gains are per 10,000 yuan)
TOL = 1e-7
RELAX = 1e-10  # slack on levels held from an earlier LP, against round-off
# HiGHS presolve is quadratic on the budget row's thousands of parallel columns (6.7 s for
# 10,000 columns, 0.4 s without it): the LPs here are already reduced, so it is off.
HIGHS_OPTIONS = {"presolve": False}


class AllocationError(ValueError):
    """Input the model cannot take; the message says which cell or limit and why. ``field``
    names the figure for a form: ``budget``, ``floor:<region>`` or ``cap:<region>``."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Band:
    capacity: float  # yuan that can be spent in this band
    gain: float  # attainment points per 10,000 yuan


@dataclass(frozen=True)
class Cell:
    region: str
    area: str
    population: float
    attainment: float
    bands: tuple[Band, ...] = ()
    rural: bool = False
    weight: float = 1.0
    # Enclosing regions (e.g. the township of a village): a limit on any of them counts
    # this cell's spend too.
    within: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.region}/{self.area}"

    @property
    def top(self) -> float:
        """The attainment once every band is bought."""
        return self.attainment + sum(b.capacity * b.gain / UNIT for b in self.bands)


@dataclass(frozen=True)
class Limit:
    floor: float = 0.0
    cap: float | None = None  # None: no cap


@dataclass(frozen=True)
class Summary:
    min: float  # lowest attainment
    min_weighted: float  # lowest attainment / weight (what maximin lifts)
    mean: float  # population-weighted mean attainment
    gini: float  # population-weighted Gini of attainment
    total: float  # sum p w f, the utilitarian objective
    spent: float  # yuan
    unspent: float  # yuan
    rural_share: float | None  # share of the spend going to rural cells (None: nothing spent)


@dataclass(frozen=True)
class Allocation:
    objective: Objective
    spend: FloatArray  # yuan per cell
    after: FloatArray  # attainment per cell after spending
    summary: Summary
    rounds: int = 1  # LP rounds (leximin: one per distinct level)


@dataclass(frozen=True)
class Comparison:
    before: Summary
    results: dict[str, Allocation] = field(default_factory=dict)

    @property
    def price_of_fairness(self) -> float | None:
        return _price(self.results, "maximin")

    @property
    def price_of_fairness_leximin(self) -> float | None:
        return _price(self.results, "leximin")


def _price(results: Mapping[str, Allocation], fair: str) -> float | None:
    if "utilitarian" not in results or fair not in results:
        return None
    best = results["utilitarian"].summary.total
    if best <= 0:
        return None
    return max(0.0, (best - results[fair].summary.total) / best)


# --- checking the input ------------------------------------------------------------------------


def _finite(value: float, what: str) -> float:
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise AllocationError(f"{what} is not a finite number")
    return float(value)


@dataclass(frozen=True)
class _Arrays:
    """The cells' figures as arrays (bands flat, in cell order)."""

    p: FloatArray
    a: FloatArray
    w: FloatArray
    rural: NDArray[np.bool_]
    counts: NDArray[np.int64]  # bands per cell
    capacity: FloatArray  # yuan
    gain: FloatArray

    @classmethod
    def of(cls, cells: Sequence[Cell]) -> _Arrays:
        return cls(
            p=np.array([c.population for c in cells]),
            a=np.array([c.attainment for c in cells]),
            w=np.array([c.weight for c in cells]),
            rural=np.array([bool(c.rural) for c in cells], dtype=bool),
            counts=np.array([len(c.bands) for c in cells], dtype=np.int64),
            capacity=np.array([b.capacity for c in cells for b in c.bands]),
            gain=np.array([b.gain for c in cells for b in c.bands]),
        )

    def plain(self) -> bool:
        """Every figure a finite number in range (else the cell-by-cell check names it)."""
        figures = (self.p, self.a, self.w, self.capacity, self.gain)
        if not all(x.dtype.kind in "fiu" for x in figures):
            return False
        if not all(np.isfinite(x).all() for x in figures):
            return False
        if (self.p <= 0).any() or (self.a < 0).any() or (self.w <= 0).any():
            return False
        if (self.capacity < 0).any() or (self.gain <= 0).any():
            return False
        first = np.zeros(self.gain.size, dtype=bool)
        first[(np.cumsum(self.counts) - self.counts)[self.counts > 0]] = True
        return not (np.diff(self.gain) >= 0)[~first[1:]].any()

    def as_float(self) -> _Arrays:
        return _Arrays(
            p=self.p.astype(np.float64),
            a=self.a.astype(np.float64),
            w=self.w.astype(np.float64),
            rural=self.rural,
            counts=self.counts,
            capacity=self.capacity.astype(np.float64),
            gain=self.gain.astype(np.float64),
        )


def validate(cells: Sequence[Cell], budget: float, limits: Mapping[str, Limit]) -> None:
    _validate(cells, budget, limits)


def _validate(cells: Sequence[Cell], budget: float, limits: Mapping[str, Limit]) -> _Arrays:
    """Check the input (AllocationError naming what is wrong); the cells' figures as arrays."""
    if not cells:
        raise AllocationError("there are no cells to allocate to")
    if not isinstance(budget, int | float) or not math.isfinite(budget):
        raise AllocationError("the budget is not a finite number", "budget")
    if budget < 0:
        raise AllocationError(f"the budget is negative ({budget:g} yuan)", "budget")
    try:
        arrays: _Arrays | None = _Arrays.of(cells)
    except (TypeError, ValueError):
        arrays = None
    distinct = len({(c.region, c.area) for c in cells}) == len(cells)
    if arrays is None or not distinct or not arrays.plain():
        _check_cells(cells)
        arrays = _Arrays.of(cells)
    arrays = arrays.as_float()
    rooms: dict[str, float] = {}
    if limits:
        full = np.bincount(
            np.repeat(np.arange(len(cells)), arrays.counts),
            weights=arrays.capacity,
            minlength=len(cells),
        )
        for cell, room in zip(cells, full.tolist(), strict=True):
            rooms[cell.region] = rooms.get(cell.region, 0.0) + room
            for code in cell.within:
                if code != cell.region:
                    rooms[code] = rooms.get(code, 0.0) + room
    regions = set(rooms)
    floors = 0.0
    for code, limit in limits.items():
        if code not in regions:
            raise AllocationError(
                f"limit for region {code}: no cell is in that region", f"floor:{code}"
            )
        floor = _finite(limit.floor, f"limit for region {code}: floor")
        if floor < 0:
            raise AllocationError(
                f"limit for region {code}: the floor is negative", f"floor:{code}"
            )
        if limit.cap is not None:
            cap = _finite(limit.cap, f"limit for region {code}: cap")
            if cap < 0:
                raise AllocationError(
                    f"limit for region {code}: the cap is negative", f"cap:{code}"
                )
            if floor > cap:
                raise AllocationError(
                    f"limit for region {code}: the floor ({floor:g}) is above the cap ({cap:g})",
                    f"floor:{code}",
                )
        room = rooms.get(code, 0.0)
        if floor > room + 1e-6:
            raise AllocationError(
                f"limit for region {code}: the floor ({floor:g} yuan) is more than its cells"
                f" can take ({room:g} yuan)",
                f"floor:{code}",
            )
        floors += floor
    if floors > budget + 1e-6:
        raise AllocationError(
            f"the budget ({budget:g} yuan) is below the sum of the floors ({floors:g} yuan)",
            "budget",
        )
    return arrays


def _check_cells(cells: Sequence[Cell]) -> None:
    """The cell-by-cell check: raises on the first cell with a bad figure."""
    seen: set[tuple[str, str]] = set()
    for cell in cells:
        name = cell.name
        if (cell.region, cell.area) in seen:
            raise AllocationError(f"cell {name} appears twice")
        seen.add((cell.region, cell.area))
        if _finite(cell.population, f"cell {name}: population") <= 0:
            raise AllocationError(f"cell {name}: the population must be positive")
        if _finite(cell.attainment, f"cell {name}: attainment") < 0:
            raise AllocationError(f"cell {name}: the attainment is negative")
        if _finite(cell.weight, f"cell {name}: weight") <= 0:
            raise AllocationError(f"cell {name}: the local weight must be positive")
        previous = math.inf
        for k, band in enumerate(cell.bands, start=1):
            if _finite(band.capacity, f"cell {name}: band {k} capacity") < 0:
                raise AllocationError(f"cell {name}: band {k} has a negative capacity")
            if _finite(band.gain, f"cell {name}: band {k} gain") <= 0:
                raise AllocationError(f"cell {name}: band {k} has a gain that is not positive")
            if band.gain >= previous:
                raise AllocationError(
                    f"cell {name}: band {k}'s gain ({band.gain:g}) is not below band {k - 1}'s"
                    f" ({previous:g}): returns must diminish from band to band"
                )
            previous = band.gain


# --- the linear programme -----------------------------------------------------------------------


@dataclass
class _Model:
    """Sparse pieces shared by every LP: one column per band (in 10,000 yuan)."""

    n: int
    owner: NDArray[np.int64]  # cell of each band column
    gain: FloatArray  # per column
    cap: FloatArray  # per column (10,000 yuan)
    a: FloatArray  # attainment per cell
    w: FloatArray  # weight per cell
    p: FloatArray  # population per cell
    top: FloatArray  # attainment per cell with every band bought
    response: sparse.csr_matrix  # n x m: (response @ x)[i] = attainment gained by cell i
    resource_a: sparse.csr_matrix  # budget and limit rows
    resource_b: FloatArray
    floored: NDArray[np.bool_]  # per cell: under a limit with a floor

    @classmethod
    def build(cls, cells: Sequence[Cell], budget: float, limits: Mapping[str, Limit]) -> _Model:
        owner = np.array([i for i, c in enumerate(cells) for _ in c.bands], dtype=np.int64)
        gain = np.array([b.gain for c in cells for b in c.bands], dtype=np.float64)
        cap = np.array([b.capacity / UNIT for c in cells for b in c.bands], dtype=np.float64)
        n, m = len(cells), owner.size
        response = sparse.csr_matrix((gain, (owner, np.arange(m))), shape=(n, m))
        rows: list[sparse.csr_matrix] = [sparse.csr_matrix(np.ones((1, m)))]
        rhs = [budget / UNIT]
        index = {code: j for j, code in enumerate(limits)}
        starts = np.cumsum([0] + [len(c.bands) for c in cells])
        pairs = [
            (index[code], i)
            for i, c in enumerate(cells)
            for code in {c.region, *c.within}
            if code in index
        ]
        floors = [limits[code].floor > 0 for code in index]
        member_of = sparse.csr_matrix((len(index), m))
        if pairs:
            lim, cell_i = np.array(pairs, dtype=np.int64).T
            counts = starts[cell_i + 1] - starts[cell_i]
            cols = np.repeat(starts[cell_i], counts) + (
                np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            )
            member_of = sparse.csr_matrix(
                (np.ones(cols.size), (np.repeat(lim, counts), cols)), shape=(len(index), m)
            )
        for code, limit in limits.items():
            row = member_of[index[code]]
            if limit.cap is not None:
                rows.append(row)
                rhs.append(limit.cap / UNIT)
            if limit.floor > 0:
                rows.append(-row)
                rhs.append(-limit.floor / UNIT)
        floored = np.zeros(n, dtype=bool)
        for j, i in pairs:
            floored[i] |= floors[j]
        a = np.array([c.attainment for c in cells], dtype=np.float64)
        return cls(
            n=n,
            owner=owner,
            gain=gain,
            cap=cap,
            a=a,
            w=np.array([c.weight for c in cells], dtype=np.float64),
            p=np.array([c.population for c in cells], dtype=np.float64),
            top=a + np.asarray(response @ cap).ravel(),
            response=response,
            resource_a=sparse.vstack(rows, format="csr"),
            resource_b=np.array(rhs, dtype=np.float64),
            floored=floored,
        )

    @property
    def m(self) -> int:
        return int(self.owner.size)

    def attainment(self, x: FloatArray) -> FloatArray:
        return self.a + np.asarray(self.response @ x).ravel()

    def spend(self, x: FloatArray) -> FloatArray:
        return np.asarray(
            np.bincount(self.owner, weights=x, minlength=self.n) * UNIT, dtype=np.float64
        )

    def maximin(
        self, free: NDArray[np.int64], floor_level: FloatArray
    ) -> tuple[float, FloatArray, FloatArray]:
        """max t s.t. e_i >= t for the free cells, e_i >= floor_level[i] for the others.
        Returns t*, x and the duals of the free cells' rows (>= 0)."""
        fixed = np.setdiff1d(np.arange(self.n), free)
        # Free rows: w_i t - g_i x <= a_i. Fixed rows: -g_i x <= a_i - w_i level_i.
        free_rows = sparse.hstack(
            [sparse.csr_matrix(self.w[free].reshape(-1, 1)), -self.response[free]], format="csr"
        )
        fixed_rows = sparse.hstack(
            [sparse.csr_matrix((fixed.size, 1)), -self.response[fixed]], format="csr"
        )
        resource = sparse.hstack(
            [sparse.csr_matrix((self.resource_a.shape[0], 1)), self.resource_a], format="csr"
        )
        a_ub = sparse.vstack([free_rows, fixed_rows, resource], format="csr")
        b_ub = np.concatenate(
            [
                self.a[free],
                self.a[fixed] - self.w[fixed] * floor_level[fixed] + RELAX,
                self.resource_b,
            ]
        )
        c = np.zeros(self.m + 1)
        c[0] = -1.0
        bounds = np.column_stack(
            [np.concatenate(([-np.inf], np.zeros(self.m))), np.r_[np.inf, self.cap]]
        )
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs", options=HIGHS_OPTIONS)
        if res.status != 0:
            raise AllocationError(f"the model could not be solved: {res.message}")
        duals = -np.asarray(res.ineqlin.marginals[: free.size])
        return float(res.x[0]), np.asarray(res.x[1:]), duals

    def budget_left(self, level: FloatArray) -> float:
        """The budget (10,000 yuan) left once every cell is held at e_i >= level[i] at
        least cost (floors and caps kept)."""
        keep = np.arange(self.n)
        a_ub = sparse.vstack([-self.response[keep], self.resource_a[1:]], format="csr")
        b_ub = np.concatenate([self.a - self.w * level + RELAX, self.resource_b[1:]])
        bounds = np.column_stack([np.zeros(self.m), self.cap])
        res = linprog(
            np.ones(self.m),
            A_ub=a_ub,
            b_ub=b_ub,
            bounds=bounds,
            method="highs",
            options=HIGHS_OPTIONS,
        )
        if res.status != 0:
            return 0.0
        return float(self.resource_b[0] - res.fun)

    def best_total(self, level: FloatArray | None) -> FloatArray:
        """max sum p w f, keeping e_i >= level[i] where a level is given."""
        c = -(self.p * self.w)[self.owner] * self.gain
        a_ub = self.resource_a
        b_ub = self.resource_b
        if level is not None:
            keep = np.flatnonzero(np.isfinite(level))
            a_ub = sparse.vstack([-self.response[keep], a_ub], format="csr")
            b_ub = np.concatenate([self.a[keep] - self.w[keep] * level[keep] + RELAX, b_ub])
        bounds = np.column_stack([np.zeros(self.m), self.cap])
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs", options=HIGHS_OPTIONS)
        if res.status != 0:
            raise AllocationError(f"the model could not be solved: {res.message}")
        return np.clip(np.asarray(res.x), 0.0, self.cap)


def _summary(model: _Model, cells: Sequence[Cell], budget: float, x: FloatArray | None) -> Summary:
    rural = np.array([c.rural for c in cells], dtype=bool)
    if x is None:
        return _summary_of(model.p, model.w, rural, budget, model.a, np.zeros(model.n))
    return _summary_of(model.p, model.w, rural, budget, model.attainment(x), model.spend(x))


def _summary_of(
    p: FloatArray,
    w: FloatArray,
    rural: NDArray[np.bool_],
    budget: float,
    f: FloatArray,
    spend: FloatArray,
) -> Summary:
    spent = float(spend.sum())
    g = 0.0 if float(p @ f) <= 0 else gini(f, p)
    return Summary(
        min=float(f.min()),
        min_weighted=float((f / w).min()),
        mean=float(p @ f / p.sum()),
        gini=g,
        total=float((p * w) @ f),
        spent=spent,
        unspent=max(0.0, budget - spent),
        rural_share=float(spend[rural].sum() / spent) if spent > 0 else None,
    )


def _result(
    model: _Model,
    cells: Sequence[Cell],
    budget: float,
    objective: Objective,
    x: FloatArray,
    rounds: int,
) -> Allocation:
    return Allocation(
        objective=objective,
        spend=model.spend(x),
        after=model.attainment(x),
        summary=_summary(model, cells, budget, x),
        rounds=rounds,
    )


def allocate(
    cells: Sequence[Cell],
    budget: float,
    objective: Objective = "maximin",
    limits: Mapping[str, Limit] | None = None,
    *,
    solver: Solver = "auto",
) -> Allocation:
    """The allocation of ``budget`` yuan over ``cells`` for one objective. ``solver``: "fast"
    (the exact combinatorial path; refused when a cell is under two limits), "highs" (the
    LPs) or "auto" (fast whenever the limits are disjoint, else HiGHS)."""
    limits = dict(limits or {})
    if objective not in OBJECTIVES:
        raise AllocationError(f"unknown objective {objective!r}: choose {', '.join(OBJECTIVES)}")
    return compare(cells, budget, limits, (objective,), solver=solver).results[objective]


def _solve(model: _Model, cells: Sequence[Cell], budget: float, objective: Objective) -> Allocation:
    if model.m == 0:
        return _result(model, cells, budget, objective, np.zeros(0), 0)
    if objective == "utilitarian":
        return _result(model, cells, budget, objective, model.best_total(None), 1)
    level = np.full(model.n, -np.inf)
    free = np.arange(model.n)
    rounds = 0
    while free.size:
        t, x, duals = model.maximin(free, level)
        rounds += 1
        if objective == "maximin":
            level[:] = t
            break
        e_top = model.top[free] / model.w[free]
        blocked = (duals > 1e-9) | (e_top <= t + TOL)
        if not blocked.any():  # cannot happen (the duals sum to 1); never loop for ever
            blocked = model.attainment(x)[free] / model.w[free] <= t + TOL
        level[free[blocked]] = t
        free = free[~blocked]
        left = model.budget_left(np.where(np.isfinite(level), level, t)) if free.size else 0.0
        if free.size and left <= 1e-5 * model.resource_b[0] + 1e-3:  # 10 yuan, or 1e-5
            # Every yuan is needed to hold the levels reached: no free cell can rise, each
            # stays where it is (t, or its own attainment above it), except in a region whose
            # floor money may still lift its own cells. One round, not one per cell.
            stuck = ~model.floored[free]
            level[free[stuck]] = t
            free = free[~stuck]
    return _result(model, cells, budget, objective, model.best_total(level), rounds)


def compare(
    cells: Sequence[Cell],
    budget: float,
    limits: Mapping[str, Limit] | None = None,
    objectives: Sequence[Objective] = OBJECTIVES,
    *,
    solver: Solver = "auto",
) -> Comparison:
    """Every objective on the same input, with the figures before spending."""
    limits = dict(limits or {})
    if solver not in SOLVERS:
        raise AllocationError(f"unknown solver {solver!r}: choose {', '.join(SOLVERS)}")
    arrays = _validate(cells, budget, limits)
    fast = None if solver == "highs" else _Fast.build(cells, arrays, float(budget), limits)
    if fast is None and solver == "fast":
        raise AllocationError(
            "the fast solver needs disjoint limits (a cell under at most one): use solver='highs'"
        )
    before = _summary_of(
        arrays.p, arrays.w, arrays.rural, float(budget), arrays.a, np.zeros(len(cells))
    )
    if fast is not None:
        results: dict[str, Allocation] = {
            o: _solve_fast(fast, arrays, float(budget), o) for o in objectives
        }
        return Comparison(before=before, results=results)
    model = _Model.build(cells, float(budget), limits)
    results = {o: _solve(model, cells, float(budget), o) for o in objectives}
    return Comparison(before=before, results=results)


# --- the exact combinatorial path ----------------------------------------------------------------
#
# One budget, limits on disjoint sets of cells, separable concave piecewise-linear responses:
# the LPs above have a combinatorial solution (progressive filling and a greedy), computed here on
# padded n x K arrays in 10,000 yuan. Every limit's cells form a group; a cell under no limit is a
# group of its own (floor 0, no cap).

BISECTIONS = 200  # a bisection stops earlier, once the bracket is two adjacent floats


@dataclass
class _Fast:
    n: int
    a: FloatArray
    w: FloatArray
    p: FloatArray
    top: FloatArray
    start: FloatArray  # n x K: attainment where band k starts
    lift: FloatArray  # n x K: attainment band k adds (0 for padding)
    gain: FloatArray  # n x K (1 for padding)
    cap: FloatArray  # n x K: band capacity (10,000 yuan; 0 for padding)
    group: NDArray[np.int64]  # n
    gfloor: FloatArray  # per group (10,000 yuan)
    gcap: FloatArray  # per group (10,000 yuan; inf: none)
    budget: float  # 10,000 yuan

    @classmethod
    def build(
        cls, cells: Sequence[Cell], arrays: _Arrays, budget: float, limits: Mapping[str, Limit]
    ) -> _Fast | None:
        """The arrays, or None when a cell is under two limits (nested limits: use HiGHS)."""
        n = len(cells)
        index = {code: g for g, code in enumerate(limits)}
        group = np.full(n, -1, dtype=np.int64)
        if index:
            first = [index.get(c.region, -1) for c in cells]
            group[:] = first
            for i, c in enumerate(cells):
                for code in c.within:
                    g = index.get(code)
                    if g is None or g == group[i]:
                        continue
                    if group[i] >= 0:
                        return None
                    group[i] = g
        loose = np.flatnonzero(group < 0)
        group[loose] = len(index) + np.arange(loose.size)
        gfloor = np.zeros(len(index) + loose.size)
        gcap = np.full(len(index) + loose.size, np.inf)
        for code, g in index.items():
            gfloor[g] = limits[code].floor / UNIT
            cap_yuan = limits[code].cap
            if cap_yuan is not None:
                gcap[g] = cap_yuan / UNIT
        counts = arrays.counts
        k = int(counts.max())
        cap = np.zeros((n, k))
        gain = np.ones((n, k))
        rows = np.repeat(np.arange(n), counts)
        cols = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
        cap[rows, cols] = arrays.capacity / UNIT
        gain[rows, cols] = arrays.gain
        a = arrays.a
        lift = cap * gain
        cum = np.cumsum(lift, axis=1)
        return cls(
            n=n,
            a=a,
            w=arrays.w,
            p=arrays.p,
            top=a + (cum[:, -1] if k else 0.0),
            start=a[:, None] + cum - lift,
            lift=lift,
            gain=gain,
            cap=cap,
            group=group,
            gfloor=gfloor,
            gcap=gcap,
            budget=budget / UNIT,
        )

    def buy(self, level: FloatArray, rows: NDArray[np.int64] | None = None) -> FloatArray:
        """Least spend per band lifting each cell to e >= level (as far as its bands go)."""
        if rows is None:
            need = self.w * level
            start, lift, gain, cap = self.start, self.lift, self.gain, self.cap
        else:
            need = self.w[rows] * level
            start, lift, gain, cap = (
                self.start[rows],
                self.lift[rows],
                self.gain[rows],
                self.cap[rows],
            )
        return np.minimum(np.clip(need[:, None] - start, 0.0, lift) / gain, cap)

    def group_cost(self, t: float) -> FloatArray:
        cost = self.buy(np.full(self.n, t)).sum(axis=1)
        return np.bincount(self.group, weights=cost, minlength=self.gfloor.size).astype(np.float64)

    def bounds(self) -> tuple[float, float]:
        e = self.a / self.w
        return float(e.min()), float((self.top / self.w).max())

    def maximin_level(self) -> float:
        """max t with every cell at e >= t, within the budget, floors and caps."""

        def excess(t: float) -> float:  # > 0: over the budget or a cap
            cost = self.group_cost(t)
            over = float(np.maximum(cost, self.gfloor).sum()) - self.budget
            return max(over, float((cost - self.gcap).max()))

        return _largest_root(
            excess, float((self.a / self.w).min()), float((self.top / self.w).min())
        )

    def leximin_levels(self) -> FloatArray:
        """Progressive filling: the level every group's cells are water-filled to."""
        lo, hi = self.bounds()

        def spent(t: float) -> float:
            cost = self.group_cost(t)
            return float(np.minimum(self.gcap, np.maximum(self.gfloor, cost)).sum())

        t = _largest_root(lambda s: spent(s) - self.budget, lo, hi)
        cost = self.group_cost(t)
        target = np.minimum(self.gcap, np.maximum(self.gfloor, cost))
        level = np.full(self.gfloor.size, t)
        # Groups held by their floor (above t) or cap (below t): water-fill their own spend.
        odd = np.flatnonzero(target != cost)
        if odd.size:
            rows = np.flatnonzero(np.isin(self.group, odd))
            local = np.searchsorted(odd, self.group[rows])
            g_lo = np.where(target[odd] > cost[odd], t, lo)
            g_hi = np.where(target[odd] > cost[odd], hi, t)
            for _ in range(BISECTIONS):
                mid = 0.5 * (g_lo + g_hi)
                moving = (mid > g_lo) & (mid < g_hi)
                if not moving.any():
                    break
                c = np.bincount(local, self.buy(mid[local], rows).sum(axis=1), minlength=odd.size)
                ok = c <= target[odd]
                g_lo = np.where(moving & ok, mid, g_lo)
                g_hi = np.where(moving & ~ok, mid, g_hi)
            level[odd] = g_lo
        return np.asarray(level[self.group], dtype=np.float64)

    def greedy(self, base: FloatArray) -> FloatArray:
        """Of the spends x >= base (bands filled in order), the largest sum p w f: each group
        first buys its best pieces up to its floor, then the best pieces by gain per yuan
        (p w g) overall, within the caps and the budget. Ties go to the lower cell and band."""
        room = (self.cap - base).ravel()
        base_g = np.bincount(self.group, base.sum(axis=1), minlength=self.gfloor.size)
        floor = np.maximum(self.gfloor - base_g, 0.0)
        cap = self.gcap - base_g
        left = self.budget - float(base.sum())
        live = np.flatnonzero(room > 0)
        value = ((self.p * self.w)[:, None] * self.gain).ravel()[live]
        grp = self.group[live // self.cap.shape[1]]
        order = np.lexsort((live, -value))  # best first; ties: the lower index
        by_group = order[np.argsort(grp[order], kind="stable")]  # each group in that order
        c = room[live][by_group]
        g = grp[by_group]
        first = np.r_[True, g[1:] != g[:-1]]
        before = np.cumsum(c) - c
        before -= np.maximum.accumulate(np.where(first, before, 0.0))
        take_floor = np.clip(floor[g] - before, 0.0, c)
        floor_g = np.bincount(g, take_floor, minlength=self.gfloor.size)
        c2 = c - take_floor
        before2 = np.cumsum(c2) - c2
        before2 -= np.maximum.accumulate(np.where(first, before2, 0.0))
        take_cap = np.clip((cap - floor_g)[g] - before2, 0.0, c2)
        take = np.empty_like(c)
        take[by_group] = take_cap
        take_global = take[order]
        left -= float(take_floor.sum())
        spent_before = np.cumsum(take_global) - take_global
        take[order] = np.clip(left - spent_before, 0.0, take_global)
        take[by_group] += take_floor
        x = base.ravel().copy()
        x[live] += take
        return np.minimum(x.reshape(self.cap.shape), self.cap)


def _largest_root(g: Callable[[float], float], lo: float, hi: float) -> float:
    """The largest t in [lo, hi] with g(t) <= 0, for g continuous and nondecreasing with
    g(lo) <= 0 (piecewise linear here): the Illinois variant of false position, which lands on
    the root of a linear piece at once, with a bisection every third step as a safeguard, until
    the bracket is two adjacent floats apart or 1e-13 wide."""
    g_hi = g(hi)
    if g_hi <= 0:
        return hi
    g_lo = g(lo)
    side = 0
    for step in range(BISECTIONS):
        if hi - lo <= 1e-13 * max(1.0, abs(hi)):
            break
        if step % 3 == 2 or g_hi <= g_lo:
            mid = 0.5 * (lo + hi)
        else:
            mid = lo + (hi - lo) * (-g_lo) / (g_hi - g_lo)
        if not lo < mid < hi:  # on the root already: a step just above it closes the bracket
            mid = min(lo + 0.5e-13 * max(1.0, abs(hi)), 0.5 * (lo + hi))
            if not lo < mid < hi:
                break
        g_mid = g(mid)
        if g_mid <= 0:
            lo, g_lo = mid, g_mid
            if side == -1:
                g_hi *= 0.5
            side = -1
        else:
            hi, g_hi = mid, g_mid
            if side == 1:
                g_lo *= 0.5
            side = 1
    return lo


def _solve_fast(fast: _Fast, arrays: _Arrays, budget: float, objective: Objective) -> Allocation:
    rounds = 1
    if fast.cap.size == 0:
        x = np.zeros_like(fast.cap)
        rounds = 0
    elif objective == "utilitarian":
        x = fast.greedy(np.zeros_like(fast.cap))
    elif objective == "maximin":
        x = fast.greedy(fast.buy(np.full(fast.n, fast.maximin_level())))
    else:
        x = fast.buy(fast.leximin_levels())
    spend = x.sum(axis=1)
    after = fast.a + (x * fast.gain).sum(axis=1)
    if objective == "leximin" and rounds:
        lifted = (after / fast.w)[spend > 0]
        rounds = max(1, np.unique(np.round(lifted, 9)).size)
    return Allocation(
        objective=objective,
        spend=spend * UNIT,
        after=after,
        summary=_summary_of(fast.p, fast.w, arrays.rural, budget, after, spend * UNIT),
        rounds=rounds,
    )


# --- the reference: water-filling ---------------------------------------------------------------


def water_filling(
    cells: Sequence[Cell], budget: float, *, iterations: int = 200
) -> tuple[float, FloatArray]:
    """Maximin with one budget and no limits, by bisection on the level t: the spend lifting
    every cell to min(w t, top) costs sum_i f_i^-1(...) ; find the t that costs the budget.
    Returns (t, spend per cell in yuan). The test oracle and the bench's reference."""
    validate(cells, budget, {})
    a = np.array([c.attainment for c in cells])
    w = np.array([c.weight for c in cells])
    nb = max((len(c.bands) for c in cells), default=0)
    cap = np.zeros((len(cells), nb))
    gain = np.ones((len(cells), nb))
    for i, c in enumerate(cells):
        for k, b in enumerate(c.bands):
            cap[i, k], gain[i, k] = b.capacity / UNIT, b.gain
    lift = cap * gain  # attainment each band can add
    start = a[:, None] + np.concatenate([np.zeros((len(cells), 1)), np.cumsum(lift, 1)[:, :-1]], 1)

    def cost(t: float) -> FloatArray:
        target = w * t
        need = np.clip(target[:, None] - start, 0.0, lift)
        return (need / gain).sum(1) * UNIT

    top = a + lift.sum(1)
    if cost(float((top / w).max())).sum() <= budget:
        t = float((top / w).min())  # everything bought; the minimum is the lowest top
        return t, cost(float((top / w).max()))
    lo, hi = float((a / w).min()), float((top / w).max())
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        if cost(mid).sum() <= budget:
            lo = mid
        else:
            hi = mid
    return lo, cost(lo)


# --- the JSON the command prints and the planning page saves -------------------------------------


def summary_json(s: Summary) -> dict[str, float | None]:
    return {
        "min": s.min,
        "min_weighted": s.min_weighted,
        "mean": s.mean,
        "gini": s.gini,
        "total": s.total,
        "spent": s.spent,
        "unspent": s.unspent,
        "rural_share": s.rural_share,
    }


def as_json(
    cells: Sequence[Cell], budget: float, comparison: Comparison, objective: Objective
) -> dict[str, object]:
    """``{"objective", "budget", "cells": [{"region", "area", "population", "rural", "weight",
    "attainment", "spend", "after"}], "before": {...}, "summary": {objective: {...,
    "rounds"}}, "price_of_fairness", "price_of_fairness_leximin"}`` (docs/balance.md)."""
    chosen = comparison.results[objective]
    return {
        "objective": objective,
        "budget": float(budget),
        "cells": [
            {
                "region": c.region,
                "area": c.area,
                "population": c.population,
                "rural": c.rural,
                "weight": c.weight,
                "attainment": c.attainment,
                "spend": float(chosen.spend[i]),
                "after": float(chosen.after[i]),
            }
            for i, c in enumerate(cells)
        ],
        "before": summary_json(comparison.before),
        "summary": {
            name: {**summary_json(r.summary), "rounds": r.rounds}
            for name, r in comparison.results.items()
        },
        "price_of_fairness": comparison.price_of_fairness,
        "price_of_fairness_leximin": comparison.price_of_fairness_leximin,
    }
