"""Did it work, read against places where nothing was done: a statistic's placebo p-value and interval, the verdict
in words, the target read the same way, and rate ratios with overdispersion (quasi-Poisson on monthly counts).

* Placebo p-value: the two-sided mid-rank p-value of the problem's statistic among the placebo areas' statistics
  (ties count half, the problem counts as one of the draws): under no effect, and placebo areas exchangeable with
  the response area, it is uniform up to ties.
* Placebo interval: the statistic less the 97.5% and 2.5% quantiles of the placebo statistics: the range of effects
  the comparison with comparable places leaves open.
* The rate ratio's reading studentises each area's log change by its own Poisson variance plus the placebos'
  extra-Poisson variance, so that placebos somewhat quieter or busier than the response area still compare.
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
    """Two-sided mid-rank p-value of the observed statistic among placebo statistics."""
    x = np.asarray(placebos, dtype=float)
    n = len(x)
    if n == 0:
        return 1.0
    below = float(np.sum(x < observed))
    above = float(np.sum(x > observed))
    ties = float(n - below - above) + 1.0  # the observed value ties with itself
    lower = (below + ties / 2) / (n + 1)
    upper = (above + ties / 2) / (n + 1)
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


def poisson_variance(before: np.ndarray | float, after: np.ndarray | float) -> np.ndarray | float:
    """The Poisson sampling variance of log_change."""
    return 1 / (np.asarray(before) + 0.5) + 1 / (np.asarray(after) + 0.5)


def rate_reading(before: int, after: int, placebo_before: np.ndarray, placebo_after: np.ndarray) -> PlaceboReading:
    """The response area's log rate ratio (after over before) read against placebo areas, each studentised: less the
    placebos' median change, over the square root of its own Poisson variance plus the placebos' extra-Poisson
    variance (their variance less their mean Poisson variance, at least 0). The p-value is the problem's mid-rank
    among the placebos' studentised changes; the interval (log scale) is the effect less those ranks' 97.5% and
    2.5% quantiles times the problem's own scale. Placebos a little quieter or busier than the response area are
    comparable this way (each is scaled by its own noise)."""
    b, a = np.asarray(placebo_before, dtype=float), np.asarray(placebo_after, dtype=float)
    observed = log_change(before, after)
    if not len(b):
        return PlaceboReading(observed, math.nan, math.nan, math.nan, math.nan, 1.0, 0)
    y = np.log((a + 0.5) / (b + 0.5))
    shift = float(np.median(y))
    extra = max(0.0, float(np.var(y, ddof=1)) - float(np.mean(poisson_variance(b, a)))) if len(y) > 1 else 0.0
    z = (y - shift) / np.sqrt(extra + poisson_variance(b, a))
    scale = math.sqrt(extra + float(poisson_variance(before, after)))
    z0 = (observed - shift) / scale
    q_low, q_high = (float(v) for v in np.quantile(z, [0.025, 0.975]))
    effect = observed - shift
    return PlaceboReading(
        observed, shift, effect, effect - q_high * scale, effect - q_low * scale, placebo_p(z0, z), len(y)
    )


def verdict(reading: PlaceboReading, alpha: float = ALPHA) -> str:
    """The reading in words: fell or rose more than comparable places (placebo p below alpha), or no different."""
    if reading.placebos == 0 or reading.p >= alpha:
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
