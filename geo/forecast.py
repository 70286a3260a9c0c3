"""Expected incidents per cell for the coming period, fitted per area, and patrol selection under an area budget."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from geo.selection import budget_pool_size, select_blends

HALF_LIVES = (3.0, 6.0, 12.0, float("inf"))  # inf: every month weighs the same
RECENT_WINDOW = 3  # a candidate that counts the last 3 months alone (the last-3-months baseline)
# how the months are weighed: (half-life, window); window counts only the last months, equally
RECENCY = tuple((h, None) for h in HALF_LIVES) + ((float("inf"), RECENT_WINDOW),)
OWN_WEIGHTS = (1.0, 0.75, 0.5, 0.25, 0.0)
BANDWIDTHS_M = (250.0, 400.0, 600.0)
CONTEXT_WEIGHTS = (0.0, 0.1, 0.25, 0.5, 0.75)
FOLDS = 3
SIMPLEST = "training window"  # the model a fit keeps unless another beats it by more than MARGIN in validation
MARGIN = 0.0  # relative gain in captured incidents a candidate needs over the training-window counts


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


def recency_weights(months: int, half_life: float, window: int | None = None) -> np.ndarray:
    """Weights of `months` monthly columns, oldest first: each month weighs half as much as one `half_life` later;
    with a window, only the last `window` months count."""
    weights = np.asarray(0.5 ** (np.arange(months)[::-1] / half_life))
    if window is not None:
        weights[: max(months - window, 0)] = 0.0
    return weights


def recency_rate(counts: np.ndarray, half_life: float, window: int | None = None) -> np.ndarray:
    """Recency-weighted mean monthly count per cell (counts: cells x months, oldest first)."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.shape[1] == 0:
        return np.zeros(counts.shape[0])
    weights = recency_weights(counts.shape[1], half_life, window)
    return np.asarray(counts @ weights / weights.sum())


def context_rate(own_rate: np.ndarray, context_rate_: np.ndarray) -> np.ndarray:
    """The context's rate per cell rescaled so that it sums to the same total as own_rate: the incidents each cell
    would expect if they were spread like the context."""
    total = float(context_rate_.sum())
    return context_rate_ * (float(own_rate.sum()) / total) if total > 0 else np.zeros_like(own_rate)


@dataclass(frozen=True)
class ForecastModel:
    """Expected incidents per month in each cell. A recency-weighted rate (each month weighs half as much as one
    `half_life` months later) blended with the same rate kernel-smoothed over `bandwidth_m` (quartic kernel):
    own_weight * own + (1 - own_weight) * smoothed. That is then blended with context: the other recorded crime in
    each cell (same months, same recency weighting), scaled to the same total, with `context_weight`. Smoothing helps
    where police.uk snapping and sparse counts put incidents in the cell next door; context helps where the area's
    own counts are too sparse to rank cells (ASB and other crime gather at the same streets and centres). Fitting
    chooses the blend each area's own history supports."""

    half_life: float = 6.0
    own_weight: float = 0.75
    bandwidth_m: float = 400.0
    context_weight: float = 0.0
    window: int | None = None  # only the last `window` months count (None: every month, by half-life)

    def recency_rate(self, counts: np.ndarray) -> np.ndarray:
        """Recency-weighted mean monthly count per cell (counts: cells x months, oldest first)."""
        return recency_rate(counts, self.half_life, self.window)

    def monthly_rate(
        self, counts: np.ndarray, kernels: dict[float, sp.csr_matrix], context: np.ndarray | None = None
    ) -> np.ndarray:
        """Expected incidents per month per cell; kernels: row-normalised quartic kernels by bandwidth; context:
        other recorded crime per cell and month over the same months (cells x months), if any."""
        own = self.recency_rate(counts)
        rate = own
        if self.own_weight < 1:
            rate = self.own_weight * own + (1 - self.own_weight) * (kernels[self.bandwidth_m] @ own)
        if self.context_weight > 0 and context is not None:
            extra = context_rate(own, self.recency_rate(context))
            rate = (1 - self.context_weight) * rate + self.context_weight * extra
        return np.asarray(rate)

    def describe(self) -> str:
        """The fitted model in words."""
        recency = "every month weighed the same" if np.isinf(self.half_life) else f"half-life {self.half_life:g} months"
        if self.window is not None:
            recency = f"the last {self.window} months only"
        text = (
            f"monthly rate ({recency}), {self.own_weight:.0%} the cell's "
            f"own rate and {1 - self.own_weight:.0%} the rate smoothed with a {self.bandwidth_m:g} m quartic kernel"
        )
        if self.context_weight > 0:
            text += f"; {self.context_weight:.0%} from the other crime recorded in the cell"
        return text


