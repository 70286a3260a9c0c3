"""Getis-Ord Gi* hot and cold spots with false-discovery-rate control, and a sparsity check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.stats import norm

from geo.change import fdr_q_values
from geo.inference import gi_p_values

# FDR levels a cell is flagged at, strictest first: (label, false discovery rate q); not confidences.
LEVELS = ((99, 0.01), (95, 0.05), (90, 0.10))
MIN_CELLS = 30  # below this a local statistic has too few cells to compare with
MIN_EXPECTED_PER_NEIGHBOURHOOD = 1.0


def gi_star(x: np.ndarray, weights: sp.csr_matrix) -> np.ndarray:
    """Gi* z-scores (Ord & Getis 1995) of values x under weights that include each cell itself.

    z_i = (sum_j w_ij x_j - mean * W_i) / (s * sqrt((n * S1_i - W_i^2) / (n - 1))), W_i = sum_j w_ij,
    S1_i = sum_j w_ij^2, mean and s (population standard deviation) over all n cells.
    """
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n < 2:
        return np.zeros(n)
    mean = x.mean()
    s = np.sqrt((x**2).mean() - mean**2)
    if s == 0:
        return np.zeros(n)
    w_sum = np.asarray(weights.sum(axis=1)).ravel()
    w_sq = np.asarray(weights.multiply(weights).sum(axis=1)).ravel()
    local = weights @ x
    denominator = s * np.sqrt(np.maximum(n * w_sq - w_sum**2, 0) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (local - mean * w_sum) / denominator
    return np.where(denominator > 0, z, 0.0)


def gi_star_many(x: np.ndarray, weights: sp.csr_matrix, local: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Gi* over a space-time cube x (cells x slices): local[i, t] is the sum over bin (i, t)'s neighbours, which are
    its spatial neighbours (weights, binary, with itself) in `steps[t]` slices; mean and s over all bins."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if n < 2:
        return np.zeros(x.shape)
    mean = x.mean()
    s = np.sqrt((x**2).mean() - mean**2)
    if s == 0:
        return np.zeros(x.shape)
    w_sum = np.asarray(weights.sum(axis=1)).ravel()[:, None] * steps[None, :]
    denominator = s * np.sqrt(np.maximum(n * w_sum - w_sum**2, 0) / (n - 1))  # binary weights: S1 = W
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (local - mean * w_sum) / denominator
    return np.where(denominator > 0, z, 0.0)


def two_sided_p(z: np.ndarray) -> np.ndarray:
    """Two-sided normal p-values of z-scores (the textbook approximation, kept for reference and comparison: on
    sparse, skewed counts it calls far too many cells significant; AIM classifies with geo.inference)."""
    return 2 * norm.sf(np.abs(z))


@dataclass(frozen=True)
class HotspotClasses:
    """Per cell: z, p, FDR q, and class: +99/+95/+90 hot, -99/-95/-90 cold, 0 not significant."""

    z: np.ndarray
    p: np.ndarray
    q: np.ndarray
    confidence: np.ndarray


def classify(z: np.ndarray, p: np.ndarray) -> HotspotClasses:
    """Hot/cold flagged at FDR q <= 0.01/0.05/0.10 (levels 99/95/90) from z-scores and their p-values, with
    Benjamini-Hochberg control of the false discovery rate across all cells."""
    q = fdr_q_values(p) if len(p) else p
    confidence = np.zeros(len(z), dtype=np.int64)
    for level, rate in reversed(LEVELS):  # weakest first, so the strongest level met wins
        confidence = np.where(q <= rate, level * np.sign(z).astype(np.int64), confidence)
    return HotspotClasses(z, p, q, confidence)


def hotspot_classes(x: np.ndarray, weights: sp.csr_matrix) -> HotspotClasses:
    """Gi* z-scores of counts x, unconditional exact p-values (every count, the cell's own included, shuffled across
    the cells), classes."""
    return classify(gi_star(x, weights), gi_p_values(x, weights))


def sparsity_warnings(x: np.ndarray, weights: sp.csr_matrix) -> list[str]:
    """Plain-language reasons the Gi* statistic may not mean much on these counts (empty when it is fine)."""
    n = len(x)
    warnings = []
    if n < MIN_CELLS:
        warnings.append(f"only {n} cells in the study area; Gi* needs at least {MIN_CELLS} to be meaningful")
    total = float(np.sum(x))
    if n and total == 0:
        return [*warnings, "no incidents in the period: there is nothing to find hotspots in"]
    if n:
        mean_neighbourhood = float(np.asarray(weights.sum(axis=1)).mean())
        expected = total / n * mean_neighbourhood
        if expected < MIN_EXPECTED_PER_NEIGHBOURHOOD:
            warnings.append(
                f"sparse counts: {expected:.2f} incidents expected per neighbourhood (under "
                f"{MIN_EXPECTED_PER_NEIGHBOURHOOD:g}); a few incidents make a cell 'hot'. Use a coarser resolution "
                "or a longer period"
            )
        occupied = float(np.count_nonzero(x)) / n
        if occupied < 0.05:
            warnings.append(
                f"{occupied:.1%} of cells have any incident; police.uk snaps locations to shared points, so at "
                "this resolution most cells are empty by construction"
            )
    return warnings
