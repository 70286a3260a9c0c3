"""Is a change in counts between two periods more than chance? Conditional Poisson test with FDR control."""

from __future__ import annotations

import numpy as np
from scipy.stats import binomtest, false_discovery_control


def poisson_change_p(count: int, previous: int, exposure_ratio: float = 1.0) -> float:
    """Two-sided p-value that two Poisson counts share one rate (exposure_ratio = this period's length / previous).

    Conditional test: given the total, `count` is Binomial(total, r / (1 + r)) when the rates are equal.
    """
    total = count + previous
    if total == 0:
        return 1.0
    return float(binomtest(count, total, exposure_ratio / (1.0 + exposure_ratio)).pvalue)


def fdr_q_values(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values)."""
    if len(p_values) == 0:
        return np.array([], dtype=float)
    return np.asarray(false_discovery_control(np.asarray(p_values, dtype=float), method="bh"))
