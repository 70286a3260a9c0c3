"""Rising and falling wards: the change against a comparison period, tested where figures are exact."""

from __future__ import annotations

from typing import Any

import numpy as np

from api.services.comparison import NOT_COMPARABLE, comparison_period, months_held
from api.services.filters import Filters
from api.services.places import resolve_lad
from api.services.reference import WardCache
from geo.change import fdr_q_values, poisson_change_p
from geo.trends import change
from ingest.store import read
from ingest.store.connection import Connection

MOVERS_TEST = (
    "each ward against its area's own change: given the ward's two counts, is its share of this period different "
    "from what the area's overall change gives (exact binomial with p = area total / (area total + area previous "
    "total), two-sided), Benjamini-Hochberg FDR across the wards tested; significant when q < alpha. `expected` is "
    "the ward's previous count scaled by the area's change; wards are ranked by their count above (rising) or below "
    "(falling) that expectation, so a season that moves every ward is not read as change; `change` is the raw change"
)


def ward_movers(
    con: Connection,
    filters: Filters,
    cache: WardCache,
    lad: str | None,
    top: int,
    alpha: float,
    compare: str = "previous",
) -> dict[str, Any]:
    """Wards whose count rose or fell most against the comparison period; with exact figures each carries an
    FDR-controlled test, with published figures changes are differences of published counts."""
    if lad is not None:
        lad = resolve_lad(con, lad)[0]
    f, figures = filters.incident, filters.figures
    prev_start, prev_end = comparison_period(f.start, f.end, compare)
    wards = {w.code: w for w in cache.get(con, filters.boundary_set) if lad is None or w.lad_code == lad}
    body: dict[str, Any] = {
        "period": {"from": f"{f.start:%Y-%m}", "to": f"{f.end:%Y-%m}"},
        "compare": compare,
        "previous_period": {"from": f"{prev_start:%Y-%m}", "to": f"{prev_end:%Y-%m}"},
        "filters": filters.echo(),
        "lad": lad,
    }
    if not months_held(con, f.sources, prev_start, prev_end):
        return {**body, "comparable": False, "note": NOT_COMPARABLE, "rising": [], "falling": []}
    keys = not figures.exact
    movers: list[dict[str, Any]] = []
    for r in read.ward_counts(con, f, filters.boundary_set, (prev_start, prev_end), keys=keys).to_pylist():
        ward = wards.get(r["code"])
        count = figures.count(int(r["count"]), int(r.get("count_key", 0)))
        previous = figures.count(int(r["previous_count"]), int(r.get("previous_key", 0)))
        if ward is None or count is None or previous is None or count + previous == 0:
            continue
        delta, pct = change(count, previous)
        mover: dict[str, Any] = {
            "code": ward.code,
            "name": ward.name,
            "lad": ward.lad_code,
            "count": count,
            "previous_count": previous,
            "change": delta,
        }
        if figures.exact:
            mover["change_pct"] = pct
        movers.append(mover)
    total, previous_total = sum(m["count"] for m in movers), sum(m["previous_count"] for m in movers)
    body["comparable"] = True
    if figures.exact:
        ratio = total / previous_total if total and previous_total else None
        _test(movers, alpha, ratio)
        body.update(
            {
                "alpha": alpha,
                "wards_tested": len(movers),
                "area_total": total,
                "area_previous_total": previous_total,
                "area_change_pct": None if ratio is None else round(100 * (ratio - 1), 1),
                "test": MOVERS_TEST,
            }
        )
        key = "excess"
    else:
        body["note"] = f"{figures.note}; wards with a suppressed count in either period are not listed"
        key = "change"
    rising = sorted((m for m in movers if m[key] > 0), key=lambda m: (-m[key], m["code"]))[:top]
    falling = sorted((m for m in movers if m[key] < 0), key=lambda m: (m[key], m["code"]))[:top]
    return {**body, "rising": rising, "falling": falling}


def _test(movers: list[dict[str, Any]], alpha: float, ratio: float | None) -> None:
    """Add the expected count, the excess over it, p, q and significant to each mover (Benjamini-Hochberg across
    all of them); with no area change to compare with (an empty period), nothing is significant."""
    if ratio is None:
        for m in movers:
            m.update({"expected": None, "excess": 0.0, "p_value": None, "q_value": None, "significant": False})
        return
    p = np.array([poisson_change_p(m["count"], m["previous_count"], ratio) for m in movers])
    q = fdr_q_values(p)
    for m, p_value, q_value in zip(movers, p, q, strict=True):
        expected = m["previous_count"] * ratio
        m["expected"] = round(expected, 1)
        m["excess"] = round(m["count"] - expected, 1)
        m["p_value"], m["q_value"] = float(f"{p_value:.3g}"), float(f"{q_value:.3g}")
        m["significant"] = bool(q_value < alpha)
