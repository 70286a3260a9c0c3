"""One verdict per local authority district: its change against a comparison period, tested against its study area's
own change with false-discovery control across the area's districts, as a ward's is among the area's wards."""

from __future__ import annotations

from datetime import date

from api.services.filters import Filters
from api.services.ward_verdicts import WardVerdicts, test_against_area
from geo.trends import change
from ingest.store import read
from ingest.store.connection import Connection

LAD_TEST = (
    "the district against its area's own change: given its two counts, is its share of this period different from "
    "what the area's overall change gives (exact binomial with p = area total / (area total + area previous total), "
    "two-sided), Benjamini-Hochberg FDR across the area's districts; significant when q < alpha. The area is the "
    "study area asked for (`area`) when it holds this district and at least one other, else every district held. "
    "`expected` is the previous count scaled by the area's change, so a season that moves every district is not read "
    "as change"
)


def lad_verdicts(
    con: Connection, filters: Filters, lads: tuple[str, ...] | None, previous: tuple[date, date], alpha: float
) -> WardVerdicts:
    """Each district's count this period and in `previous` (of `lads`, or every district held), its change and the
    test against the districts' own change together (exact figures only: the rows are districts, by code)."""
    f = filters.only(lad=None).incident
    chosen = None if lads is None else set(lads)
    out = []
    for r in read.lad_counts(con, f, previous).to_pylist():
        count, before = int(r["count"]), int(r["previous_count"])
        if (chosen is not None and r["code"] not in chosen) or count + before == 0:
            continue
        delta, pct = change(count, before)
        out.append({"code": r["code"], "count": count, "previous_count": before, "change": delta, "change_pct": pct})
    out.sort(key=lambda r: r["code"])
    total, previous_total = sum(r["count"] for r in out), sum(r["previous_count"] for r in out)
    ratio = total / previous_total if total and previous_total else None
    test_against_area(out, alpha, ratio)
    return WardVerdicts(out, total, previous_total, ratio)
