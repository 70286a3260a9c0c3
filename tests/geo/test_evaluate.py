"""Hit rate, PAI and RRI on hand-worked cases; AIM against the baselines on a stable pattern."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from geo.evaluate import evaluate, methods, score
from geo.forecast import fit_forecast


def test_scores_by_hand() -> None:
    area = np.ones(10)
    train = np.array([5, 5, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    test = np.array([3, 1, 1, 0, 0, 0, 0, 0, 0, 5], dtype=float)
    s = score(np.array([0, 1]), area, train, test)
    assert s.hit_rate == pytest.approx(0.4)  # 4 of 10 test incidents
    assert s.area_share == pytest.approx(0.2)
    assert s.pai == pytest.approx(2.0)
    assert s.rri == pytest.approx((4 / 10) / (10 / 10))


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
