"""Emerging hotspots: Gi* per time slice over a space-time neighbourhood, a Mann-Kendall trend per cell on a series
with no overlap between slices, and the pattern classes of space-time hotspot analysis (new, consecutive,
intensifying, persistent, diminishing, sporadic, oscillating, historical)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.stats import norm

from geo.change import fdr_q_values
from geo.hotspots import gi_star_many
from geo.inference import space_time_p_values

MOSTLY = 0.9  # "at least 90% of the time slices"
TREND_ALPHA = 0.1  # a cell's trend where no level is asked (the patrol plan, a cell's trend): the layer's default
CLASSES = (
    "new",
    "consecutive",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "oscillating",
    "historical",
)


def mann_kendall(series: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann-Kendall trend test on each row of series (cells x time): S, z and two-sided p (ties corrected)."""
    x = np.asarray(series, dtype=np.float64)
    n_rows, t = x.shape
    s = np.zeros(n_rows)
    for k in range(t - 1):
        s += np.sign(x[:, k + 1 :] - x[:, k : k + 1]).sum(axis=1)
    ties = np.zeros(n_rows)
    for start in range(0, n_rows, 20_000):  # each value's tie-group size, in chunks to bound memory
        block = x[start : start + 20_000]
        group = (block[:, :, None] == block[:, None, :]).sum(axis=2).astype(np.float64)
        ties[start : start + 20_000] = ((group - 1) * (2 * group + 5)).sum(axis=1)
    variance = (t * (t - 1) * (2 * t + 5) - ties) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, (s - np.sign(s)) / np.sqrt(variance), 0.0)
    return s, z, 2 * norm.sf(np.abs(z))


def neighbourhood_shares(counts: np.ndarray, weights: sp.csr_matrix) -> np.ndarray:
    """Per (cell, slice): the share of the slice's incidents in the cell's spatial neighbourhood (weights, with
    itself), this slice only (0 in a slice with no incident anywhere)."""
    x = np.asarray(counts, dtype=np.float64)
    local = np.asarray(weights @ x)
    totals = x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(totals[None, :] > 0, local / totals[None, :], 0.0)


def cell_trends(
    counts: np.ndarray, weights: sp.csr_matrix, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's trend (of the given rows, default all), Mann-Kendall z and two-sided p, on its neighbourhood's
    share of the area's incidents per slice: each slice counted once (no overlap, so slices are exchangeable when
    there is no trend) and against the area's own change (a season that moves every cell is not a trend)."""
    shares = neighbourhood_shares(counts, weights)
    shares = shares if rows is None else shares[rows]
    if shares.shape[0] == 0:
        return np.zeros(0), np.ones(0)
    _, z, p = mann_kendall(shares)
    return z, p


def trend_words(z: np.ndarray, p: np.ndarray, alpha: float) -> np.ndarray:
    """rising / falling where p < alpha (by the sign of z), else steady."""
    return np.where(p < alpha, np.where(z > 0, "rising", "falling"), "steady")


@dataclass(frozen=True)
class EmergingResult:
    """Per cell: the pattern class ('' for none), whether it is a hot or cold pattern, trend z and p (cell_trends),
    and per slice the Gi* z-scores and significance (+1 hot, -1 cold, 0 neither)."""

    pattern: np.ndarray
    side: np.ndarray
    trend_z: np.ndarray
    trend_p: np.ndarray
    z: np.ndarray
    significant: np.ndarray


def _space_time_sums(counts: np.ndarray, weights: sp.csr_matrix, time_window: int) -> tuple[np.ndarray, np.ndarray]:
    """Each bin's neighbourhood sum (spatial neighbours in this slice and the `time_window` before it) and the
    number of slices each slice's neighbourhood spans."""
    t = counts.shape[1]
    spatial = np.asarray(weights @ counts)
    local = spatial.copy()
    steps = np.ones(t)
    for lag in range(1, time_window + 1):
        local[:, lag:] += spatial[:, :-lag]
        steps[lag:] += 1
    return local, steps


def space_time_gi(counts: np.ndarray, weights: sp.csr_matrix, time_window: int = 1) -> np.ndarray:
    """Gi* z per (cell, slice): neighbours are the spatial neighbours in this slice and the `time_window` before it."""
    local, steps = _space_time_sums(counts, weights, time_window)
    return gi_star_many(counts, weights, local, steps)


def _pattern(sig: np.ndarray, trend_z: np.ndarray, trend_p: np.ndarray, alpha: float) -> np.ndarray:
    """Pattern of one side (sig: True where significant on that side; opposite: see caller)."""
    n, t = sig.shape
    out = np.full(n, "", dtype=object)
    share = sig.mean(axis=1)
    final = sig[:, -1]
    ever_before = sig[:, :-1].any(axis=1)
    # length of the run of significant slices that ends at the final slice
    run = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    for k in range(t - 1, -1, -1):
        alive &= sig[:, k]
        run += alive
    before_run = (sig & (np.arange(t)[None, :] < (t - run)[:, None])).any(axis=1)
    mostly = share >= MOSTLY
    rising, falling = (trend_p < alpha) & (trend_z > 0), (trend_p < alpha) & (trend_z < 0)
    out[final & mostly & rising] = "intensifying"
    out[final & mostly & falling] = "diminishing"
    out[final & mostly & ~rising & ~falling] = "persistent"
    rest = final & ~mostly
    out[rest & ~ever_before] = "new"
    out[rest & ever_before & (run >= 2) & ~before_run] = "consecutive"
    out[rest & before_run & (out == "")] = "sporadic"
    out[~final & mostly] = "historical"
    return out


def emerging_hotspots(
    counts: np.ndarray, weights: sp.csr_matrix, alpha: float = 0.10, time_window: int = 1
) -> EmergingResult:
    """Classify every cell from its counts per slice (cells x slices): unconditional exact p-values per bin (under
    shuffling counts across bins), FDR-controlled at alpha across all bins; the trend is cell_trends', tested at
    alpha."""
    local, steps = _space_time_sums(counts, weights, time_window)
    z = gi_star_many(counts, weights, local, steps)
    p = space_time_p_values(counts, weights, local, steps) if z.size else z
    q = fdr_q_values(p.ravel()).reshape(z.shape) if z.size else z
    significant = np.where(q <= alpha, np.sign(z), 0).astype(np.int64)
    # not the trend of z: each z counts the slices before it too, so successive z overlap and a test that assumes
    # independent slices calls about twice its level on data with no trend
    trend_z, trend_p = cell_trends(counts, weights)
    hot = _pattern(significant > 0, trend_z, trend_p, alpha)
    cold = _pattern(significant < 0, -trend_z, trend_p, alpha)
    was_cold = (significant < 0).any(axis=1)
    was_hot = (significant > 0).any(axis=1)
    hot = np.where((hot == "sporadic") & was_cold, "oscillating", hot)
    cold = np.where((cold == "sporadic") & was_hot, "oscillating", cold)
    pattern = np.where(hot != "", hot, cold)
    side = np.where(hot != "", "hot", np.where(cold != "", "cold", ""))
    return EmergingResult(pattern, side, trend_z, trend_p, z, significant)
