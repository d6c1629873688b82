"""With equal weights, our measures equal PySAL's ``inequality`` (a test oracle, installed
as a dev dependency only) to 1e-9 on seeded random instances; all-ones weights give the
unweighted figures. PySAL's Gini wants 1-D input (a 2-D one silently gives a wrong value),
and its TheilD counts every region once (group size n_g/n), as our unweighted version does."""

from __future__ import annotations

import numpy as np
import pytest

from minsheng.insights import inequality as ineq

pysal_gini = pytest.importorskip("inequality.gini")
pysal_theil = pytest.importorskip("inequality.theil")
pysal_atkinson = pytest.importorskip("inequality.atkinson")

SEEDS = range(12)


def instance(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 400))
    kind = seed % 3
    if kind == 0:
        y = rng.lognormal(0.0, 1.0, size=n)
    elif kind == 1:
        y = rng.uniform(0.01, 100.0, size=n)
    else:
        y = rng.pareto(2.0, size=n) + 0.1
    partition = rng.integers(0, 1 + seed % 4 + 1, size=n)
    return y, partition


@pytest.mark.parametrize("seed", SEEDS)
def test_gini_equals_pysal(seed):
    y, _ = instance(seed)
    expected = pysal_gini.Gini(y).g
    assert ineq.gini(y) == pytest.approx(expected, abs=1e-9)
    assert ineq.gini(y, np.ones_like(y)) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_theil_t_equals_pysal(seed):
    y, _ = instance(seed)
    expected = float(np.squeeze(pysal_theil.Theil(y).T))
    assert ineq.theil_t(y) == pytest.approx(expected, abs=1e-9)
    assert ineq.theil_t(y, np.full(y.size, 3.0)) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_theil_decomposition_equals_pysal_theild(seed):
    y, partition = instance(seed)
    d = pysal_theil.TheilD(y, partition)
    ours = ineq.theil_t_decomposed(y, list(partition))
    assert ours.total == pytest.approx(float(np.squeeze(d.T)), abs=1e-9)
    assert ours.between == pytest.approx(float(np.squeeze(d.bg)), abs=1e-9)
    assert ours.within == pytest.approx(float(np.squeeze(d.wg)), abs=1e-9)
    ones = ineq.theil_t_decomposed(y, list(partition), np.ones_like(y))
    assert ones.between == pytest.approx(float(np.squeeze(d.bg)), abs=1e-9)
    assert ones.within == pytest.approx(float(np.squeeze(d.wg)), abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("epsilon", [0.0, 0.5, 1.0, 2.0, 3.5])
def test_atkinson_equals_pysal(seed, epsilon):
    y, _ = instance(seed)
    expected = float(np.squeeze(pysal_atkinson.Atkinson(y, epsilon).A))
    assert ineq.atkinson(y, epsilon) == pytest.approx(expected, abs=1e-9)
    assert ineq.atkinson(y, epsilon, np.ones_like(y)) == pytest.approx(expected, abs=1e-9)