def select_cells(
    score: np.ndarray,
    area_km2: np.ndarray,
    budget_km2: float | None = None,
    n: int | None = None,
    tiebreak: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of the highest-scoring cells, best first (ties: higher tiebreak, then lower index), until n cells or
    the area budget is used."""
    size = len(score)
    if n is not None:
        k = max(n, 0)
    elif budget_km2 is not None:
        k = budget_pool_size(area_km2, budget_km2)
    else:
        raise ValueError("give a number of cells or an area budget")
    # only cells scoring at least the k-th highest can be among the first k: sort those alone (looked for among the
    # positive scores first, as most cells of a large area score nothing)
    if 0 < k < size:
        positive = np.flatnonzero(score > 0)
        pool = positive if len(positive) >= k else np.arange(size)
        kth = np.partition(score[pool], len(pool) - k)[len(pool) - k]
        candidates = pool[score[pool] >= kth]
    else:
        candidates = np.arange(size)
    secondary = tiebreak[candidates] if tiebreak is not None else np.zeros(len(candidates))
    order = candidates[np.lexsort((candidates, -secondary, -score[candidates]))]
    if n is not None or budget_km2 is None:
        return order[:k]
    used = np.cumsum(area_km2[order])
    return order[: int(np.searchsorted(used, budget_km2 * (1 + 1e-9), side="right"))]


def fit_forecast(
    counts: np.ndarray,
    kernels: dict[float, sp.csr_matrix],
    area_km2: np.ndarray,
    coverage: float,
    holdout: int = 3,
    context: np.ndarray | None = None,
) -> ForecastModel:
    """The model (from a small grid) whose selection would have captured most of the last `holdout` months of
    counts from the months before them, at this coverage of the area, summed over rolling origins; the default when
    there is too little history. Context weights are tried only when context (cells x months, as counts) is given."""
    months = counts.shape[1]
    holdout = min(holdout, months // 3)
    if holdout < 1:
        return ForecastModel()
    context_weights = CONTEXT_WEIGHTS if context is not None and float(context.sum()) > 0 else (0.0,)
    grid = [
        (own_weight, bandwidth, context_weight)
        for own_weight, bandwidth, context_weight in itertools.product(OWN_WEIGHTS, BANDWIDTHS_M, context_weights)
        if own_weight < 1 or bandwidth == BANDWIDTHS_M[0]  # bandwidth is irrelevant without smoothing
    ]
    budget = coverage * float(area_km2.sum())
    captured: dict[ForecastModel, float] = {}
    # rolling origins: predict each of the last `FOLDS` windows of `holdout` months from the months before it
    for end in range(months, max(months - FOLDS, 2 * holdout) - 1, -1):
        past, recent = counts[:, : end - holdout], counts[:, end - holdout : end].sum(axis=1)
        if recent.sum() <= 0:
            continue
        tiebreak, total = past.sum(axis=1), float(recent.sum())
        for half_life, window in RECENCY:
            own = recency_rate(past, half_life, window)
            smoothed = np.stack([kernels[bw] @ own for bw in BANDWIDTHS_M])
            extra = (
                own
                if context is None
                else context_rate(own, recency_rate(context[:, : end - holdout], half_life, window))
            )
            components = np.vstack([own, smoothed, extra] if any(c > 0 for _, _, c in grid) else [own, smoothed])
            rates = blend_rates(grid, own, smoothed, extra)
            picks = select_blends(components, rates, len(grid), area_km2, budget, tiebreak)
            for (own_weight, bandwidth, context_weight), chosen in zip(grid, picks, strict=True):
                model = ForecastModel(half_life, own_weight, bandwidth, context_weight, window)
                captured[model] = captured.get(model, 0.0) + float(recent[chosen].sum()) / total
    best, best_captured = ForecastModel(), -1.0
    for model, value in captured.items():  # grid order: the first of equals wins
        if value > best_captured + 1e-9:
            best, best_captured = model, value
    simplest = ForecastModel(float("inf"), 1.0, BANDWIDTHS_M[0], 0.0)  # the training window's counts
    if simplest in captured and best_captured <= captured[simplest] * (1 + MARGIN) + 1e-9:
        return simplest
    return best


Blend = tuple[float, float, float]  # (own weight, bandwidth, context weight)


def blend_rates(
    grid: list[Blend], own: np.ndarray, smoothed: np.ndarray, extra: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The rates of the grid's blends of one recency (own rate; smoothed: one row per bandwidth of BANDWIDTHS_M;
    extra: the context's rate) as a function of (cells, rows of the grid): each value as ForecastModel.monthly_rate
    computes it."""
    weights = np.array([[b[0], b[2]] for b in grid]).reshape(-1, 2)
    bandwidths = np.array([BANDWIDTHS_M.index(b[1]) for b in grid], dtype=np.int64)

    def rates(cells: np.ndarray, rows: np.ndarray) -> np.ndarray:
        own_weight, context_weight = weights[rows, 0][:, None], weights[rows, 1][:, None]
        near = smoothed[bandwidths[rows][:, None], cells[None, :]]
        mine = own[cells]
        blended = np.where(own_weight < 1, own_weight * mine + (1 - own_weight) * near, mine)
        return np.where(context_weight > 0, (1 - context_weight) * blended + context_weight * extra[cells], blended)

    return rates
