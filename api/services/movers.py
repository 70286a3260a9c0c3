"""Rising and falling wards: the change against a comparison period, tested where figures are exact."""

from __future__ import annotations

from typing import Any

import numpy as np

from api.services.comparison import comparison_period
from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.reference import WardCache
from geo.change import fdr_q_values, poisson_change_p
from geo.trends import change
from ingest.store import read
from ingest.store.connection import Connection

MOVERS_TEST = (
    "two-sided conditional Poisson test (exact binomial on the two counts), Benjamini-Hochberg FDR across the wards "
    "tested; significant when q < alpha"
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
    if lad is not None and read.lad_exists(con, lad) is None:
        raise ParameterError("lad", f"unknown LAD code {lad!r}")
    f, figures = filters.incident, filters.figures
    prev_start, prev_end = comparison_period(f.start, f.end, compare)
    wards = {w.code: w for w in cache.get(con, filters.boundary_set) if lad is None or w.lad_code == lad}
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
    body: dict[str, Any] = {
        "period": {"from": f"{f.start:%Y-%m}", "to": f"{f.end:%Y-%m}"},
        "compare": compare,
        "previous_period": {"from": f"{prev_start:%Y-%m}", "to": f"{prev_end:%Y-%m}"},
        "filters": filters.echo(),
        "lad": lad,
    }
    if figures.exact:
        _test(movers, alpha)
        body.update({"alpha": alpha, "wards_tested": len(movers), "test": MOVERS_TEST})
    else:
        body["note"] = f"{figures.note}; wards with a suppressed count in either period are not listed"
    rising = sorted((m for m in movers if m["change"] > 0), key=lambda m: (-m["change"], m["code"]))[:top]
    falling = sorted((m for m in movers if m["change"] < 0), key=lambda m: (m["change"], m["code"]))[:top]
    return {**body, "rising": rising, "falling": falling}


def _test(movers: list[dict[str, Any]], alpha: float) -> None:
    """Add p, q and significant to each mover (Benjamini-Hochberg across all of them)."""
    p = np.array([poisson_change_p(m["count"], m["previous_count"]) for m in movers])
    q = fdr_q_values(p)
    for m, p_value, q_value in zip(movers, p, q, strict=True):
        m.update(
            {
                "p_value": float(f"{p_value:.3g}"),
                "q_value": float(f"{q_value:.3g}"),
                "significant": bool(q_value < alpha),
            }
        )
