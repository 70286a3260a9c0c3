"""Did it work, read against places where nothing was done: a statistic's placebo p-value and interval, the verdict
in words, the target read the same way, and rate ratios with overdispersion (quasi-Poisson on monthly counts).

* Placebo p-value: the two-sided rank p-value of the problem's statistic among the placebo areas' statistics
  (the problem counts as one of the draws, ties count against it): under no effect, and placebo areas exchangeable
  with the response area, it is uniform, or conservative where ties fall.
* Placebo interval: the statistic less the 97.5% and 2.5% quantiles of the placebo statistics: the range of effects
  the comparison with comparable places leaves open.
* The verdict's statistic is the log rate ratio after over before (half an incident added to each count): a change
  common to the force (a season) moves the placebos alike, and the placebos' spread holds whatever extra-Poisson
  variation areas of this size and level show. Placebos quieter than the response area (the busiest places have no
  equals) are noisier: the reading is then conservative.
* Quasi-Poisson: the saturated Poisson GLM of months by group, its standard errors scaled by the square root of the
  Pearson dispersion (sum of squared Pearson residuals over n - groups), never below 1.

Pure functions over counts; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from geo.evaluation_wdd import Z95

ALPHA = 0.05
FELL = "fell more than comparable places"
SAME = "no different from comparable places"
ROSE = "rose more than comparable places"
MET = "met"
MET_WITHIN_NOISE = "met, but within what comparable places did"
NOT_MET = "not met"
UNJUDGED = "cannot be judged"


def log_change(before: float, after: float) -> float:
    """The log rate ratio after over before, half an incident added to each (defined at zero counts)."""
    return math.log((after + 0.5) / (before + 0.5))


def placebo_p(observed: float, placebos: Sequence[float] | np.ndarray) -> float:
    """Two-sided rank p-value of the observed statistic among placebo statistics (ties count against the problem)."""
    x = np.asarray(placebos, dtype=float)
    n = len(x)
    if n == 0:
        return 1.0
    lower = (1.0 + float(np.sum(x <= observed))) / (n + 1)  # the problem counts as one of the draws
    upper = (1.0 + float(np.sum(x >= observed))) / (n + 1)
    return min(1.0, 2 * min(lower, upper))


@dataclass(frozen=True)
class PlaceboReading:
    """A statistic read against the same statistic over placebo areas."""

    value: float  # the problem's statistic
    placebo_median: float
    effect: float  # the statistic less the placebo median
    low: float  # placebo 95% interval of the effect
    high: float
    p: float  # two-sided placebo p-value
    placebos: int


def placebo_reading(observed: float, placebos: Sequence[float] | np.ndarray) -> PlaceboReading:
    """The statistic against its placebo distribution: the effect (less the placebo median), its placebo 95%
    interval (the statistic less the 97.5% and 2.5% placebo quantiles) and the placebo p-value."""
    x = np.asarray(placebos, dtype=float)
    if not len(x):
        return PlaceboReading(observed, math.nan, math.nan, math.nan, math.nan, 1.0, 0)
    q_low, median, q_high = (float(v) for v in np.quantile(x, [0.025, 0.5, 0.975]))
    return PlaceboReading(
        observed, median, observed - median, observed - q_high, observed - q_low, placebo_p(observed, x), len(x)
    )


def rate_reading(before: int, after: int, placebo_before: np.ndarray, placebo_after: np.ndarray) -> PlaceboReading:
    """The response area's log rate ratio (after over before) read against the placebo areas' log rate ratios."""
    b, a = np.asarray(placebo_before, dtype=float), np.asarray(placebo_after, dtype=float)
    return placebo_reading(log_change(before, after), np.log((a + 0.5) / (b + 0.5)))


def verdict(reading: PlaceboReading, alpha: float = ALPHA) -> str:
    """The reading in words: fell or rose more than comparable places (placebo p at most alpha), or no different."""
    if reading.placebos == 0 or reading.p > alpha:
        return SAME
    return FELL if reading.effect < 0 else ROSE


def target_reading(met: bool | None, direction: str, said: str) -> str:
    """A target read against comparable places: met only when the change also beats them in the target's direction."""
    if met is None:
        return UNJUDGED
    if not met:
        return NOT_MET
    beaten = said == (FELL if direction == "down" else ROSE)
    return MET if beaten else MET_WITHIN_NOISE


@dataclass(frozen=True)
class OverdispersedRatio:
    """A rate ratio from monthly counts with its quasi-Poisson 95% interval and p-value."""

    ratio: float | None
    low: float | None
    high: float | None
    p: float | None
    dispersion: float | None  # Pearson chi-square over residual degrees of freedom (before the floor at 1)
    method: str


QUASI = "quasi-Poisson GLM on monthly counts (Pearson dispersion, floored at 1; Wald interval)"


def _quasi(groups: Sequence[Sequence[int]], signs: Sequence[int], method: str) -> OverdispersedRatio:
    """exp(sum of sign x log group mean) from a saturated Poisson GLM of months by group, quasi-Poisson scaled."""
    arrays = [np.asarray(g, dtype=float) for g in groups]
    n = sum(len(a) for a in arrays)
    if any(len(a) == 0 or a.sum() <= 0 for a in arrays) or n <= len(arrays):
        return OverdispersedRatio(None, None, None, None, None, method)
    means = [float(a.mean()) for a in arrays]
    log_ratio = sum(s * math.log(m) for s, m in zip(signs, means, strict=True))
    pearson = sum(float(np.sum((a - m) ** 2 / m)) for a, m in zip(arrays, means, strict=True))
    dispersion = pearson / (n - len(arrays))
    se = math.sqrt(max(dispersion, 1.0) * sum(1 / float(a.sum()) for a in arrays))
    p = float(2 * stats.norm.sf(abs(log_ratio / se)))
    return OverdispersedRatio(
        math.exp(log_ratio), math.exp(log_ratio - Z95 * se), math.exp(log_ratio + Z95 * se), p, dispersion, method
    )


def overdispersed_irr(before: Sequence[int], after: Sequence[int]) -> OverdispersedRatio:
    """Mean monthly count after over before, quasi-Poisson."""
    return _quasi([before, after], [-1, 1], QUASI)


def overdispersed_relative_irr(
    treated_before: Sequence[int],
    treated_after: Sequence[int],
    control_before: Sequence[int],
    control_after: Sequence[int],
) -> OverdispersedRatio:
    """The treated area's after/before ratio over the control's: the area x period interaction, quasi-Poisson."""
    groups = [treated_before, treated_after, control_before, control_after]
    return _quasi(groups, [-1, 1, 1, -1], QUASI + ", area x period interaction")


def scaled_wdd(
    treated: tuple[int, int], control: tuple[int, int], buffer: tuple[int, int], buffer_control: tuple[int, int]
) -> float:
    """WDD with each control scaled to the before count of the area it controls: (T1 - T0 C1/C0) + (D1 - D0 DC1/DC0),
    so a change common to both cancels (a control with no before incidents scales to no change)."""

    def expected(area: tuple[int, int], ctrl: tuple[int, int]) -> float:
        return area[0] * (ctrl[1] / ctrl[0]) if ctrl[0] > 0 else float(area[0])

    return (treated[1] - expected(treated, control)) + (buffer[1] - expected(buffer, buffer_control))


def thin(counts: np.ndarray, keep: float, rng: np.random.Generator) -> np.ndarray:
    """Binomial thinning: each incident kept with probability `keep` (an injected reduction of 1 - keep)."""
    return rng.binomial(np.asarray(counts, dtype=np.int64), keep)
