"""Hit rate, PAI and RRI on hand-worked cases; selection under a budget; the fitted forecast."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from geo.evaluate import evaluate, methods, score
from geo.forecast import ForecastModel, fit_forecast, quartic_kernel, select_cells


def test_scores_by_hand() -> None:
    area = np.ones(10)
    train = np.array([5, 5, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    test = np.array([3, 1, 1, 0, 0, 0, 0, 0, 0, 5], dtype=float)
    s = score(np.array([0, 1]), area, train, test)
    assert s.hit_rate == pytest.approx(0.4)  # 4 of 10 test incidents
    assert s.area_share == pytest.approx(0.2)
    assert s.pai == pytest.approx(2.0)
    assert s.rri == pytest.approx((4 / 10) / (10 / 10))


def test_selection_respects_the_budget_and_breaks_ties_by_history() -> None:
    score_ = np.array([1.0, 3.0, 3.0, 0.0, 2.0])
    area = np.array([0.1, 0.1, 0.1, 0.1, 0.1])
    history = np.array([0, 1, 9, 0, 0])
    assert select_cells(score_, area, n=3, tiebreak=history).tolist() == [2, 1, 4]
    assert select_cells(score_, area, budget_km2=0.25, tiebreak=history).tolist() == [2, 1]


def _line_kernels(n: int) -> dict[float, sp.csr_matrix]:
    """Cells on a line 100 m apart."""
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    d = np.abs(i - j) * 100.0
    d[d == 0] = 1e-9
    d[d > 600] = 0
    distances = sp.csr_matrix(d)
    return {bw: quartic_kernel(distances, bw, normalise=True) for bw in (250.0, 400.0, 600.0)}


def test_recency_weighting_and_smoothing() -> None:
    counts = np.array([[0, 0, 0, 8.0], [8.0, 0, 0, 0]])
    rate = ForecastModel(half_life=1, own_weight=1).recency_rate(counts)
    assert rate[0] > rate[1] and rate[0] == pytest.approx(8 / (1 + 0.5 + 0.25 + 0.125))
    kernels = _line_kernels(5)
    spiky = np.zeros((5, 6))
    spiky[2] = 6
    smoothed = ForecastModel(own_weight=0.5, bandwidth_m=400).monthly_rate(spiky, kernels)
    assert smoothed[2] > smoothed[1] > 0 and smoothed[1] == pytest.approx(smoothed[3])


def test_fitting_prefers_the_model_that_would_have_worked() -> None:
    # incidents move each month to a random neighbour of cell 10: only smoothing anticipates where they land
    rng = np.random.default_rng(4)
    counts = np.zeros((21, 12))
    for t in range(12):
        counts[10 + rng.integers(-2, 3), t] += 10
    model = fit_forecast(counts, _line_kernels(21), np.ones(21), coverage=5 / 21)
    assert model.own_weight < 1


def test_aim_beats_random_and_matches_baselines_on_a_stable_pattern() -> None:
    rng = np.random.default_rng(9)
    rates = rng.gamma(0.3, 2.0, 400)
    counts = rng.poisson(rates[:, None], (400, 12)).astype(float)
    kernels = {bw: sp.identity(400, format="csr") for bw in (250.0, 400.0, 600.0)}
    train, test = counts[:, :9], counts[:, 9:]
    model = fit_forecast(train, kernels, np.ones(400), 0.05, holdout=3)
    scores = evaluate(train, test, np.ones(400), 0.05, methods(model, kernels, sp.identity(400, format="csr"), 3))
    assert scores["aim"].pai > 3 * scores["random"].pai
    assert scores["aim"].hit_rate >= scores["previous_period"].hit_rate
