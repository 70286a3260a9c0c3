"""Risky facilities (Clarke & Eck): incidents attributed to the nearest facility of one kind within a distance, counts
and rates per facility, the J-curve (facilities ranked busiest first) and the facilities above its knee. No I/O."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree


def attribute(incidents: np.ndarray, facilities: np.ndarray, within: float) -> np.ndarray:
    """The index of each incident's nearest facility no farther than `within` (metres, Euclidean; -1: none)."""
    incidents, facilities = np.asarray(incidents, dtype=float), np.asarray(facilities, dtype=float)
    if not len(incidents) or not len(facilities):
        return np.full(len(incidents), -1, dtype=np.int64)
    distance, index = cKDTree(facilities).query(incidents, k=1, distance_upper_bound=within)
    return np.where(np.isfinite(distance) & (distance <= within), index, -1).astype(np.int64)


def knee(counts: np.ndarray) -> int | None:
    """The knee of the J-curve: counts ranked busiest first and scaled to the unit square (rank / (n - 1), count
    from the least to the most), the rank farthest below the straight line from the busiest to the least busy
    (the largest 1 - rank - count, as the Kneedle rule for a falling convex curve; the first of ties). None: fewer
    than three facilities, or every count the same."""
    ranked = np.sort(np.asarray(counts, dtype=float))[::-1]
    if len(ranked) < 3 or ranked[0] == ranked[-1]:
        return None
    x = np.arange(len(ranked)) / (len(ranked) - 1)
    y = (ranked - ranked[-1]) / (ranked[0] - ranked[-1])
    return int(np.argmax(1 - x - y))


@dataclass(frozen=True)
class RiskyFacilities:
    """Counts per facility (in the facilities' order), rates per unit of size, the J-curve and the risky ones."""

    counts: np.ndarray
    rates: np.ndarray | None  # counts / size (NaN where the size is missing or not positive); None without sizes
    order: np.ndarray  # facility indices, busiest first (ties by index)
    knee_rank: int | None  # the knee's rank in `order` (0: the busiest)
    risky: np.ndarray  # facility indices with more incidents than the knee's facility, busiest first
    attributed: int  # incidents attributed to a facility
    incidents: int  # incidents given

    @property
    def risky_share(self) -> float | None:
        """The share of attributed incidents at the risky facilities (None: none attributed)."""
        return float(self.counts[self.risky].sum() / self.attributed) if self.attributed else None


def risky_facilities(
    incidents: np.ndarray,
    facilities: np.ndarray,
    within: float,
    size: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> RiskyFacilities:
    """Incidents (n x 2, metres; `weights`: how many at each point, 1 each when not given) attributed to the nearest
    of the facilities (m x 2) within `within` metres; counts, rates per unit of size (when given), the J-curve's
    order and knee, and the facilities above the knee."""
    nearest = attribute(incidents, facilities, within)
    w = np.ones(len(nearest)) if weights is None else np.asarray(weights, dtype=float)
    near = nearest >= 0
    counts = np.rint(np.bincount(nearest[near], weights=w[near], minlength=len(facilities))).astype(np.int64)
    rates = None
    if size is not None:
        s = np.asarray(size, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            rates = np.where(s > 0, counts / s, np.nan)
    order = np.lexsort((np.arange(len(counts)), -counts))
    k = knee(counts)
    risky = order[counts[order] > counts[order[k]]] if k is not None else np.zeros(0, dtype=np.int64)
    return RiskyFacilities(counts, rates, order, k, risky, int(round(w[near].sum())), int(round(w.sum())))


def j_curve(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The J-curve as cumulative shares: (share of facilities, share of incidents), busiest first, from (0, 0)."""
    ranked = np.sort(np.asarray(counts, dtype=float))[::-1]
    total = ranked.sum()
    places = np.arange(len(ranked) + 1) / max(len(ranked), 1)
    held = np.concatenate([[0.0], np.cumsum(ranked)]) / total if total else np.zeros(len(ranked) + 1)
    return places, held
