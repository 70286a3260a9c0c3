"""Placebo p-values and intervals, the verdict and target in words, and quasi-Poisson rate ratios against
statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from geo.evaluation_placebo import (
    FELL,
    MET,
    MET_WITHIN_NOISE,
    NOT_MET,
    ROSE,
    SAME,
    UNJUDGED,
    log_change,
    overdispersed_irr,
    overdispersed_relative_irr,
    placebo_p,
    placebo_reading,
    rate_reading,
    scaled_wdd,
    target_reading,
    thin,
    verdict,
)

BEFORE = [31, 22, 40, 18, 35, 27]
AFTER = [15, 29, 12, 20, 9, 17]
CONTROL_BEFORE = [120, 95, 140, 88, 131, 102]
CONTROL_AFTER = [118, 90, 160, 79, 125, 110]


def _statsmodels(groups: list[list[int]], column: int) -> tuple[float, float, float, float]:
    """exp(coefficient), its 95% interval and p from a Poisson GLM scaled by Pearson's chi-square / df."""
    y = np.concatenate([np.asarray(g, dtype=float) for g in groups])
    labels = np.concatenate([[i] * len(g) for i, g in enumerate(groups)])
    design = np.column_stack([np.ones(len(y))] + [(labels == i).astype(float) for i in range(1, len(groups))])
    if len(groups) == 4:  # area x period: treated-after is group 1, control-before 2, control-after 3
        after, treated = np.isin(labels, (1, 3)), np.isin(labels, (0, 1))
        design = np.column_stack([np.ones(len(y)), after, treated, after & treated]).astype(float)
    fit = sm.GLM(y, design, family=sm.families.Poisson()).fit(scale="X2")
    low, high = fit.conf_int()[column]
    return math.exp(fit.params[column]), math.exp(low), math.exp(high), float(fit.pvalues[column])


def test_overdispersed_before_after_ratio_equals_statsmodels_quasi_poisson() -> None:
    r = overdispersed_irr(BEFORE, AFTER)
    ratio, low, high, p = _statsmodels([BEFORE, AFTER], 1)
    assert r.dispersion is not None and r.dispersion > 1  # these months are overdispersed: no floor applies
    assert (r.ratio, r.low, r.high, r.p) == pytest.approx((ratio, low, high, p), rel=1e-6)


def test_overdispersed_ratio_against_control_equals_statsmodels_interaction() -> None:
    r = overdispersed_relative_irr(BEFORE, AFTER, CONTROL_BEFORE, CONTROL_AFTER)
    ratio, low, high, p = _statsmodels([BEFORE, AFTER, CONTROL_BEFORE, CONTROL_AFTER], 3)
    assert r.dispersion is not None and r.dispersion > 1
    assert (r.ratio, r.low, r.high, r.p) == pytest.approx((ratio, low, high, p), rel=1e-6)


def test_underdispersed_months_keep_the_poisson_width() -> None:
    """Months steadier than Poisson: the dispersion is reported, the interval never narrower than Poisson's."""
    r = overdispersed_irr([20, 20, 21, 19], [10, 11, 10, 9])
    assert r.dispersion is not None and r.dispersion < 1
    se = math.sqrt(1 / 80 + 1 / 40)
    assert r.ratio == pytest.approx(0.5) and r.low == pytest.approx(0.5 * math.exp(-1.959963984540054 * se))
    assert overdispersed_irr([0, 0, 0], [1, 2, 0]).ratio is None  # no before incidents: not defined


def test_placebo_p_is_the_two_sided_rank() -> None:
    placebos = np.arange(1, 200, dtype=float)  # 199 distinct values
    assert placebo_p(0.0, placebos) == pytest.approx(2 * 1 / 200)  # below every placebo
    assert placebo_p(100.0, placebos) == pytest.approx(1.0)  # the median
    assert placebo_p(5.0, placebos) == pytest.approx(2 * (1 + 5) / 200)  # a tie counts against the problem
    assert placebo_p(1.0, []) == 1.0


def test_placebo_p_holds_its_level_when_the_problem_is_one_of_the_placebos() -> None:
    """Drawn from the same distribution as its 199 placebos, the problem is called at 5% about 5% of the time (at
    most that, where counts tie)."""
    rng = np.random.default_rng(1)
    calls = [placebo_p(float(x[0]), x[1:]) <= 0.05 for x in rng.normal(size=(4000, 200))]
    assert 0.04 <= float(np.mean(calls)) <= 0.06
    tied = [placebo_p(float(x[0]), x[1:]) <= 0.05 for x in rng.poisson(8, size=(4000, 200))]
    assert float(np.mean(tied)) <= 0.05


def test_placebo_reading_interval_and_verdicts() -> None:
    placebos = np.linspace(-1, 1, 199)
    r = placebo_reading(-2.0, placebos)
    assert r.placebo_median == pytest.approx(0.0) and r.effect == pytest.approx(-2.0)
    assert r.low == pytest.approx(-2.0 - np.quantile(placebos, 0.975)) and r.high < 0
    assert verdict(r) == FELL and verdict(placebo_reading(2.0, placebos)) == ROSE
    assert verdict(placebo_reading(0.5, placebos)) == SAME
    assert verdict(placebo_reading(-2.0, [])) == SAME


def test_a_common_change_is_no_effect() -> None:
    """Every area up 25% (the issue's seasonal case): the rate reading says no different, the raw difference would
    not, and the WDD with scaled controls is zero."""
    rng = np.random.default_rng(7)
    before = rng.poisson(40, 199)
    after = rng.poisson(50, 199)
    r = rate_reading(40, 50, before, after)
    assert verdict(r) == SAME and abs(r.effect) < 0.1
    assert scaled_wdd((40, 50), (400, 500), (80, 100), (160, 200)) == pytest.approx(0.0)
    assert log_change(40, 50) > 0.2


def test_rate_reading_is_the_log_rate_ratio_against_the_placebos() -> None:
    rng = np.random.default_rng(3)
    before = rng.poisson(100, 199)
    after = rng.poisson(100, 199)
    r = rate_reading(100, 60, before, after)
    assert r.value == pytest.approx(math.log(60.5 / 100.5)) and verdict(r) == FELL
    assert r.placebo_median == pytest.approx(float(np.median(np.log((after + 0.5) / (before + 0.5)))))
    assert verdict(rate_reading(100, 95, before, after)) == SAME


@pytest.mark.parametrize(
    ("met", "direction", "said", "words"),
    [
        (True, "down", FELL, MET),
        (True, "down", SAME, MET_WITHIN_NOISE),
        (True, "down", ROSE, MET_WITHIN_NOISE),
        (True, "up", ROSE, MET),
        (True, "up", FELL, MET_WITHIN_NOISE),
        (False, "down", FELL, NOT_MET),
        (None, "down", SAME, UNJUDGED),
    ],
)
def test_target_read_against_comparable_places(met: bool | None, direction: str, said: str, words: str) -> None:
    assert target_reading(met, direction, said) == words


def test_verdict_words() -> None:
    assert (FELL, SAME, ROSE) == (
        "fell more than comparable places",
        "no different from comparable places",
        "rose more than comparable places",
    )
    assert MET_WITHIN_NOISE == "met, but within what comparable places did"


def test_binomial_thinning_keeps_the_share_asked() -> None:
    kept = thin(np.full(2000, 100), 0.8, np.random.default_rng(0))
    assert kept.max() <= 100 and float(kept.mean()) == pytest.approx(80, abs=0.3)
