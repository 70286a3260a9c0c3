"""Did it work: before/after measures of a response area against a control, with its displacement buffer.

* Weighted Displacement Difference (Wheeler & Ratcliffe 2018): the change in the treated area minus the change in
  its control, plus the change in the displacement buffer minus the change in its control. Under Poisson counts the
  variance is the sum of the eight counts; z, a two-sided p-value and a 95% interval follow.
* Weighted Displacement Quotient and Total Net Effect (Bowers & Johnson 2003), both against the treated area's
  control, with the reading of the WDQ.
* The incidence rate ratio of the treated area after over before (exact conditional test: given the total, the after
  count is binomial), and the ratio of the treated area's ratio to the control's (the Poisson difference in
  differences, a Wald interval on the log scale: equal to a saturated Poisson GLM's interaction term).

Pure functions over counts; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Pair:
    """Counts before and after."""

    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class WDD:
    """Weighted Displacement Difference with its standard error."""

    local: float  # treated change minus control change
    displacement: float  # buffer change minus displacement control change
    total: float
    variance: float
    se: float
    z: float
    p: float
    low: float  # 95% interval
    high: float


def wdd(treated: Pair, control: Pair, buffer: Pair, buffer_control: Pair) -> WDD:
    """Wheeler & Ratcliffe (2018): WDD = (T1 - T0) - (C1 - C0) + (D1 - D0) - (DC1 - DC0), Var = sum of the counts."""
    for name, p in (("treated", treated), ("control", control), ("buffer", buffer), ("buffer control", buffer_control)):
        if p.before < 0 or p.after < 0:
            raise ValueError(f"{name} counts must not be negative")
    local = treated.change - control.change
    displacement = buffer.change - buffer_control.change
    total = local + displacement
    variance = float(sum(p.before + p.after for p in (treated, control, buffer, buffer_control)))
    se = math.sqrt(variance)
    z = total / se if se > 0 else 0.0
    p_value = float(2 * stats.norm.sf(abs(z)))
    return WDD(
        float(local), float(displacement), float(total), variance, se, z, p_value, total - Z95 * se, total + Z95 * se
    )


@dataclass(frozen=True)
class WDQ:
    """Bowers & Johnson's (2003) quotient, its parts and its reading, and the total net effect."""

    success: float | None  # Ra/Ca - Rb/Cb: negative when the treated area fell relative to the control
    buffer_measure: float | None  # Da/Ca - Db/Cb: positive means displacement, negative diffusion of benefits
    wdq: float | None
    reading: str
    total_net_effect: float | None  # incidents prevented (negative: added), treated area and buffer together


def wdq(treated: Pair, control: Pair, buffer: Pair) -> WDQ:
    """WDQ = (Da/Ca - Db/Cb) / (Ra/Ca - Rb/Cb); TNE = [Rb(Ca/Cb) - Ra] + [Db(Ca/Cb) - Da]."""
    if control.before <= 0 or control.after <= 0:
        return WDQ(None, None, None, "not defined: the control area has no incidents in one of the periods", None)
    cb, ca = control.before, control.after
    success = treated.after / ca - treated.before / cb
    measure = buffer.after / ca - buffer.before / cb
    tne = (treated.before * ca / cb - treated.after) + (buffer.before * ca / cb - buffer.after)
    if success >= 0:
        return WDQ(success, measure, None, "not applicable: the treated area did not fall relative to the control", tne)
    q = measure / success
    return WDQ(success, measure, q, wdq_reading(q), tne)


def wdq_reading(q: float) -> str:
    """What a WDQ says, when the treated area fell relative to its control (Bowers & Johnson 2003)."""
    if q > 1:
        return "diffusion of benefits greater than the direct effect"
    if q > 0:
        return "diffusion of benefits: the buffer improved too"
    if q == 0:
        return "no displacement or diffusion"
    if q >= -1:
        return "some displacement, smaller than the direct effect: a net benefit"
    return "displacement greater than the direct effect: the response was counterproductive"


@dataclass(frozen=True)
class RateRatio:
    """An incidence rate ratio with its 95% interval and two-sided p-value."""

    ratio: float | None
    low: float | None
    high: float | None
    p: float | None
    method: str


def before_after_irr(pair: Pair, months_before: float, months_after: float) -> RateRatio:
    """Rate after over rate before (per month), exact conditional test: given n = before + after, the after count
    is Binomial(n, e_a / (e_a + e_b)) when the rates are equal; Clopper-Pearson interval mapped to the ratio."""
    method = "exact conditional Poisson test (binomial given the total)"
    n = pair.before + pair.after
    if n == 0 or months_before <= 0 or months_after <= 0:
        return RateRatio(None, None, None, None, method)
    share = months_after / (months_before + months_after)
    test = stats.binomtest(pair.after, n, share)
    ci = test.proportion_ci(0.95, method="exact")
    scale = months_before / months_after

    def ratio(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * scale

    point = math.inf if pair.before == 0 else (pair.after / months_after) / (pair.before / months_before)
    return RateRatio(point, ratio(ci.low), ratio(ci.high), float(test.pvalue), method)


def relative_irr(treated: Pair, control: Pair) -> RateRatio:
    """(T1 / T0) / (C1 / C0) with a Wald interval on the log scale (SE = sqrt of the sum of reciprocals): the
    interaction of a saturated Poisson GLM of area x period."""
    method = "Poisson difference in differences (saturated GLM interaction, Wald interval)"
    counts = (treated.before, treated.after, control.before, control.after)
    if min(counts) <= 0:
        return RateRatio(None, None, None, None, method)
    log_ratio = math.log(treated.after / treated.before) - math.log(control.after / control.before)
    se = math.sqrt(sum(1 / c for c in counts))
    p = float(2 * stats.norm.sf(abs(log_ratio / se)))
    return RateRatio(math.exp(log_ratio), math.exp(log_ratio - Z95 * se), math.exp(log_ratio + Z95 * se), p, method)


def target_met(relative_change: float | None, direction: str, percent: float) -> bool | None:
    """Whether a change (as a fraction: -0.3 is down 30%) meets a target such as down 20%."""
    if relative_change is None:
        return None
    wanted = percent / 100
    return relative_change <= -wanted if direction == "down" else relative_change >= wanted
