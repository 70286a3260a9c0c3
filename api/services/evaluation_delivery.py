"""Dose and response inside the evaluations: the delivered dosage an area got before and after (minutes present,
visits, compliant visits), "no delivery held" kept apart from none delivered, the verdict that tells "not delivered"
from "delivered, no different from comparable places", and the dose-response across the area's cells with its
calibration on shuffled dosage (geo.dose_response; docs/delivery.md)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import shapely

from api.services.dose_response import calibration_fields, estimate_fields
from api.services.placebo_evaluation import cells_at, force_counts, seed_of
from api.services.problem_area import WardShapes, area_ward_codes
from geo.dosage import DosageRules
from geo.dose_response import dose_response, log_change, null_calibration
from geo.hexbin import cell_polygons
from ingest.store import read
from ingest.store.connection import Connection
from ingest.store.read.delivery import DeliveryPeriod, cell_dosage, held_day_count, monthly_cell_dosage

Months = tuple[date, date]  # first days of the first and last month, inclusive
PLAN_RES = DosageRules().res  # dosage is counted on the patrol plan's cells
MIN_CELLS = 8  # fewer cells give a permutation test too few distinct orders and almost no power
PERMUTATIONS = 999
RUNS = 200  # shuffled-dose datasets of the calibration, each tested with CALIBRATION_PERMUTATIONS
CALIBRATION_PERMUTATIONS = 199
ALPHA = 0.05
NOT_HELD = "Not known: no delivery held"
NOT_DELIVERED = "Not delivered"
DELIVERED = "Delivered, "  # followed by the evaluation's own verdict against comparable places
NONE_HELD = "no delivery held for these dates"
DOSE_METHOD = (
    "Per cell: minutes present a day over the after-period's days with delivery held (the dose), and the change in "
    "incidents log((after + 0.5) / (before + 0.5)) against the cell's own before-period. The slope of the change on "
    "the dose is fitted by least squares with the before-level log(before + 0.5) as a covariate (busy cells fall "
    "back on their own), and tested two-sided by permutation (Freedman-Lane). Calibration: the dose shuffled across "
    "the cells, where no dose can have caused any change; the share called significant should stay near 5%."
)
ASSOCIATION = (
    "Dosage was not assigned at random: a slope is an association across cells, not a measured effect of patrol; "
    "few cells give little power, and no dose-response found is not evidence of no effect."
)


def month_days(months: Months) -> tuple[date, date]:
    """The first and last day of a span of months."""
    last = months[1]
    return months[0], last.replace(day=calendar.monthrange(last.year, last.month)[1])


def _days(first: date, last: date) -> int:
    return (last - first).days + 1


class HeldDosage:
    """The dosage held over a span of months: per cell, and how many of its days any delivery is held for."""

    def __init__(self, con: Connection, res: int, months: Months, agencies: tuple[str, ...] = ()) -> None:
        self.first, self.last = month_days(months)
        period = DeliveryPeriod(res, self.first, self.last, agencies)
        self.days = _days(self.first, self.last)
        self.held = held_day_count(con, period)
        table = cell_dosage(con, period) if self.held else None
        self.by_cell: dict[int, dict[str, Any]] = (
            {int(r["cell"]): r for r in table.to_pylist()} if table is not None else {}
        )

    def period(self) -> dict[str, Any]:
        """The span's days and the days held, in words when none are."""
        out = {"from": self.first.isoformat(), "to": self.last.isoformat(), "days": self.days, "days_held": self.held}
        if not self.held:
            out["words"] = NONE_HELD
        elif self.held < self.days:
            out["words"] = f"delivery held for {self.held} of these {self.days} days"
        return out

    def totals(self, cells: Iterable[int]) -> dict[str, Any] | None:
        """Minutes present, visits, compliant visits and cells visited over these cells (None: nothing held)."""
        if not self.held:
            return None
        rows = [self.by_cell.get(int(c)) or {} for c in cells]
        minutes = sum(float(r.get("minutes") or 0.0) for r in rows)
        return {
            "minutes": round(minutes, 1),
            "minutes_per_day_held": round(minutes / self.held, 2),
            "visits": sum(int(r.get("visits") or 0) for r in rows),
            "compliant_visits": sum(int(r.get("compliant_visits") or 0) for r in rows),
            "cells_visited": sum(float(r.get("minutes") or 0.0) > 0 for r in rows),
        }

    def dose(self, cells: np.ndarray) -> np.ndarray:
        """Minutes present a day held, per cell (zeros when nothing is held)."""
        if not self.held:
            return np.zeros(len(cells))
        return np.array([float((self.by_cell.get(int(c)) or {}).get("minutes") or 0.0) for c in cells]) / self.held


