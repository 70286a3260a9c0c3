"""Dose and response over the patrol plan's cells: each planned cell's delivered minutes a day against the change in
its incidents from its own before-period to the period after, with a permutation test and its calibration on null
data (geo.dose_response). Analysts only; see docs/delivery.md for what it can and cannot say."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from api.services.caches import Caches
from api.services.delivery import DeliveryAsk, delivered_cells
from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.study_area import StudyArea
from geo.dose_response import Calibration, DoseResponse, dose_response, log_change, null_calibration
from geo.trends import add_months
from ingest.store import read
from ingest.store.connection import Connection

Months = tuple[date, date]  # first days of the first and last month, inclusive
SIMULATED = (
    "The sample delivery AIM ships (data/delivery, loaded by `aim demo`) is simulated: any figure from it is "
    "illustration only, not evidence about patrols."
)
OBSERVATIONAL = (
    "Dosage was not assigned at random: patrols go where trouble is expected, so a slope is an association across "
    "cells, not a measured effect of patrol; few cells give little power, and no dose-response found is not "
    "evidence of no effect."
)
METHOD = (
    "Per planned cell: minutes present a day over the days delivered (the dose), and the change in incidents "
    "log((after + 0.5) / (before + 0.5)) against the cell's own before-period (per month of each period). The slope "
    "of the change on the dose is fitted by least squares with the before-level log(before + 0.5) as a covariate "
    "(cells picked for a plan because they were busy fall back on their own: regression to the mean), and tested "
    "two-sided by permutation (Freedman-Lane: the residuals of the change on the before-level are permuted across "
    "cells). Calibration: the dose shuffled across the cells many times, where no dose can have caused any change; "
    "a test that holds its level calls about 5% of those significant at 5%."
)


@dataclass(frozen=True)
class DoseAsk:
    """What a dose-response question asks: the plan's cells, the days delivered, the incidents' periods, the draws."""

    cells: int
    res: int
    delivered: tuple[date | None, date | None] = (None, None)  # None: the latest fortnight of delivery held
    after: Months | None = None  # None: the months the delivery covers
    before: Months | None = None  # None: as many months just before the after-period
    permutations: int = 999
    runs: int = 200  # null datasets in the calibration (0: none)
    alpha: float = 0.05


def _months(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def periods(ask: DoseAsk, delivered: Months, latest: date | None) -> tuple[Months, Months]:
    """The before- and after-periods (months), checked: the after-period defaults to the delivery's months, the
    before-period to as many months just before it; both must be held and the before-period must end first."""
    after = ask.after or (delivered[0].replace(day=1), delivered[1].replace(day=1))
    n = _months(*after)
    before = ask.before or (add_months(after[0], -n), add_months(after[0], -1))
    if after[0] > after[1] or before[0] > before[1]:
        raise ParameterError(
            "after_from" if after[0] > after[1] else "before_from", "the first month is after the last"
        )
    if before[1] >= after[0]:
        raise ParameterError("before_to", "the before-period must end before the after-period starts")
    if latest is None or after[1] > latest:
        held = f"incidents are held to {latest:%Y-%m}" if latest else "no incidents are held"
        raise ParameterError("after_to", f"the after-period runs to {after[1]:%Y-%m} but {held}: name the months")
    return before, after


def _counts(con: Connection, filters: Filters, res: int, months: Months) -> dict[int, int]:
    table = read.hex_counts(con, replace(filters.incident, start=months[0], end=months[1]), res, None)
    return {int(c): int(n) for c, n in zip(table["cell"].to_pylist(), table["count"].to_pylist(), strict=True)}


def _verdict(cells: list[dict[str, Any]], estimate: dict[str, Any] | None, calibration: dict[str, Any] | None) -> str:
    if not any(c["minutes_per_day"] > 0 for c in cells):
        return "Not delivered: the planned cells got no patrol presence over these days, so there is no dose to read."
    if estimate is None:
        return "Too few cells for a dose-response (at least 4)."
    if calibration is not None and calibration["interval"][0] > calibration["alpha"]:
        return (
            f"No reading: on shuffled dosage the test called {calibration['rate']:.0%} significant at "
            f"{calibration['alpha']:.0%}, more than its level, so its p-value cannot be taken at face value here."
        )
    p, ratio = estimate["p_value"], estimate["rate_ratio_per_unit"]
    per_ten = ratio**10
    size = f"{per_ten - 1:+.0%} in the after/before ratio for 10 more minutes a day"
    if p <= estimate["alpha"]:
        way = "a larger fall" if estimate["slope"] < 0 else "a smaller fall or a rise"
        return (
            f"Delivered: more dosage went with {way} in incidents across these cells ({size}; permutation p {p:.3f})."
        )
    return (
        f"Delivered, no dose-response detected across these {estimate['cells']} cells ({size}; permutation p {p:.3f}): "
        "not evidence of no effect."
    )


def plan_dose_response(
    con: Connection, filters: Filters, area: StudyArea, ask: DoseAsk, caches: Caches
) -> dict[str, Any]:
    """Each planned cell's dose (minutes present a day) and its incidents before and after, the slope of the change
    on the dose with its permutation p-value, its calibration on shuffled dosage, and a verdict that tells "not
    delivered" from "delivered, no dose-response"."""
    got = delivered_cells(con, filters, area, DeliveryAsk(ask.cells, ask.res, *ask.delivered), caches)
    before, after = periods(ask, (got.period.start, got.period.end), read.month_extent(con)[1])
    counts_before, counts_after = _counts(con, filters, ask.res, before), _counts(con, filters, ask.res, after)
    n_before, n_after = _months(*before), _months(*after)
    cells = [
        {
            "rank": c["rank"],
            "h3": c["h3"],
            "ward": c["ward"],
            "minutes_per_day": c["minutes_per_day"],
            "compliant_visits": c["compliant_visits"],
            "before": counts_before.get(int(c["h3"], 16), 0),
            "after": counts_after.get(int(c["h3"], 16), 0),
        }
        for c in got.planned
    ]
    dose = np.array([c["minutes_per_day"] for c in cells], dtype=float)
    b = np.array([c["before"] for c in cells], dtype=float)
    a = np.array([c["after"] for c in cells], dtype=float)
    scale = n_after / n_before  # before counts scaled to the after-period's length: periods of any lengths compare
    for cell, change in zip(cells, log_change(b * scale, a), strict=True):
        cell["change"] = round(float(change), 4)
    estimate = calibration = None
    if len(cells) >= 4 and dose.any():
        found = dose_response(dose, b * scale, a, ask.permutations)
        estimate = estimate_fields(found, ask.alpha)
        if ask.runs:
            cal = null_calibration(dose, b * scale, a, ask.runs, 199, ask.alpha)
            calibration = calibration_fields(cal, 199)
    caveats = [OBSERVATIONAL, SIMULATED]
    if after[1] < got.period.start.replace(day=1):
        caveats.insert(0, "The after-period ends before the delivery began: the dose cannot have caused its change.")
    return {
        "area": area.echo(),
        "resolution": ask.res,
        "plan_period": got.plan["period"],
        "delivered": {"from": got.period.start.isoformat(), "to": got.period.end.isoformat(), "days": got.days},
        "before": {"from": f"{before[0]:%Y-%m}", "to": f"{before[1]:%Y-%m}"},
        "after": {"from": f"{after[0]:%Y-%m}", "to": f"{after[1]:%Y-%m}"},
        "cells": cells,
        "estimate": estimate,
        "calibration": calibration,
        "verdict": _verdict(cells, estimate, calibration),
        "method": METHOD,
        "caveats": caveats,
    }


def estimate_fields(found: DoseResponse, alpha: float) -> dict[str, Any]:
    """A dose-response estimate as the API gives it."""
    return {
        "cells": found.cells,
        "slope": round(found.slope, 5),
        "rate_ratio_per_unit": round(found.rate_ratio_per_unit, 5),
        "unit": "one more minute present a day",
        "p_value": round(found.p_value, 4),
        "permutations": found.permutations,
        "alpha": alpha,
        "spearman": round(found.correlation, 3),
    }


def calibration_fields(cal: Calibration, permutations: int) -> dict[str, Any]:
    """The test's calibration on shuffled dosage as the API gives it (each run with `permutations`)."""
    return {
        "runs": cal.runs,
        "permutations": permutations,
        "alpha": cal.alpha,
        "significant": cal.significant,
        "rate": round(cal.rate, 4),
        "interval": [round(cal.interval[0], 4), round(cal.interval[1], 4)],
    }
