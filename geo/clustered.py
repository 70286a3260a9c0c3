"""A mean with a cluster-robust 95% interval: cases in one cluster (e.g. one force, category and origin) share their
errors, so the interval counts clusters, not cases."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class ClusteredMean:
    """The mean of n cases in `clusters` clusters, its cluster-robust standard error and 95% interval."""

    n: int
    clusters: int
    mean: float
    se: float
    low: float
    high: float


def clustered_mean(values: Sequence[float] | np.ndarray, clusters: Sequence[Hashable]) -> ClusteredMean:
    """The mean and its 95% interval from the cluster-robust (sandwich) variance with the small-sample factor
    G/(G-1) and a t distribution on G-1 degrees of freedom: what an intercept-only OLS with cluster-robust errors
    gives (statsmodels cov_type="cluster", use_t=True). With one cluster the interval is unbounded."""
    v = np.asarray(values, dtype=np.float64)
    n = len(v)
    if n == 0:
        return ClusteredMean(0, 0, float("nan"), float("nan"), float("nan"), float("nan"))
    index: dict[Hashable, int] = {}
    group = np.asarray([index.setdefault(c, len(index)) for c in clusters], dtype=np.int64)
    g = len(index)
    mean = float(v.mean())
    if g < 2:
        return ClusteredMean(n, g, mean, float("inf"), float("-inf"), float("inf"))
    sums = np.bincount(group, weights=v - mean, minlength=g)
    se = float(np.sqrt(g / (g - 1) * float((sums**2).sum())) / n)
    half = float(stats.t.ppf(0.975, g - 1)) * se
    return ClusteredMean(n, g, mean, se, mean - half, mean + half)
