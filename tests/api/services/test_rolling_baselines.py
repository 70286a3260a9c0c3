"""The simple baselines and the one a rolling validation on the training months picks."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from api.services.rolling_baselines import BASELINES, baseline_scores, plan_cells, validated_baseline


def test_baseline_scores_by_hand() -> None:
    train = np.array([[1, 0, 0, 0, 2], [0, 3, 3, 0, 0], [0, 0, 0, 1, 0]], dtype=float)
    kernel = sp.csr_matrix(np.array([[0.5, 0.5, 0], [0.5, 0.5, 0], [0, 0, 1.0]]))
    scores = baseline_scores(train, kernel)
    assert list(scores) == list(BASELINES)
    assert scores["training_window"].tolist() == [3, 6, 1]
    assert scores["last_3_months"].tolist() == [2, 3, 1]
    assert scores["previous_month"].tolist() == [2, 0, 0]
    assert scores["kde"].tolist() == [4.5, 4.5, 1]


def test_plan_sizes_are_cells_or_a_share_of_the_area() -> None:
    score = np.array([5.0, 4.0, 3.0, 2.0])
    area = np.array([1.0, 1.0, 1.0, 1.0])
    assert plan_cells(score, area, 3, np.zeros(4)).tolist() == [0, 1, 2]
    assert plan_cells(score, area, 0.5, np.zeros(4)).tolist() == [0, 1]


def test_validation_picks_the_recent_counts_when_hot_spots_move() -> None:
    # each month's incidents sit in cells that were quiet before: only the recent months point at them
    train = np.zeros((40, 10))
    for t in range(10):
        train[4 * (t // 2) : 4 * (t // 2) + 4, t] = 5
    picked = validated_baseline(train, sp.identity(40, format="csr"), np.ones(40), 4, horizon=1)
    assert picked in ("last_3_months", "previous_month")


def test_validation_keeps_the_training_window_without_history() -> None:
    train = np.ones((10, 3))
    assert validated_baseline(train, sp.identity(10, format="csr"), np.ones(10), 2, horizon=1) == "training_window"


def test_the_validated_pick_takes_away_the_optimism_of_the_best_after_the_fact() -> None:
    # stationary counts: no baseline beats the training window but by luck, yet the best of four after the fact
    # does so in most cases; the pick made on the training months alone does not
    rng = np.random.default_rng(7)
    kde = sp.identity(300, format="csr")
    after, validated = [], []
    for _ in range(60):
        counts = rng.poisson(rng.gamma(0.6, 0.5, 300)[:, None], (300, 10)).astype(float)
        train, test = counts[:, :9], counts[:, 9]
        hits = {
            name: float(test[plan_cells(score, np.ones(300), 10, train.sum(axis=1))].sum())
            for name, score in baseline_scores(train, kde).items()
        }
        pick = validated_baseline(train, kde, np.ones(300), 10, horizon=1)
        after.append(hits["training_window"] / max(hits.values()))
        validated.append(hits["training_window"] / hits[pick])
    assert np.mean(after) < 0.97 and np.mean(validated) >= 0.99