def ward_months(
    con: Connection, shapes: WardShapes, res: int, months: Months, agencies: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Delivery per ward of `shapes` and month (whole minutes, visits, compliant visits, every agency together): a
    cell counts in the ward holding its centre. No cell, day or time."""
    first, last = month_days(months)
    table = monthly_cell_dosage(con, DeliveryPeriod(res, first, last, agencies))
    if not table.num_rows or not len(shapes.codes):
        return []
    cells = np.asarray(table["cell"].to_numpy(), dtype=np.uint64)
    unique, inverse = np.unique(cells, return_inverse=True)
    centres = shapely.centroid(cell_polygons(unique))
    hit, ward = shapely.STRtree(shapes.geometries).query(centres, predicate="within")
    ward_of = dict(zip(hit.tolist(), ward.tolist(), strict=True))
    totals: dict[tuple[str, date], list[float]] = {}
    for row, u in zip(table.to_pylist(), inverse.tolist(), strict=True):
        w = ward_of.get(u)
        if w is None:
            continue
        sums = totals.setdefault((shapes.codes[w], row["month"]), [0.0, 0, 0])
        sums[0] += row["minutes"]
        sums[1] += row["visits"]
        sums[2] += row["compliant_visits"]
    names = dict(zip(shapes.codes, shapes.names, strict=True))
    return [
        {
            "ward": code,
            "ward_name": names[code],
            "month": f"{month:%Y-%m}",
            "minutes": int(round(s[0])),
            "visits": int(s[1]),
            "compliant_visits": int(s[2]),
        }
        for (code, month), s in sorted(totals.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]


def _ward_sum(rows: list[dict[str, Any]], held: HeldDosage, months: Months) -> dict[str, Any] | None:
    """The ward totals of a period summed (None: nothing held)."""
    if not held.held:
        return None
    inside = [r for r in rows if f"{months[0]:%Y-%m}" <= r["month"] <= f"{months[1]:%Y-%m}"]
    return {k: sum(r[k] for r in inside) for k in ("minutes", "visits", "compliant_visits")}


def combined_verdict(after_held: int, response_minutes: float | None, said: str) -> str:
    """Not known (no delivery held for the after-period), not delivered (held, but no presence in the response
    area), or delivered with the evaluation's own verdict against comparable places."""
    if not after_held or response_minutes is None:
        return NOT_HELD
    if response_minutes <= 0:
        return NOT_DELIVERED
    return DELIVERED + said


def incidents_missing(con: Connection, sources: list[str], after: Months) -> str | None:
    """Why the after-period's incidents cannot be read (not held to its end), or None."""
    latest = read.month_extent(con, tuple(sources))[1]
    if latest is None or latest < after[1]:
        held = f"incidents are held to {latest:%b %Y} only" if latest else "no incidents are held"
        return f"{held}: the after-period's incidents, the response, are not all held"
    return None


def cells_dose_response(
    dose: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    seed: int,
    permutations: int = PERMUTATIONS,
    runs: int = RUNS,
) -> dict[str, Any]:
    """The dose-response across cells (geo.dose_response) with its calibration on shuffled dosage, or why not."""
    dose = np.asarray(dose, dtype=float)
    out: dict[str, Any] = {"cells": len(dose), "method": DOSE_METHOD, "estimate": None, "calibration": None}
    if len(dose) < MIN_CELLS:
        counted = f"{len(dose)} cell{'' if len(dose) == 1 else 's'}"
        return out | {"why_not": f"{counted}: a dose-response needs at least {MIN_CELLS}"}
    if not dose.any():
        return out | {"why_not": "no presence in these cells after: there is no dose to read"}
    if np.ptp(dose) == 0:
        return out | {"why_not": "every cell got the same dose: there is no difference in dose to read"}
    found = dose_response(dose, before, after, permutations, seed)
    estimate = estimate_fields(found, ALPHA)
    if not runs:
        return out | {"estimate": estimate}
    cal = null_calibration(dose, before, after, runs, CALIBRATION_PERMUTATIONS, ALPHA, seed + 1)
    calibration = calibration_fields(cal, CALIBRATION_PERMUTATIONS)
    return out | {"estimate": estimate, "calibration": calibration, "reading": dose_reading(estimate, calibration)}


def dose_reading(estimate: dict[str, Any], calibration: dict[str, Any]) -> str:
    """The estimate in words, or "no reading" when the test called shuffled dosage significant too often."""
    null = (
        f"on shuffled dosage {calibration['rate']:.0%} called significant at {calibration['alpha']:.0%} "
        f"(95% interval {calibration['interval'][0]:.0%} to {calibration['interval'][1]:.0%})"
    )
    if calibration["interval"][0] > calibration["alpha"]:
        return f"No reading: {null}, more than its level, so the p-value cannot be taken at face value here."
    size = f"{estimate['rate_ratio_per_unit'] ** 10 - 1:+.0%} in the after/before ratio for 10 more minutes a day"
    p = estimate["p_value"]
    if p <= estimate["alpha"]:
        way = "a larger fall" if estimate["slope"] < 0 else "a smaller fall or a rise"
        return (
            f"More dosage went with {way} across these {estimate['cells']} cells ({size}; permutation p {p:.3f}; "
            f"{null})."
        )
    return (
        f"No dose-response detected across these {estimate['cells']} cells ({size}; permutation p {p:.3f}; {null}): "
        "not evidence of no effect."
    )


def per_cell(cells: np.ndarray, dose: np.ndarray, before: np.ndarray, after: np.ndarray) -> list[dict[str, Any]]:
    """Each cell's dose and incidents (analysts only: cells)."""
    change = log_change(before, after)
    return [
        {
            "h3": f"{int(c):x}",
            "minutes_per_day": round(float(d), 2),
            "before": int(b),
            "after": int(a),
            "change": round(float(y), 4),
        }
        for c, d, b, a, y in zip(cells, dose, before, after, change, strict=True)
    ]


def _cells_note(res: int) -> str | None:
    if res == PLAN_RES:
        return None
    if res > PLAN_RES:
        return (
            f"dosage is counted on res-{PLAN_RES} cells: the response area's res-{res} cells are read through the "
            f"res-{PLAN_RES} cells holding them, which cover more ground"
        )
    return f"dosage is counted on res-{PLAN_RES} cells: the response area's res-{res} cells are read through theirs"


def problem_delivery(
    con: Connection,
    problem: dict[str, Any],
    area: tuple[int, np.ndarray, np.ndarray],
    periods: tuple[Months, Months],
    wards: tuple[WardShapes, list[str]],
    said: str,
    lads: tuple[str, ...],
) -> dict[str, Any]:
    """A problem evaluation's delivery part: the dosage its response area and buffer got before and after (and its
    control wards, as monthly ward totals), the verdict that tells "not delivered" from "delivered, <the placebo
    verdict>", the dose-response across the response area's cells, and the monthly totals of the problem's own wards
    (all that is shown below analyst)."""
    res, cells, ring = area
    before, after = periods
    shapes, control = wards
    cells9, ring9 = cells_at(cells, PLAN_RES), np.setdiff1d(cells_at(ring, PLAN_RES), cells_at(cells, PLAN_RES))
    held = {"before": HeldDosage(con, PLAN_RES, before), "after": HeldDosage(con, PLAN_RES, after)}
    own = shapes.of(area_ward_codes(problem["area"]))
    control_rows = ward_months(con, shapes.of(set(control)), PLAN_RES, (before[0], after[1]))
    response_after = held["after"].totals(cells9)
    areas: dict[str, dict[str, Any]] = {
        "response": {"cells": len(cells9), **{k: h.totals(cells9) for k, h in held.items()}},
        "buffer": {"cells": len(ring9), **{k: h.totals(ring9) for k, h in held.items()}},
        "control": {
            "wards": len(control),
            "before": _ward_sum(control_rows, held["before"], before),
            "after": _ward_sum(control_rows, held["after"], after),
        },
    }
    verdict = combined_verdict(held["after"].held, None if response_after is None else response_after["minutes"], said)
    group, sources = problem["category_group"], list(problem["sources"])
    counts = force_counts(con, group, sources, PLAN_RES, lads, before, after) if lads else None
    if counts is None:
        b = a = np.zeros(len(cells9), dtype=np.int64)
    else:
        b, a = counts.sums(cells9[:, None])
    dose = held["after"].dose(cells9)
    seed = seed_of("dose", problem.get("id"), group, sources, before, after, [int(c) for c in cells9])
    why_not = NONE_HELD if not held["after"].held else incidents_missing(con, sources, after)
    found = (
        cells_dose_response(dose, b, a, seed)
        if why_not is None
        else {"cells": len(cells9), "method": DOSE_METHOD, "estimate": None, "calibration": None, "why_not": why_not}
    )
    return {
        "resolution": PLAN_RES,
        "cells_note": _cells_note(res),
        "before": held["before"].period(),
        "after": held["after"].period(),
        "areas": areas,
        "verdict": verdict,
        "words": delivery_words(verdict, held["after"], response_after)
        + ("" if why_not in (None, NONE_HELD) else f" No change can be read: {why_not}."),
        "dose_response": found | {"cells_detail": per_cell(cells9, dose, b, a), "caveat": ASSOCIATION},
        "wards": ward_months(con, own, PLAN_RES, (before[0], after[1])),
    }


def delivery_words(verdict: str, after: HeldDosage, response: dict[str, Any] | None) -> str:
    """The delivery verdict in a sentence."""
    if verdict == NOT_HELD:
        return f"{NOT_HELD} for {after.first:%d %b %Y} to {after.last:%d %b %Y}: nothing can be said of delivery."
    partial = f" (on the {after.held} of {after.days} days held)" if after.held < after.days else ""
    if verdict == NOT_DELIVERED or response is None:
        return f"{NOT_DELIVERED}: no patrol presence in the response area after{partial}, so there was no dose."
    return (
        f"{verdict}: {response['minutes']:g} minutes present in the response area after, {response['visits']} visits, "
        f"{response['compliant_visits']} of them 10 minutes or more{partial}."
    )


def plan_verdict(held: int, minutes: float) -> str:
    """Not known (nothing held for the test months), not delivered (held, no presence in the plan's cells), or
    delivered."""
    if not held:
        return NOT_HELD
    return NOT_DELIVERED if minutes <= 0 else "Delivered"


def selection_delivery(
    con: Connection,
    res: int,
    selected: np.ndarray,
    comparable: np.ndarray,
    months: Months,
    counts: tuple[np.ndarray, np.ndarray],
    seed: int,
) -> dict[str, Any]:
    """A patrol selection's own evaluation of delivery over its test months: the share of its cells visited, its
    compliant visits against one a cell a day held (each cell counted up to its own plan), the same for the next-ranked
    cells outside it (background presence), and the dose-response across its cells (each cell's incidents over the
    test months against as many months before them); `counts` are the selected cells' before and after counts."""
    if res != PLAN_RES:
        return {
            "verdict": NOT_HELD,
            "why_not": f"dosage is counted on res-{PLAN_RES} cells: evaluate at res {PLAN_RES}",
        }
    held = HeldDosage(con, PLAN_RES, months)
    out: dict[str, Any] = {"resolution": PLAN_RES, "period": held.period(), "cells": len(selected)}
    plan, background = held.totals(selected), held.totals(comparable)
    if plan is None:
        return out | {"verdict": NOT_HELD, "plan": None, "background": None, "dose_response": None}
    rows = [held.by_cell.get(int(c)) or {} for c in selected]
    target = held.held * len(selected)  # one compliant visit a cell a day held
    capped = sum(min(int(r.get("compliant_visits") or 0), held.held) for r in rows)
    plan |= {
        "share_visited": round(plan["cells_visited"] / len(selected), 3) if len(selected) else None,
        "target_compliant_visits": target,
        "share_delivered": round(capped / target, 3) if target else None,
    }
    dose = held.dose(selected)
    missing = incidents_missing(con, [], months)
    found = (
        cells_dose_response(dose, counts[0], counts[1], seed)
        if missing is None
        else {"cells": len(selected), "method": DOSE_METHOD, "estimate": None, "calibration": None, "why_not": missing}
    )
    return out | {
        "verdict": plan_verdict(held.held, plan["minutes"]),
        "plan": plan,
        "background": {"cells": len(comparable), **(background or {})},
        "dose_response": found | {"caveat": ASSOCIATION},
    }
