"""Did-it-work measures against published and reference values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.evaluation_wdd import Pair, before_after_irr, relative_irr, target_met, wdd, wdq, wdq_reading

CONTROL, TREATED = Pair(308, 318), Pair(207, 110)
BUFFER_CONTROL, BUFFER = Pair(150, 140), Pair(178, 157)


def test_wdd_golden_values() -> None:
    """Wheeler & Ratcliffe's worked figures."""
    r = wdd(TREATED, CONTROL, BUFFER, BUFFER_CONTROL)
    assert (r.local, r.displacement, r.total) == (-107, -11, -118)
    assert r.variance == 1568 and r.se == pytest.approx(math.sqrt(1568))
    assert round(r.z, 2) == -2.98
    assert (round(r.low), round(r.high)) == (-196, -40)
    assert r.p == pytest.approx(0.0028, abs=2e-4)


def test_wdq_and_total_net_effect() -> None:
    r = wdq(TREATED, CONTROL, BUFFER)
    success = 110 / 318 - 207 / 308
    measure = 157 / 318 - 178 / 308
    assert r.success == pytest.approx(success) and r.buffer_measure == pytest.approx(measure)
    assert r.wdq == pytest.approx(measure / success) and round(r.wdq, 3) == 0.258
    assert r.reading.startswith("diffusion of benefits")
    assert r.total_net_effect == pytest.approx((207 * 318 / 308 - 110) + (178 * 318 / 308 - 157))


@pytest.mark.parametrize(
    ("q", "start"),
    [
        (1.5, "diffusion of benefits greater"),
        (0.3, "diffusion"),
        (0.0, "no displacement"),
        (-0.5, "some displacement"),
        (-1.5, "displacement greater"),
    ],
)
def test_wdq_readings(q: float, start: str) -> None:
    assert wdq_reading(q).startswith(start)


def test_wdq_needs_a_fall_and_a_control() -> None:
    assert wdq(Pair(10, 20), CONTROL, BUFFER).wdq is None
    assert wdq(TREATED, Pair(0, 5), BUFFER).wdq is None


def test_before_after_irr_matches_the_exact_poisson_test() -> None:
    """Against statsmodels' conditional exact test of two Poisson rates (and a GLM for the point estimate)."""
    from statsmodels.stats.rates import test_poisson_2indep

    r = before_after_irr(TREATED, 6, 3)
    assert r.ratio == pytest.approx((110 / 3) / (207 / 6))
    ref = test_poisson_2indep(110, 3, 207, 6, method="exact-cond")
    assert r.p == pytest.approx(ref.pvalue, rel=1e-9)
    assert r.low is not None and r.high is not None and r.low < r.ratio < r.high
    assert before_after_irr(Pair(0, 0), 3, 3).ratio is None


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::Warning")  # a saturated model
def test_relative_irr_equals_the_poisson_glm_interaction() -> None:
    import statsmodels.api as sm

    counts = np.array([TREATED.before, TREATED.after, CONTROL.before, CONTROL.after], dtype=float)
    treated = np.array([1, 1, 0, 0.0])
    after = np.array([0, 1, 0, 1.0])
    x = sm.add_constant(np.column_stack([treated, after, treated * after]))
    fit = sm.GLM(counts, x, family=sm.families.Poisson()).fit()
    low, high = np.exp(fit.conf_int()[3])
    r = relative_irr(TREATED, CONTROL)
    assert r.ratio == pytest.approx(math.exp(fit.params[3]), rel=1e-9)
    assert (r.low, r.high) == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))
    assert r.p == pytest.approx(fit.pvalues[3], rel=1e-4)  # IRLS stops within its tolerance


def test_target() -> None:
    assert target_met(-0.3, "down", 20) is True
    assert target_met(-0.1, "down", 20) is False
    assert target_met(0.25, "up", 20) is True
    assert target_met(None, "down", 20) is None


def test_wdd_on_null_data_is_calibrated() -> None:
    """Equal Poisson rates everywhere: the 95% interval excludes zero in about 5% of draws."""
    rng = np.random.default_rng(7)
    draws = rng.poisson(60, size=(4000, 8))
    hits = 0
    for d in draws:
        r = wdd(Pair(d[0], d[1]), Pair(d[2], d[3]), Pair(d[4], d[5]), Pair(d[6], d[7]))
        hits += not (r.low <= 0 <= r.high)
    assert 0.035 < hits / len(draws) < 0.065
