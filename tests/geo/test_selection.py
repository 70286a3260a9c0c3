"""Selection of many score vectors at once: the same cells, in the same order, as select_cells picks for each."""

from __future__ import annotations

import numpy as np
import pytest

from geo.forecast import select_cells
from geo.selection import budget_pool_size, select_blends, select_rows


def _one_by_one(scores: np.ndarray, area: np.ndarray, budget: float, tiebreak: np.ndarray) -> list[list[int]]:
    return [select_cells(row, area, budget_km2=budget, tiebreak=tiebreak).tolist() for row in scores]


@pytest.mark.parametrize("seed", range(4))
def test_rows_match_select_cells(seed: int) -> None:
    # integer scores make ties; many zeros make rows with fewer positive scores than the budget takes
    rng = np.random.default_rng(seed)
    for _ in range(100):
        n = int(rng.integers(1, 60))
        scores = rng.integers(0, 4, (int(rng.integers(1, 8)), n)) * (rng.random((1, n)) < rng.random())
        area = rng.uniform(0.9, 1.1, n)
        tiebreak = rng.integers(0, 3, n).astype(float)
        budget = float(rng.uniform(0, n * 1.2))
        got = [c.tolist() for c in select_rows(scores.astype(float), area, budget, tiebreak)]
        assert got == _one_by_one(scores.astype(float), area, budget, tiebreak)


def test_rows_given_some_columns_score_the_others_zero() -> None:
    rng = np.random.default_rng(7)
    n = 50
    cells = np.sort(rng.choice(n, 30, replace=False))
    block = rng.integers(0, 5, (6, 30)).astype(float)
    full = np.zeros((6, n))
    full[:, cells] = block
    area, tiebreak = rng.uniform(0.9, 1.1, n), rng.integers(0, 3, n).astype(float)
    for budget in (0.5, 3.0, 12.0, 40.0, 80.0):
        got = [c.tolist() for c in select_rows(block, area, budget, tiebreak, cells)]
        assert got == _one_by_one(full, area, budget, tiebreak)


@pytest.mark.parametrize("seed", range(4))
def test_blends_match_select_cells(seed: int) -> None:
    # scores are convex blends of sparse components, as the forecast's candidates are
    rng = np.random.default_rng(seed)
    for _ in range(60):
        n = int(rng.integers(2, 300))
        components = rng.integers(0, 6, (3, n)) * (rng.random((3, n)) < rng.uniform(0.01, 0.6, (3, 1)))
        components = components.astype(float) / rng.integers(1, 4)
        weights = rng.dirichlet(np.ones(3), int(rng.integers(1, 12))) * rng.choice([1.0, 0.5], (1, 1))
        weights[rng.random(weights.shape) < 0.3] = 0.0

        def rates(
            cells: np.ndarray, rows: np.ndarray, w: np.ndarray = weights, c: np.ndarray = components
        ) -> np.ndarray:
            parts = [w[rows, j][:, None] * c[j, cells][None, :] for j in range(3)]  # elementwise: same value per cell
            return (parts[0] + parts[1]) + parts[2]

        area = rng.uniform(0.9, 1.1, n)
        tiebreak = rng.integers(0, 3, n).astype(float)
        budget = float(rng.uniform(0, n * 0.3))
        scores = rates(np.arange(n), np.arange(len(weights)))
        got = [c.tolist() for c in select_blends(components, rates, len(weights), area, budget, tiebreak, 64)]
        assert got == _one_by_one(scores, area, budget, tiebreak)


def test_pool_size_is_one_more_than_fit_in_the_budget_at_the_smallest_cell() -> None:
    area = np.array([0.1, 0.2, 0.1])
    assert budget_pool_size(area, 0.25) == 4
    assert budget_pool_size(area, 0.15) == 3
    assert budget_pool_size(np.array([]), 1.0) == 0
