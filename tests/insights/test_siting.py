"""The siting models (insights.siting): hand-computed line instances, haversine, existing
sites, bad input, and cross-checks against PySAL spopt (+ CBC) on small random instances."""

from __future__ import annotations

import numpy as np
import pytest

from minsheng.core.geo import great_circle_matrix_km as great_circle_km
from minsheng.insights import siting
from minsheng.insights.siting import SitingError, solve

# Five points on a line at 0..4, candidates x, y, z at 0, 2, 4; e weighs 10.
IDS = ["a", "b", "c", "d", "e"]
POP = [1, 1, 1, 1, 10]
SITES = ["x", "y", "z"]
COST = np.abs(np.arange(5.0)[:, None] - np.array([0.0, 2.0, 4.0])[None, :])


def run(model: str, **kw: object) -> siting.SitingResult:
    return solve(model, demand_ids=IDS, population=POP, candidate_ids=SITES, cost=COST, **kw)  # type: ignore[arg-type]


def test_haversine_beijing_shanghai() -> None:
    # Beijing (39.9042, 116.4074) to Shanghai (31.2304, 121.4737): 1,067.3 km on the sphere.
    d = great_circle_km([39.9042], [116.4074], [31.2304, 39.9042], [121.4737, 116.4074])
    assert d[0, 0] == pytest.approx(1067.3, abs=0.5)
    assert d[0, 1] == 0.0
    # one degree of latitude: 2πR/360
    assert great_circle_km([0], [0], [1], [0])[0, 0] == pytest.approx(111.19508, abs=1e-5)


def test_mclp_line() -> None:
    r = run("mclp", p=1, radius=1)
    # z covers d and e (11 people); y covers b, c, d (3); x covers a, b (2)
    assert (r.sites, r.objective, r.covered_population) == (["z"], 11.0, 11.0)
    assert r.covered_share == pytest.approx(11 / 14)
    assert r.mean_cost == pytest.approx((4 + 3 + 2 + 1 + 0) / 14)
    assert r.optimal
    r2 = run("mclp", p=2, radius=1)
    # {x, z} covers a, b, d, e and {y, z} b, c, d, e: a tie at 13
    assert r2.objective == 13.0 and r2.sites in (["x", "z"], ["y", "z"])


def test_pmedian_line() -> None:
    r = run("pmedian", p=1)
    assert (r.sites, r.objective) == (["z"], 10.0)
    assert r.covered_population is None and r.covered_share is None
    r2 = run("pmedian", p=2)
    # {x, z}: a0 b1 c2 d1 e0 = 4; {y, z}: a2 b1 c0 d1 e0 = 4 (tie); {x, y} would be 2+1+0+1+20
    assert r2.objective == 4.0 and r2.sites in (["x", "z"], ["y", "z"])
    assert r2.mean_cost == pytest.approx(4 / 14)


def test_lscp_line() -> None:
    r = run("lscp", radius=1)
    assert (r.sites, r.objective, r.covered_share) == (["x", "y", "z"], 3.0, 1.0)
    r2 = run("lscp", radius=2)
    assert (r2.sites, r2.objective) == (["y"], 1.0)


def test_pcenter_line() -> None:
    assert (run("pcenter", p=1).sites, run("pcenter", p=1).objective) == (["y"], 2.0)
    # two of three sites always leave a point 2 away (c, a or e); all three: 1
    assert run("pcenter", p=2).objective == 2.0
    assert run("pcenter", p=3).objective == 1.0


