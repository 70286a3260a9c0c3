"""PEI: what a selection captured over the most any selection of the same area could have."""

from __future__ import annotations

import numpy as np
import pytest

from geo.pei import best_capture, pei


def test_best_capture_takes_the_test_months_own_busiest_cells() -> None:
    test = np.array([5.0, 3.0, 0.0, 2.0, 4.0])
    area = np.full(5, 0.1)
    assert best_capture(test, area, cells=2) == 9.0  # cells 0 and 4
    assert best_capture(test, area, budget_km2=0.3) == 12.0  # three cells fit in 0.3 km2
    assert best_capture(test, area, cells=9) == 14.0


def test_pei_by_hand() -> None:
    test = np.array([5.0, 3.0, 0.0, 2.0, 4.0])
    chosen = np.array([1, 3])  # a plan that captured 5 of the 9 the best two cells held
    assert pei(float(test[chosen].sum()), best_capture(test, np.full(5, 0.1), cells=2)) == pytest.approx(5 / 9)
    assert pei(3.0, 0.0) == 0.0


def test_a_plan_of_the_test_months_busiest_cells_scores_one_and_no_plan_more() -> None:
    rng = np.random.default_rng(1)
    test = rng.poisson(1.5, 200).astype(float)
    area = np.full(200, 0.7)
    best = best_capture(test, area, cells=20)
    assert pei(float(np.sort(test)[-20:].sum()), best) == pytest.approx(1.0)
    for _ in range(50):
        assert pei(float(test[rng.choice(200, 20, replace=False)].sum()), best) <= 1.0
