"""Dose and response across cells: does more patrol dosage go with a larger fall in incidents against each cell's own
before-period? A least-squares slope of the change on the dose, adjusted for the before-period's level (cells picked
for a plan because they were busy fall back on their own: regression to the mean), tested by permutation
(Freedman and Lane), with a calibration on null data: the dose shuffled across the cells, where a test that holds its
level calls no more than its nominal share significant (docs/delivery.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HALF = 0.5  # added to both counts before their log ratio, so a cell with none in a period has a change


@dataclass(frozen=True)
class DoseResponse:
    """The slope of the change in incidents on the dose, its permutation p-value and what it rests on."""

    cells: int
    slope: float  # change in log incidents (after over before) per unit of dose, the before-level held fixed
    rate_ratio_per_unit: float  # exp(slope): the after/before ratio's multiple for one more unit of dose
    p_value: float  # two-sided, by permutation
    permutations: int
    correlation: float  # Spearman's rank correlation of dose and change (not adjusted), for a reader's check


@dataclass(frozen=True)
class Calibration:
    """How often the test called null data significant: the dose shuffled across the cells `runs` times."""

    runs: int
    alpha: float
    significant: int
    rate: float
    interval: tuple[float, float]  # 95% binomial interval of the rate (Wilson)


def log_change(before: np.ndarray, after: np.ndarray, before_len: float = 1.0, after_len: float = 1.0) -> np.ndarray:
    """Each cell's change: log((after + 0.5) / (before + 0.5)), per unit of each period's length."""
    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    return np.log((a + HALF) / after_len) - np.log((b + HALF) / before_len)


def _design(dose: np.ndarray, level: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(dose)), dose, level])


def _dose_row(dose: np.ndarray, level: np.ndarray) -> np.ndarray:
    """The row of the least-squares solution giving the dose's coefficient (its dot product with y is the slope)."""
    return np.linalg.pinv(_design(dose, level))[1]


def _reduced(y: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The fit of y on the before-level alone, and its residuals (what Freedman-Lane permutes)."""
    z = np.column_stack([np.ones(len(y)), level])
    fitted = z @ np.linalg.lstsq(z, y, rcond=None)[0]
    return fitted, y - fitted


def _p_value(dose: np.ndarray, y: np.ndarray, level: np.ndarray, orders: np.ndarray) -> tuple[float, float]:
    """The slope and its two-sided Freedman-Lane p-value over the permutations `orders` (one per row)."""
    row = _dose_row(dose, level)
    slope = float(row @ y)
    fitted, residuals = _reduced(y, level)
    permuted = (fitted[None, :] + residuals[orders]) @ row
    extreme = int(np.sum(np.abs(permuted) >= abs(slope) - 1e-12))
    return slope, (1 + extreme) / (1 + len(orders))


def _orders(n: int, permutations: int, rng: np.random.Generator) -> np.ndarray:
    return np.argsort(rng.random((permutations, n)), axis=1)


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def dose_response(
    dose: np.ndarray, before: np.ndarray, after: np.ndarray, permutations: int = 999, seed: int = 26
) -> DoseResponse:
    """The slope of each cell's change in incidents (after against its own before) on its dose, adjusted for the
    before-level (log(before + 0.5)), with a two-sided permutation p-value (Freedman-Lane: the residuals of the
    change on the before-level alone are permuted across cells)."""
    dose = np.asarray(dose, dtype=float)
    if len(dose) < 4:
        raise ValueError("a dose-response needs at least 4 cells")
    y = log_change(before, after)
    level = np.log(np.asarray(before, dtype=float) + HALF)
    rng = np.random.default_rng(seed)
    slope, p = _p_value(dose, y, level, _orders(len(dose), permutations, rng))
    return DoseResponse(len(dose), slope, float(np.exp(slope)), p, permutations, _spearman(dose, y))


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95% Wilson interval of a binomial share k of n."""
    if n == 0:
        return 0.0, 1.0
    z, share = 1.959964, k / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def null_calibration(
    dose: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    runs: int = 200,
    permutations: int = 199,
    alpha: float = 0.05,
    seed: int = 27,
) -> Calibration:
    """The test run on null data: the same cells' incidents with the dose shuffled across them (`runs` times, so no
    dose can have caused any change); the share it calls significant at `alpha` should stay near `alpha`."""
    dose = np.asarray(dose, dtype=float)
    y = log_change(before, after)
    level = np.log(np.asarray(before, dtype=float) + HALF)
    rng = np.random.default_rng(seed)
    significant = 0
    for _ in range(runs):
        shuffled = dose[rng.permutation(len(dose))]
        _, p = _p_value(shuffled, y, level, _orders(len(dose), permutations, rng))
        significant += p <= alpha
    return Calibration(runs, alpha, significant, significant / runs, wilson(significant, runs))