def test_existing_sites_cover_and_do_not_count() -> None:
    existing = np.abs(np.arange(5.0) - 4.0)[:, None]  # an existing site at 4
    r = run("mclp", p=1, radius=1, existing_ids=["old"], existing_cost=existing)
    # d, e already covered: the best new site is x (a, b) or y (b, c): x and y tie at 2
    assert r.objective == 13.0 and r.sites in (["x"], ["y"])
    assert r.covered_population_before == 11.0
    assert r.covered_share_before == pytest.approx(11 / 14)
    assert sum(r.newly_covered.values()) == 2.0
    m = run("pmedian", p=1, existing_ids=["old"], existing_cost=existing)
    # with 4 open: x gives 0+1+2+1+0 = 4, y gives 2+1+0+1 = 4 (tie)
    assert m.objective == 4.0 and "z" not in m.sites
    lscp = run("lscp", radius=1, existing_ids=["old"], existing_cost=existing)
    assert (lscp.sites, lscp.objective) == (["x", "y"], 2.0)
    c = run("pcenter", p=1, existing_ids=["old"], existing_cost=existing)
    # x leaves c 2 away, y leaves a 2 away, z leaves a 4 away
    assert c.objective == 2.0 and c.sites in (["x"], ["y"])


def test_lscp_infeasible_names_the_points() -> None:
    with pytest.raises(SitingError, match=r"demand points c, d, e: set covering is infeasible"):
        solve(
            "lscp", demand_ids=IDS, population=POP, candidate_ids=["x"], cost=COST[:, :1], radius=1
        )


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"model": "mclp", "p": 4, "radius": 1}, "p = 4 is larger than the 3 candidate sites."),
        ({"model": "pmedian", "p": 0}, "p must be at least 1, not 0."),
        ({"model": "pmedian"}, "The pmedian model needs p, the number of new sites."),
        ({"model": "mclp", "p": 1}, "The mclp model needs a radius."),
        ({"model": "mclp", "p": 1, "radius": 0}, "The radius must be positive, not 0."),
        ({"model": "lscp", "p": 1, "radius": 1}, "The lscp model chooses the number of sites"),
        ({"model": "median", "p": 1}, "Unknown model 'median'"),
        (
            {"model": "pmedian", "p": 1, "population": [1, 1, 1, 1, -1]},
            "Demand point e: population is missing or negative.",
        ),
        (
            {"model": "pmedian", "p": 1, "population": [1, 1, 1, 1, float("nan")]},
            "Demand point e: population is missing or negative.",
        ),
        (
            {"model": "pmedian", "p": 1, "population": [0, 0, 0, 0, 0]},
            "The total population must be positive.",
        ),
        (
            {"model": "pmedian", "p": 1, "population": [1, 1]},
            "There are 5 demand points but 2 population values.",
        ),
        (
            {"model": "pmedian", "p": 1, "cost": COST[:, :2]},
            "The cost matrix is 5×2 but there are 5 demand points and 3 sites.",
        ),
        (
            {"model": "pmedian", "p": 1, "cost": np.where(COST == 3, np.nan, COST)},
            "The cost from b to z is missing or negative.",
        ),
        (
            {"model": "pmedian", "p": 1, "demand_ids": ["a", "a", "c", "d", "e"]},
            "The demand point id a appears more than once.",
        ),
        (
            {"model": "pmedian", "p": 1, "candidate_ids": ["x", "y", "x"]},
            "The candidate site id x appears more than once.",
        ),
        (
            {"model": "pmedian", "p": 1, "existing_ids": ["x"], "existing_cost": COST[:, :1]},
            "Site x is both a candidate and an existing site.",
        ),
    ],
)
def test_bad_input(kw: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "demand_ids": IDS,
        "population": POP,
        "candidate_ids": SITES,
        "cost": COST,
    }
    args.update(kw)
    model = args.pop("model")
    with pytest.raises(SitingError) as exc:
        solve(model, **args)  # type: ignore[arg-type]
    assert str(exc.value).startswith(message)


