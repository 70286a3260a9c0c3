"""A stacked forecast: simple rates per cell (long, recent and last-month counts, kernel-smoothed counts, a
near-repeat surface and the other crime recorded) blended with non-negative weights fitted on rolling validation."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from geo.forecast import context_rate, recency_rate

FOLDS = 3  # validation windows, each ending a month later than the one before, the last at the latest month
MIN_PAST = 3  # months of history a validation window needs before it
ITERATIONS = 300
NEAR_REPEAT_HALF_LIFE = 1.0  # months: the near-repeat surface halves each month
COMPONENTS = (
    "training window",
    "last 3 months",
    "last month",
    "smoothed 250 m",
    "smoothed 600 m",
    "near repeat",
    "other crime",
)


def components(counts: np.ndarray, kernels: dict[float, sp.csr_matrix], context: np.ndarray | None) -> np.ndarray:
    """The candidate rates per cell (COMPONENTS x cells), each a mean monthly count over the months given."""
    window = recency_rate(counts, float("inf"))
    near = kernels[250.0] @ recency_rate(counts, NEAR_REPEAT_HALF_LIFE)
    other = context_rate(window, recency_rate(context, float("inf"))) if context is not None else np.zeros_like(window)
    return np.vstack(
        [
            window,
            recency_rate(counts, float("inf"), 3),
            recency_rate(counts, float("inf"), 1),
            kernels[250.0] @ window,
            kernels[600.0] @ window,
            near,
            other,
        ]
    )


def poisson_weights(x: np.ndarray, y: np.ndarray, iterations: int = ITERATIONS) -> np.ndarray:
    """Non-negative weights w maximising the Poisson likelihood of y (cells) given means x.T @ w (x: components x
    cells, not negative), by the EM (multiplicative) updates of an identity-link Poisson mixture."""
    used = x.sum(axis=0) > 0
    x, y = x[:, used], y[used]
    k = x.shape[0]
    totals = x.sum(axis=1)
    w = np.where(totals > 0, 1.0 / k, 0.0)
    for _ in range(iterations):
        mu = w @ x
        w = w * np.where(totals > 0, (x @ (y / np.maximum(mu, 1e-300))) / np.where(totals > 0, totals, 1), 0.0)
    return np.asarray(w)


def fit_stack(
    counts: np.ndarray, kernels: dict[float, sp.csr_matrix], context: np.ndarray | None, horizon: int = 1
) -> np.ndarray:
    """Component weights fitted on the last FOLDS windows of `horizon` months, each predicted from the months
    before it (all windows' cells stacked); the training window's counts alone when no window fits."""
    months = counts.shape[1]
    xs, ys = [], []
    for end in range(months, months - FOLDS, -1):
        if end - horizon < MIN_PAST:
            break
        past = slice(0, end - horizon)
        xs.append(components(counts[:, past], kernels, None if context is None else context[:, past]))
        ys.append(counts[:, end - horizon : end].sum(axis=1) / horizon)
    if not xs or float(np.sum([y.sum() for y in ys])) <= 0:
        return np.eye(len(COMPONENTS))[0]
    return poisson_weights(np.hstack(xs), np.concatenate(ys))


def stacked_rate(
    counts: np.ndarray, kernels: dict[float, sp.csr_matrix], context: np.ndarray | None, horizon: int = 1
) -> np.ndarray:
    """Expected incidents per month per cell: the fitted blend of the components over every month given."""
    return np.asarray(fit_stack(counts, kernels, context, horizon) @ components(counts, kernels, context))
