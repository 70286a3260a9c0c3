"""The forecast: recency weighting, smoothing, context, selection under a budget, and fitting on rolling origins."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from geo.forecast import ForecastModel, context_rate, fit_forecast, quartic_kernel, select_cells
from ingest.taxonomy import GROUPS, context_categories


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


@pytest.mark.parametrize("seed", range(5))
def test_selection_matches_a_full_sort(seed: int) -> None:
    # only the cells that can make the cut are sorted: the answer must equal sorting everything
    rng = np.random.default_rng(seed)
    for _ in range(300):
        n = int(rng.integers(1, 80))
        score_ = rng.integers(0, 5, n).astype(float)
        area = rng.uniform(0.9, 1.1, n)
        history = rng.integers(0, 3, n)
        full = np.lexsort((np.arange(n), -history, -score_))
        budget = float(rng.uniform(0, n * 1.2))
        within = full[: int(np.searchsorted(np.cumsum(area[full]), budget * (1 + 1e-9), side="right"))]
        assert select_cells(score_, area, budget_km2=budget, tiebreak=history).tolist() == within.tolist()
        k = int(rng.integers(0, n + 2))
        assert select_cells(score_, area, n=k, tiebreak=history).tolist() == full[:k].tolist()


def test_context_is_rescaled_to_the_incidents_total_and_blended() -> None:
    own = np.array([4.0, 0.0, 0.0, 0.0])
    other = np.array([10.0, 30.0, 0.0, 0.0])
    assert context_rate(own, other).tolist() == [1.0, 3.0, 0.0, 0.0]  # same total as own, spread like other
    assert context_rate(own, np.zeros(4)).tolist() == [0.0] * 4
    kernels = {bw: sp.identity(4, format="csr") for bw in (250.0, 400.0, 600.0)}
    counts, context = own[:, None] * np.ones((1, 3)), other[:, None] * np.ones((1, 3))
    model = ForecastModel(half_life=3, own_weight=1, context_weight=0.25)
    assert model.monthly_rate(counts, kernels, context).tolist() == pytest.approx([3.25, 0.75, 0.0, 0.0])
    assert model.monthly_rate(counts, kernels).tolist() == [4.0, 0.0, 0.0, 0.0]  # no context given: none used
    assert "25% from the other crime" in model.describe()


def test_fitting_leans_on_context_only_where_it_would_have_helped() -> None:
    # incidents are sparse and land each month in cells where other crime is dense: the context anticipates them
    rng = np.random.default_rng(11)
    cells, months = 200, 12
    busy = rng.random(cells) < 0.1
    context = rng.poisson(np.where(busy, 20.0, 0.2)[:, None], (cells, months)).astype(float)
    counts = np.zeros((cells, months))
    for t in range(months):
        counts[rng.choice(np.flatnonzero(busy), 4, replace=False), t] += 1
    kernels = {bw: sp.identity(cells, format="csr") for bw in (250.0, 400.0, 600.0)}
    area = np.ones(cells)
    assert fit_forecast(counts, kernels, area, 0.1, context=context).context_weight > 0
    # context that says nothing about where incidents land is left out
    stable = np.zeros((cells, months))
    stable[:10] = 3
    noise = rng.poisson(5.0, (cells, months)).astype(float)
    assert fit_forecast(stable, kernels, area, 0.05, context=noise).context_weight == 0
    assert fit_forecast(counts, kernels, area, 0.1).context_weight == 0  # nothing to lean on


def test_context_is_the_crime_types_the_filter_leaves_out() -> None:
    asb = tuple(GROUPS["asb"])
    assert context_categories(asb) == GROUPS["crime"]
    assert context_categories(()) == ()  # every category already
    assert context_categories(tuple(GROUPS["crime"])) == ()
    one_crime = GROUPS["crime"][0]
    assert one_crime not in context_categories((*asb, one_crime))


def test_fitting_keeps_the_training_window_counts_when_nothing_beats_them() -> None:
    counts = np.repeat(np.arange(21, dtype=float)[:, None], 12, axis=1)  # the same counts every month
    model = fit_forecast(counts, _line_kernels(21), np.ones(21), coverage=5 / 21)
    assert model == ForecastModel(float("inf"), 1.0, 250.0, 0.0)
    assert "every month weighed the same" in model.describe() and "100% the cell's own rate" in model.describe()


def test_the_last_three_months_are_a_candidate_when_hot_spots_move() -> None:
    counts = np.zeros((21, 12))
    counts[0:5, :9] = 10  # old hot spots, quiet from the 10th month
    counts[15:20, 9:] = 10  # new ones since
    model = fit_forecast(counts, _line_kernels(21), np.ones(21), coverage=5 / 21, holdout=1)
    assert model.window == 3 and "the last 3 months only" in model.describe()
    chosen = select_cells(model.monthly_rate(counts, _line_kernels(21)), np.ones(21), n=5)
    assert set(chosen.tolist()) == set(range(15, 20))


# models fitted by the per-candidate fit (each candidate's rates and selection computed one at a time): the batched
# fit must choose the same on the same data
REFERENCE_FITS = [
    (0, 0.05, ForecastModel(3.0, 0.25, 400.0, 0.75)),
    (0, 0.1, ForecastModel(float("inf"), 0.5, 600.0, 0.75)),
    (1, 0.05, ForecastModel(3.0, 1.0, 250.0, 0.5)),
    (1, 0.1, ForecastModel(12.0, 1.0, 250.0, 0.5)),
    (2, 0.1, ForecastModel(float("inf"), 1.0, 250.0, 0.0)),
    (3, 0.05, ForecastModel(float("inf"), 1.0, 250.0, 0.75, window=3)),
    (3, 0.1, ForecastModel(12.0, 0.25, 400.0, 0.25)),
    (4, 0.1, ForecastModel(6.0, 0.0, 400.0, 0.75)),
    (5, 0.05, ForecastModel(float("inf"), 0.75, 600.0, 0.0)),
]


@pytest.mark.parametrize(("seed", "coverage", "expected"), REFERENCE_FITS)
def test_fitted_models_match_the_reference(seed: int, coverage: float, expected: ForecastModel) -> None:
    rng = np.random.default_rng(seed)
    cells, months = 120, 15
    base = rng.gamma(0.3, 2.0, cells)
    counts = rng.poisson(base[:, None] * np.linspace(0.5, 1.5, months)[None, :]).astype(float)
    context = rng.poisson(3 * base[:, None] + 0.5, (cells, months)).astype(float)
    area = rng.uniform(0.09, 0.11, cells)
    assert fit_forecast(counts, _line_kernels(cells), area, coverage, context=context) == expected