def test_pmedian_is_proven_optimal_against_brute_force() -> None:
    # 40 points, 15 candidates, p = 2: every pair tried by hand; the solver proves the best.
    rng = np.random.default_rng(3)
    cost = rng.uniform(0, 50, (40, 15))
    w = rng.integers(1, 100, 40).astype(float)
    ids = [str(i) for i in range(40)]
    cids = [f"c{j}" for j in range(15)]
    r = solve("pmedian", demand_ids=ids, population=w, candidate_ids=cids, cost=cost, p=2)
    best = min(
        float(w @ np.minimum(cost[:, a], cost[:, b])) for a in range(15) for b in range(a + 1, 15)
    )
    assert r.objective == pytest.approx(best) and r.optimal


# --- against spopt ------------------------------------------------------------------------


def _instance(seed: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    d, c = rng.uniform(0, 100, (n, 2)), rng.uniform(0, 100, (m, 2))
    cost = np.sqrt(((d[:, None, :] - c[None, :, :]) ** 2).sum(-1))
    return rng.integers(1, 101, n).astype(float), cost


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_objectives_as_spopt(seed: int) -> None:
    pulp = pytest.importorskip("pulp")
    locate = pytest.importorskip("spopt.locate")
    n, m = 30 + 10 * seed, 12 + 2 * seed
    w, cost = _instance(seed, n, m)
    ids, cids = [str(i) for i in range(n)], [f"c{j}" for j in range(m)]
    existing = [0, 1]  # the first two candidates already exist: predefined in spopt
    new = list(range(2, m))
    predefined = np.array([1, 1] + [0] * (m - 2))
    radius, p = 25.0, 3
    cbc = pulp.PULP_CBC_CMD(msg=False)

    def ours(model: str, **kw: object) -> siting.SitingResult:
        return solve(
            model,
            demand_ids=ids,
            population=w,
            candidate_ids=[cids[j] for j in new],
            cost=cost[:, new],
            existing_ids=[cids[j] for j in existing],
            existing_cost=cost[:, existing],
            **kw,  # type: ignore[arg-type]
        )

    mclp = locate.MCLP.from_cost_matrix(
        cost, w, radius, p_facilities=p + 2, predefined_facilities_arr=predefined
    ).solve(cbc)
    assert ours("mclp", p=p, radius=radius).objective == pytest.approx(
        pulp.value(mclp.problem.objective)
    )
    pmed = locate.PMedian.from_cost_matrix(
        cost, w, p_facilities=p + 2, predefined_facilities_arr=predefined
    ).solve(cbc)
    assert ours("pmedian", p=p).objective == pytest.approx(pulp.value(pmed.problem.objective))
    # LSCP and p-centre without existing sites: spopt counts predefined sites in the objective
    wide = float(cost.min(axis=1).max()) + 5.0  # every point coverable
    lscp = locate.LSCP.from_cost_matrix(cost, wide).solve(cbc)
    assert solve(
        "lscp", demand_ids=ids, population=w, candidate_ids=cids, cost=cost, radius=wide
    ).objective == pytest.approx(pulp.value(lscp.problem.objective))
    pc = locate.PCenter.from_cost_matrix(cost, p_facilities=p).solve(cbc)
    assert solve(
        "pcenter", demand_ids=ids, population=w, candidate_ids=cids, cost=cost, p=p
    ).objective == pytest.approx(pulp.value(pc.problem.objective))


# --- the pieces of the exact solvers: incumbents and bounds on brute-forceable instances -----


def _small(seed: int, n: int = 25, m: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(100 + seed)
    return rng.integers(1, 50, n).astype(float), rng.uniform(0, 30, (n, m))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("p", [1, 2, 3])
def test_pmedian_incumbent_and_bound_bracket_the_optimum(seed: int, p: int) -> None:
    import itertools

    w, cost = _small(seed)
    # an existing site for half the seeds (its cost caps each point's)
    capf = (
        np.random.default_rng(seed).uniform(5, 40, len(w))
        if seed % 2
        else np.full(len(w), 2 * cost.max() + 1)
    )
    opt = min(
        float(w @ np.minimum(capf, cost[:, list(s)].min(axis=1)))
        for s in itertools.combinations(range(cost.shape[1]), p)
    )
    inc = siting.pmedian_incumbent(w, cost, capf, p)
    assert len(set(inc)) == p
    value = float(w @ np.minimum(capf, cost[:, inc].min(axis=1)))
    assert value >= opt - 1e-9
    bound, flipped, in_top, _found, _value = siting.pmedian_bound(w, cost, capf, p, value)
    assert bound <= opt + 1e-7 * opt
    # the bound with a site forced the other way is a bound on the solutions doing that
    for j in range(cost.shape[1]):
        forced = [
            float(w @ np.minimum(capf, cost[:, list(s)].min(axis=1)))
            for s in itertools.combinations(range(cost.shape[1]), p)
            if (j in s) != bool(in_top[j])
        ]
        if forced:
            assert flipped[j] <= min(forced) + 1e-7 * opt
    r = solve(
        "pmedian",
        demand_ids=[str(i) for i in range(len(w))],
        population=w,
        candidate_ids=[f"c{j}" for j in range(cost.shape[1])],
        cost=cost,
        existing_ids=["old"],
        existing_cost=capf[:, None],
        p=p,
    )
    assert r.objective == pytest.approx(opt) and r.optimal


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("p", [1, 2, 3])
def test_mclp_incumbent_and_bound_bracket_the_optimum(seed: int, p: int) -> None:
    import itertools

    from scipy import sparse

    w, cost = _small(seed)
    cover = sparse.csr_matrix((cost <= 9.0).astype(float))
    best = max(
        float(w[np.asarray(cover[:, list(s)].sum(axis=1)).ravel() > 0].sum())
        for s in itertools.combinations(range(cost.shape[1]), p)
    )
    inc = siting.mclp_incumbent(cover, w, p)
    assert len(set(inc)) == p
    assert siting._mclp_value(cover, w, inc) <= best
    rng = np.random.default_rng(seed)
    for lam in (np.zeros(len(w)), w, rng.uniform(0, 1, len(w)) * w):
        bound, _flipped, _in_top = siting.mclp_bound(cover, w, p, lam)
        assert bound >= best - 1e-9
    r = solve(
        "mclp",
        demand_ids=[str(i) for i in range(len(w))],
        population=w,
        candidate_ids=[f"c{j}" for j in range(cost.shape[1])],
        cost=cost,
        p=p,
        radius=9.0,
    )
    assert r.objective == pytest.approx(best) and r.optimal


@pytest.mark.parametrize("seed", range(4))
def test_pmedian_lagrangian_bound_on_the_near_entries_is_the_whole_matrix_bound(
    seed: int,
) -> None:
    # The subgradient works on each point's few nearest candidates; the bound it reports
    # must be L(u) on the whole matrix at its multipliers, with or without an existing site,
    # with some candidates closed, from a cold or a warm start.
    rng = np.random.default_rng(seed)
    n, m, p = 300, 40, 5
    w, cost = rng.integers(1, 100, n).astype(float), rng.uniform(0, 50, (n, m))
    capf = rng.uniform(5, 30, n) if seed % 2 else np.full(n, 2 * cost.max() + 1)
    free = rng.uniform(size=m) > 0.2 if seed >= 2 else None
    cols = np.arange(m) if free is None else np.flatnonzero(free)
    upper = float(w @ np.minimum(capf, cost[:, cols[:p]].min(axis=1)))
    start = None if seed < 3 else rng.uniform(0, 1, n) * w * capf
    bound, flipped, in_top, found, found_value, u = siting._pmedian_lagrange(
        w, cost, capf, p, upper, iterations=60, start=start, free=free
    )
    assert (u <= w * capf).all()
    rho = np.minimum(w[:, None] * np.minimum(cost[:, cols], capf[:, None]) - u[:, None], 0).sum(0)
    whole = u.sum() + np.minimum(w * capf - u, 0).sum() + np.sort(rho)[:p].sum()
    assert bound == pytest.approx(whole, rel=1e-12)
    assert in_top.sum() == p and rho[in_top].sum() == pytest.approx(np.sort(rho)[:p].sum())
    assert len(flipped) == len(cols)
    if found:
        assert set(found) <= set(cols.tolist())
        assert found_value == pytest.approx(float(w @ np.minimum(capf, cost[:, found].min(axis=1))))


def test_pmedian_when_the_existing_sites_are_nearer_than_every_candidate() -> None:
    # No candidate can lower any point's cost: the relaxation has no entry left at all (it
    # raised IndexError here once); then one point where a candidate helps.
    w, cost = np.array([1.0, 2.0, 3.0]), np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])

    def run(existing: list[float]) -> siting.SitingResult:
        return solve(
            "pmedian",
            demand_ids=["a", "b", "c"],
            population=w,
            candidate_ids=["x", "y"],
            cost=cost,
            existing_ids=["old"],
            existing_cost=np.array(existing)[:, None],
            p=1,
        )

    r = run([0.0, 0.0, 0.0])
    assert (r.objective, r.mean_cost, r.optimal, len(r.sites)) == (0.0, 0.0, True, 1)
    r = run([0.0, 5.0, 0.0])  # b: 5 to the old site, 1 to y
    assert (r.objective, r.sites, r.optimal) == (2.0, ["y"], True)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("p", [2, 3, 4])
