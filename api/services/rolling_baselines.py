"""The simple baselines a patrol plan must beat, and the one a rolling validation on the training months picks
(the best chosen after the fact flatters the baselines: the pick here sees no test month)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from geo.forecast import select_cells

BASELINES = ("training_window", "last_3_months", "previous_month", "kde")
VALIDATION_FOLDS = 3  # validation windows, each ending a month later than the one before, the last at the origin
MIN_PAST = 3  # months of history a validation window needs before it


def baseline_scores(train: np.ndarray, kde: sp.csr_matrix) -> dict[str, np.ndarray]:
    """Each baseline's cell scores from training counts (cells x months, oldest first): counts over the whole
    training window, over its last 3 months, over its last month, and a quartic kernel density of every training
    incident."""
    total = train.sum(axis=1)
    return {
        "training_window": total,
        "last_3_months": train[:, -3:].sum(axis=1),
        "previous_month": train[:, -1],
        "kde": np.asarray(kde @ total),
    }


def plan_cells(score: np.ndarray, area_km2: np.ndarray, size: int | float, tiebreak: np.ndarray) -> np.ndarray:
    """The cells a plan of this size takes by score: an int is a number of cells, a float a share of the area."""
    if isinstance(size, int):
        return select_cells(score, area_km2, n=size, tiebreak=tiebreak)
    return select_cells(score, area_km2, budget_km2=size * float(area_km2.sum()), tiebreak=tiebreak)


def validated_baseline(
    train: np.ndarray, kde: sp.csr_matrix, area_km2: np.ndarray, size: int | float, horizon: int
) -> str:
    """The baseline that captured most of the last VALIDATION_FOLDS windows of `horizon` training months from the
    months before each (shares summed over windows; the training-window counts when no window fits or on ties)."""
    captured = dict.fromkeys(BASELINES, 0.0)
    months = train.shape[1]
    for end in range(months, months - VALIDATION_FOLDS, -1):
        if end - horizon < MIN_PAST:
            break
        past, recent = train[:, : end - horizon], train[:, end - horizon : end].sum(axis=1)
        total = float(recent.sum())
        if total <= 0:
            continue
        tiebreak = past.sum(axis=1)
        for name, score in baseline_scores(past, kde).items():
            captured[name] += float(recent[plan_cells(score, area_km2, size, tiebreak)].sum()) / total
    best = BASELINES[0]
    for name in BASELINES:
        if captured[name] > captured[best] + 1e-12:
            best = name
    return best
