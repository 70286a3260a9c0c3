"""A problem's profile: what the store holds for its area and period (counts by source and category, the monthly
series, the commonest location texts and the repeat locations). Frozen as the baseline when the problem opens."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from ingest.store import read
from ingest.store.connection import Connection
from ingest.taxonomy import expand_categories

ON_OR_NEAR = re.compile(r"^on or near\s+", re.IGNORECASE)
REPEAT_AT = 3  # a location text with this many records or more in the period is a repeat location
TOP_PLACES = 10


def incident_filter(group: str, sources: list[str], start: date, end: date, dedupe: bool = True) -> read.IncidentFilter:
    """The filter of a problem's counts: its category group and sources over the months."""
    categories = () if group == "all" else expand_categories((group,))
    return read.IncidentFilter(start=start, end=end, categories=categories, sources=tuple(sources), dedupe=dedupe)


def _months(start: date, end: date) -> list[str]:
    out, m = [], start
    while m <= end:
        out.append(m.strftime("%Y-%m"))
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def build_profile(
    con: Connection, group: str, sources: list[str], start: date, end: date, res: int, cells: np.ndarray
) -> dict[str, Any]:
    """The profile of the cells over the months: every figure split by source, so a view can keep the sources its
    reader may see. Counts are of incidents with a point in the area."""
    ids = [int(c) for c in cells]
    months = _months(start, end)
    incidents = read.cell_breakdown(con, incident_filter(group, sources, start, end), res, ids).to_pylist()
    records = read.cell_breakdown(con, incident_filter(group, sources, start, end, False), res, ids).to_pylist()
    monthly: dict[str, int] = dict.fromkeys(months, 0)
    for r in incidents:
        monthly[r["month"].strftime("%Y-%m")] += int(r["count"])
    by_source: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(months, 0))
    by_category: dict[tuple[str, str], int] = defaultdict(int)
    for r in records:
        by_source[r["source"]][r["month"].strftime("%Y-%m")] += int(r["count"])
        by_category[(r["source"], r["category"])] += int(r["count"])
    places: list[dict[str, Any]] = []
    for source in sorted(by_source):
        f = incident_filter(group, [source], start, end, False)
        counts: dict[str, int] = defaultdict(int)
        for row in read.cell_place_texts(con, f, res, ids, top=50).to_pylist():
            counts[ON_OR_NEAR.sub("", row["place"])] += int(row["n"])
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        places += [{"source": source, "place": p, "count": n, "repeat": n >= REPEAT_AT} for p, n in ranked[:50]]
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "store_version": read.store_version(con),
        "period": {"from": months[0], "to": months[-1], "months": len(months)},
        "category": group,
        "sources": sources or ["all"],
        "cells": {"res": res, "count": len(ids)},
        "total": sum(monthly.values()),
        "monthly": [{"month": m, "count": n} for m, n in monthly.items()],
        "by_source": [
            {
                "source": s,
                "count": sum(series.values()),
                "monthly": [{"month": m, "count": n} for m, n in series.items()],
            }
            for s, series in sorted(by_source.items())
        ],
        "by_category": [
            {"source": s, "category": c, "count": n}
            for (s, c), n in sorted(by_category.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))
        ],
        "places": places,
        "repeat_at": REPEAT_AT,
        "note": "Counts are of incidents with a map point in the area's cells (records located only to a ward are "
        "not counted); by source they are each agency's records, so records of one incident reported to two "
        "agencies count in both; the total counts linked records once. police.uk locations are shared map points.",
    }


def profile_for_sources(profile: dict[str, Any], allowed: set[str] | None) -> dict[str, Any]:
    """The profile with only the sources a reader may see (None: all): the total and monthly series are then the
    sum of those sources' records."""
    if allowed is None:
        return profile
    keep = [s for s in profile["by_source"] if s["source"] in allowed]
    months = [m["month"] for m in profile["monthly"]]
    monthly = {m: sum(next(x["count"] for x in s["monthly"] if x["month"] == m) for s in keep) for m in months}
    return {
        **profile,
        "sources": sorted(allowed & {s["source"] for s in profile["by_source"]}),
        "total": sum(monthly.values()),
        "monthly": [{"month": m, "count": n} for m, n in monthly.items()],
        "by_source": keep,
        "by_category": [c for c in profile["by_category"] if c["source"] in allowed],
        "places": [p for p in profile["places"] if p["source"] in allowed],
    }