def test_pmedian_branch_and_bound_finds_the_brute_force_optimum(seed: int, p: int) -> None:
    # From a poor incumbent (the first p candidates) and a rough bound (few subgradient
    # steps), so that the search must branch; with an existing site for odd seeds.
    import itertools

    w, cost = _small(seed, n=30, m=10)
    capf = (
        np.random.default_rng(seed).uniform(5, 40, len(w))
        if seed % 2
        else np.full(len(w), 2 * cost.max() + 1)
    )

    def value(s: list[int] | tuple[int, ...]) -> float:
        return float(w @ np.minimum(capf, cost[:, list(s)].min(axis=1)))

    opt = min(value(s) for s in itertools.combinations(range(cost.shape[1]), p))
    start = list(range(p))
    bound, _f, _t, _found, _v, u = siting._pmedian_lagrange(
        w, cost, capf, p, value(start), iterations=3
    )
    assert bound <= opt + 1e-7 * opt
    best, val, proven, nodes = siting._pmedian_branch(
        w, cost, capf, p, start, value(start), u, None, node_iterations=5
    )
    assert proven and nodes >= 1
    assert len(set(best)) == p
    assert val == pytest.approx(opt) and value(best) == pytest.approx(opt)


def test_pmedian_branch_and_bound_stops_at_its_deadline() -> None:
    w, cost = _small(0, n=30, m=10)
    capf = np.full(len(w), 2 * cost.max() + 1)
    start = [0, 1, 2]
    v = float(w @ cost[:, start].min(axis=1))
    best, val, proven, nodes = siting._pmedian_branch(
        w, cost, capf, 3, start, v, np.zeros(len(w)), deadline=0.0
    )
    assert (best, val, proven, nodes) == (start, v, False, 0)


def test_pmedian_bench_size_is_proven() -> None:
    # A mid-size instance the Lagrangian bound alone does not close (1,000 × 100, p = 10).
    rng = np.random.default_rng(2)
    d, c = rng.uniform(0, 100, (1000, 2)), rng.uniform(0, 100, (100, 2))
    w = rng.integers(1, 101, 1000).astype(float)
    cost = np.sqrt(((d[:, None, :] - c[None, :, :]) ** 2).sum(-1))
    r = solve(
        "pmedian",
        demand_ids=[str(i) for i in range(1000)],
        population=w,
        candidate_ids=[str(j) for j in range(100)],
        cost=cost,
        p=10,
    )
    assert r.optimal and r.objective == pytest.approx(617171.7067567706, rel=1e-9)
