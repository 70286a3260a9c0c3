"""Expected ASB per cell for the coming period, fitted per area, and patrol selection under an area budget."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

HALF_LIVES = (3.0, 6.0, 12.0, float("inf"))  # inf: every month weighs the same
OWN_WEIGHTS = (1.0, 0.75, 0.5, 0.25, 0.0)
BANDWIDTHS_M = (250.0, 400.0, 600.0)
FOLDS = 3


def quartic_kernel(distances_m: sp.csr_matrix, bandwidth_m: float, normalise: bool = False) -> sp.csr_matrix:
    """Quartic (biweight) kernel weights from centre-to-centre distances (self stored as ~0); rows sum to 1 when
    normalised."""
    k = distances_m.copy().tocsr()
    u = k.data / bandwidth_m
    k.data = np.where(u < 1, (1 - u**2) ** 2, 0.0)
    k.eliminate_zeros()
    if normalise:
        sums = np.asarray(k.sum(axis=1)).ravel()
        k = sp.diags(np.where(sums > 0, 1 / np.where(sums > 0, sums, 1), 0)) @ k
    return k.tocsr()


@dataclass(frozen=True)
class ForecastModel:
    """Expected incidents per month in each cell: a recency-weighted rate (each month weighs half as much as one
    `half_life` months later), blended with the same rate kernel-smoothed over `bandwidth_m` (quartic kernel):
    own_weight * own + (1 - own_weight) * smoothed. Smoothing helps where police.uk snapping and sparse counts put
    incidents in the cell next door; fitting chooses the blend each area's own history supports."""

    half_life: float = 6.0
    own_weight: float = 0.75
    bandwidth_m: float = 400.0

    def recency_rate(self, counts: np.ndarray) -> np.ndarray:
        """Recency-weighted mean monthly count per cell (counts: cells x months, oldest first)."""
        counts = np.asarray(counts, dtype=np.float64)
        if counts.shape[1] == 0:
            return np.zeros(counts.shape[0])
        weights = 0.5 ** (np.arange(counts.shape[1])[::-1] / self.half_life)
        return np.asarray(counts @ weights / weights.sum())

    def monthly_rate(self, counts: np.ndarray, kernels: dict[float, sp.csr_matrix]) -> np.ndarray:
        """Expected incidents per month per cell; kernels: row-normalised quartic kernels by bandwidth."""
        rate = self.recency_rate(counts)
        if self.own_weight >= 1:
            return rate
        smoothed = kernels[self.bandwidth_m] @ rate
        return np.asarray(self.own_weight * rate + (1 - self.own_weight) * smoothed)

    def describe(self) -> str:
        """The fitted model in words."""
        recency = "every month weighed the same" if np.isinf(self.half_life) else f"half-life {self.half_life:g} months"
        return (
            f"monthly rate ({recency}), {self.own_weight:.0%} the cell's "
            f"own rate and {1 - self.own_weight:.0%} the rate smoothed with a {self.bandwidth_m:g} m quartic kernel"
        )


def select_cells(
    score: np.ndarray,
    area_km2: np.ndarray,
    budget_km2: float | None = None,
    n: int | None = None,
    tiebreak: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of the highest-scoring cells, best first, until n cells or the area budget is used."""
    secondary = -(tiebreak if tiebreak is not None else np.zeros(len(score)))
    order = np.lexsort((np.arange(len(score)), secondary, -score))
    if n is not None:
        return order[: max(n, 0)]
    if budget_km2 is None:
        raise ValueError("give a number of cells or an area budget")
    used = np.cumsum(area_km2[order])
    return order[: int(np.searchsorted(used, budget_km2 * (1 + 1e-9), side="right"))]


def fit_forecast(
    counts: np.ndarray, kernels: dict[float, sp.csr_matrix], area_km2: np.ndarray, coverage: float, holdout: int = 3
) -> ForecastModel:
    """The model (from a small grid) whose selection would have captured most of the last `holdout` months of
    counts from the months before them, at this coverage of the area; the default when there is too little history."""
    months = counts.shape[1]
    holdout = min(holdout, months // 3)
    if holdout < 1:
        return ForecastModel()
    # rolling origins: predict each of the last `FOLDS` windows of `holdout` months from the months before it
    folds = [
        (counts[:, : end - holdout], counts[:, end - holdout : end].sum(axis=1))
        for end in range(months, max(months - FOLDS, 2 * holdout) - 1, -1)
    ]
    folds = [(past, recent) for past, recent in folds if recent.sum() > 0]
    if not folds:
        return ForecastModel()
    budget = coverage * float(area_km2.sum())
    best, best_hits = ForecastModel(), -1.0
    for half_life, own, bandwidth in itertools.product(HALF_LIVES, OWN_WEIGHTS, BANDWIDTHS_M):
        if own >= 1 and bandwidth != BANDWIDTHS_M[0]:
            continue  # bandwidth is irrelevant without smoothing
        model = ForecastModel(half_life, own, bandwidth)
        hits = 0.0
        for past, recent in folds:
            score = model.monthly_rate(past, kernels)
            chosen = select_cells(score, area_km2, budget_km2=budget, tiebreak=past.sum(axis=1))
            hits += float(recent[chosen].sum()) / float(recent.sum())
        if hits > best_hits + 1e-9:
            best, best_hits = model, hits
    return best
