"""Predictive Efficiency Index (Hunt 2016): what a selection captured over the most any selection of the same area
could have captured."""

from __future__ import annotations

import numpy as np

from geo.forecast import select_cells


def best_capture(
    test: np.ndarray, area_km2: np.ndarray, cells: int | None = None, budget_km2: float | None = None
) -> float:
    """The most test incidents any `cells` cells (or cells within `budget_km2`) hold: the busiest cells of the test
    itself, taken in order (for equal cells, as H3 cells of one resolution nearly are, no pick does better)."""
    test = np.asarray(test, dtype=np.float64)
    chosen = select_cells(test, area_km2, budget_km2=budget_km2, n=cells)
    return float(test[chosen].sum())


def pei(captured: float, best: float) -> float:
    """Captured over the best possible capture (0 when the test held nothing to capture)."""
    return captured / best if best > 0 else 0.0
