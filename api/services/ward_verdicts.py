"""One verdict per ward: its change against a comparison period, tested against its study area's own change with
false-discovery control across the area's wards; the movers list and a ward's trend both read it from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from api.services.filters import Filters
from api.services.reference import Ward, WardCache
from api.services.study_area import StudyArea
from geo.change import fdr_q_values, poisson_change_ps
from geo.trends import change
from ingest.store import read
from ingest.store.connection import Connection

AREA_TEST = (
    "each ward against its area's own change: given the ward's two counts, is its share of this period different "
    "from what the area's overall change gives (exact binomial with p = area total / (area total + area previous "
    "total), two-sided), Benjamini-Hochberg FDR across the wards tested; significant when q < alpha. `expected` is "
    "the ward's previous count scaled by the area's change; wards are ranked by their count above (rising) or below "
    "(falling) that expectation, so a season that moves every ward is not read as change; `change` is the raw change"
)


@dataclass(frozen=True)
class WardVerdicts:
    """Every ward of an area with a count in either period (tested where figures are exact) and the area's totals."""

    wards: list[dict[str, Any]]
    total: int
    previous_total: int
    ratio: float | None  # the area's own change, total / previous total (None when either is 0)

    def of(self, code: str) -> dict[str, Any] | None:
        """The verdict on one ward, or None when it has no count in either period (or is not in the area)."""
        return next((w for w in self.wards if w["code"] == code), None)


def area_wards(con: Connection, cache: WardCache, boundary_set: str, lads: tuple[str, ...] | None) -> dict[str, Ward]:
    """The wards of the boundary set in these LADs (every ward when lads is None), by code."""
    chosen = None if lads is None else set(lads)
    return {w.code: w for w in cache.get(con, boundary_set) if chosen is None or w.lad_code in chosen}


def study_area_lads(area: StudyArea | None) -> tuple[str, ...] | None:
    """The LADs whose wards a study area tests together (None: every ward, for no area or every area held)."""
    return None if area is None or area.kind == "all" else area.lads


def ward_verdicts(
    con: Connection, filters: Filters, wards: dict[str, Ward], previous: tuple[date, date], alpha: float
) -> WardVerdicts:
    """Each ward's count this period and in `previous`, its change and, with exact figures, the test against the
    area's own change (expected, excess, p, q, significant); with published figures changes are differences of
    published counts, and wards with a suppressed count in either period are left out."""
    f, figures = filters.incident, filters.figures
    keys = not figures.exact
    out: list[dict[str, Any]] = []
    for r in read.ward_counts(con, f, filters.boundary_set, previous, keys=keys).to_pylist():
        ward = wards.get(r["code"])
        count = figures.count(int(r["count"]), int(r.get("count_key", 0)))
        before = figures.count(int(r["previous_count"]), int(r.get("previous_key", 0)))
        if ward is None or count is None or before is None or count + before == 0:
            continue
        delta, pct = change(count, before)
        verdict: dict[str, Any] = {
            "code": ward.code,
            "name": ward.name,
            "lad": ward.lad_code,
            "count": count,
            "previous_count": before,
            "change": delta,
        }
        if figures.exact:
            verdict["change_pct"] = pct
        out.append(verdict)
    total, previous_total = sum(w["count"] for w in out), sum(w["previous_count"] for w in out)
    ratio = total / previous_total if total and previous_total else None
    if figures.exact:
        test_against_area(out, alpha, ratio)
    return WardVerdicts(out, total, previous_total, ratio)


def test_against_area(wards: list[dict[str, Any]], alpha: float, ratio: float | None) -> None:
    """Add the expected count, the excess over it, p, q and significant to each ward (or district: any row with
    `count` and `previous_count`), Benjamini-Hochberg across all of them; with no area change to compare with (an
    empty period), nothing is significant."""
    if ratio is None:
        for w in wards:
            w.update({"expected": None, "excess": 0.0, "p_value": None, "q_value": None, "significant": False})
        return
    counts = np.array([w["count"] for w in wards], dtype=np.int64)
    p = poisson_change_ps(counts, np.array([w["previous_count"] for w in wards], dtype=np.int64), ratio)
    q = fdr_q_values(p)
    for w, p_value, q_value in zip(wards, p, q, strict=True):
        expected = w["previous_count"] * ratio
        w["expected"] = round(expected, 1)
        w["excess"] = round(w["count"] - expected, 1)
        w["p_value"], w["q_value"] = float(f"{p_value:.3g}"), float(f"{q_value:.3g}")
        w["significant"] = bool(q_value < alpha)
