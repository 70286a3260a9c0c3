"""Dose and response: reference values for the slope and the permutation p-value, and calibration on null data (what
the test calls significant at 5% stays near 5%, also when the dose follows the before-level and busy cells fall back
on their own), and power against a real effect."""

from __future__ import annotations

import numpy as np
import pytest

from geo.dose_response import dose_response, log_change, null_calibration, wilson


def test_the_change_is_the_log_ratio_with_a_half_added() -> None:
    got = log_change(np.array([0, 9, 19]), np.array([0, 4, 39]))
    assert got == pytest.approx([0.0, np.log(4.5 / 9.5), np.log(39.5 / 19.5)])
    assert log_change(np.array([9]), np.array([9]), before_len=3, after_len=1)[0] == pytest.approx(np.log(3))


def test_reference_values_of_the_slope() -> None:
    """Counts built so that the change is exactly -0.1 a unit of dose plus 0.2 a unit of log before-level: the slope
    is -0.1 whatever the level does, and numpy's own least squares agrees on noisy counts."""
    rng = np.random.default_rng(1)
    before = rng.integers(5, 60, 30)
    dose = rng.uniform(0, 20, 30)
    level = np.log(before + 0.5)
    after = np.exp(np.log(before + 0.5) - 0.1 * dose + 0.2 * level) - 0.5
    found = dose_response(dose, before, after, permutations=199)
    assert found.slope == pytest.approx(-0.1, abs=1e-9)
    assert found.rate_ratio_per_unit == pytest.approx(np.exp(-0.1), abs=1e-9)
    assert found.p_value == pytest.approx(1 / 200)  # nothing permuted comes near an exact fit
    noisy = rng.poisson(20, 30)
    x = np.column_stack([np.ones(30), dose, level])
    expected = np.linalg.lstsq(x, log_change(before, noisy), rcond=None)[0][1]
    assert dose_response(dose, before, noisy, permutations=99).slope == pytest.approx(expected, abs=1e-9)
    with pytest.raises(ValueError, match="at least 4 cells"):
        dose_response(dose[:3], before[:3], after[:3])


def test_no_dose_no_slope() -> None:
    found = dose_response(np.zeros(10), np.arange(10), np.arange(10)[::-1], permutations=99)
    assert found.slope == 0 and found.p_value == 1.0


def test_the_wilson_interval() -> None:
    low, high = wilson(10, 200)
    assert low == pytest.approx(0.0274, abs=5e-4) and high == pytest.approx(0.0899, abs=5e-4)  # textbook values
    assert wilson(0, 0) == (0.0, 1.0)


def _null_cells(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells with their own steady rates (lognormal), counted twice: no change but chance; the plan's busiest."""
    rates = rng.lognormal(2.0, 0.8, 4 * n)
    before, after = rng.poisson(rates), rng.poisson(rates)
    busiest = np.argsort(-before)[:n]  # picked for their before-period: they fall back on their own
    return before[busiest], after[busiest], rates[busiest]


def test_on_shuffled_dosage_it_calls_about_five_percent_significant() -> None:
    """The calibration the service runs: 300 datasets whose dose is shuffled across cells."""
    rng = np.random.default_rng(2)
    before, after, _ = _null_cells(rng, 30)
    dose = rng.gamma(2.0, 5.0, 30)
    calibration = null_calibration(dose, before, after, runs=300, permutations=199)
    assert calibration.runs == 300 and calibration.alpha == 0.05
    assert 0.02 <= calibration.rate <= 0.09, calibration  # 5% within chance (binomial sd 1.3 points)
    assert calibration.interval[0] <= 0.05 <= calibration.interval[1]


def test_the_level_holds_when_dose_follows_the_before_level() -> None:
    """A harder null: the plan's cells are the busiest before (picked on chance as much as on their rates, so they
    fall back on their own) and the busiest get the most patrol. Adjusted for the before-level, the test still calls
    about 5% significant."""
    rng = np.random.default_rng(3)
    calls, runs = 0, 300
    for _ in range(runs):
        rates = rng.lognormal(2.0, 0.3, 120)
        before, after = rng.poisson(rates), rng.poisson(rates)
        top = np.argsort(-before)[:30]
        before, after = before[top], after[top]
        assert np.mean(after) < np.mean(before)  # regression to the mean: the busiest fall with no patrol at all
        dose = 2 * np.log(before + 0.5) + rng.normal(0, 0.1, 30)
        found = dose_response(dose, before, after, permutations=199, seed=int(rng.integers(1 << 30)))
        calls += found.p_value <= 0.05
    assert 0.02 <= calls / runs <= 0.09


def test_it_finds_a_real_effect() -> None:
    rng = np.random.default_rng(4)
    found = 0
    for _ in range(50):
        rates = rng.lognormal(2.5, 0.5, 30)
        dose = rng.uniform(0, 20, 30)
        before, after = rng.poisson(rates), rng.poisson(rates * np.exp(-0.04 * dose))  # -55% at 20 minutes a day
        result = dose_response(dose, before, after, permutations=199, seed=int(rng.integers(1 << 30)))
        found += result.p_value <= 0.05 and result.slope < 0
    assert found >= 40
