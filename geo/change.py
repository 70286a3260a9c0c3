"""Is a change in counts between two periods more than chance? Conditional Poisson test with FDR control."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import binom, binomtest, false_discovery_control

RERR = 1 + 1e-7  # scipy's tolerance for outcomes as likely as the one seen


def poisson_change_p(count: int, previous: int, exposure_ratio: float = 1.0) -> float:
    """Two-sided p-value that two Poisson counts share one rate (exposure_ratio = this period's length / previous).

    Conditional test: given the total, `count` is Binomial(total, r / (1 + r)) when the rates are equal.
    """
    total = count + previous
    if total == 0:
        return 1.0
    return float(binomtest(count, total, exposure_ratio / (1.0 + exposure_ratio)).pvalue)


def poisson_change_ps(counts: np.ndarray, previous: np.ndarray, exposure_ratio: float = 1.0) -> np.ndarray:
    """poisson_change_p of many pairs at once (the same values as scipy's binomtest, two-sided, element by element)."""
    k = np.asarray(counts, dtype=np.int64)
    n = k + np.asarray(previous, dtype=np.int64)
    p = exposure_ratio / (1.0 + exposure_ratio)
    out = np.ones(len(k), dtype=float)
    live = n > 0
    k, n = k[live], n[live]
    d = binom.pmf(k, n, p) * RERR
    mode = p * n
    below, above = k < mode, k > mode
    # below the mode: the first outcome above it as likely as k or less (scipy's binary search on the far side)
    lo, hi = np.ceil(mode).astype(np.int64), n.copy()
    ix = _search(lambda x: -binom.pmf(x, n, p), -d, lo, hi, below)
    y = n - ix + (d == binom.pmf(ix, n, p)).astype(np.int64)
    low_side = binom.cdf(k, n, p) + binom.sf(n - y, n, p)
    # above the mode: the last outcome below it as likely as k or less
    lo, hi = np.zeros_like(n), np.floor(mode).astype(np.int64)
    ix = _search(lambda x: binom.pmf(x, n, p), d, lo, hi, above)
    high_side = binom.cdf(ix, n, p) + binom.sf(k - 1, n, p)
    out[live] = np.minimum(1.0, np.where(below, low_side, np.where(above, high_side, 1.0)))
    return out


def _search(a: Any, d: np.ndarray, lo: np.ndarray, hi: np.ndarray, active: np.ndarray) -> np.ndarray:
    """scipy's _binary_search_for_binom_tst, element-wise: i in [lo, hi] with a(i) <= d < a(i+1), where active."""
    lo, hi, found = lo.copy(), hi.copy(), np.full(len(lo), -1, dtype=np.int64)
    going = active.copy()
    while True:
        going &= (lo < hi) & (found < 0)
        if not going.any():
            break
        mid = lo + (hi - lo) // 2
        value = a(mid)
        up, down, hit = going & (value < d), going & (value > d), going & (value == d)
        lo = np.where(up, mid + 1, lo)
        hi = np.where(down, mid - 1, hi)
        found = np.where(hit, mid, found)
    end = np.where(a(lo) <= d, lo, lo - 1)
    return np.where(found >= 0, found, end)


def fdr_q_values(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values)."""
    if len(p_values) == 0:
        return np.array([], dtype=float)
    return np.asarray(false_discovery_control(np.asarray(p_values, dtype=float), method="bh"))
