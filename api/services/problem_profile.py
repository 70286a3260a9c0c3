"""A problem's profile: what the store holds for its area and period (counts by source and category, the monthly
series with its tests, the weekday and hour profile, the commonest location texts and the repeat locations, the
records linked across agencies, the source monitor's word on the feeds). Frozen as the baseline when the problem
opens."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from api.services import problem_context as context
from api.services.concentration import SNAPPED, place_concentration
from api.services.facility_risk import profile_facilities
from api.services.near_repeat import figures as near_repeat_figures
from api.services.repeat_places import repeat_places
from geo.gaps import GapRule
from ingest.store import read
from ingest.store.connection import Connection
from ingest.taxonomy import expand_categories

ON_OR_NEAR = re.compile(r"^on or near\s+", re.IGNORECASE)
REPEAT_AT = 3  # a location text with this many records or more in the period is a repeat location
TOP_PLACES = 10
# figures across every source: left out of a partner's view
WHOLE_SOURCES = ("concentration", "repeat_places", "near_repeat", "risky_facilities")


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
    con: Connection,
    group: str,
    sources: list[str],
    start: date,
    end: date,
    res: int,
    cells: np.ndarray,
    rule: GapRule | None = None,
) -> dict[str, Any]:
    """The profile of the cells over the months: every figure split by source, so a view can keep the sources its
    reader may see. Counts are of incidents with a point in the area; `rule` is the source monitor's gap rule."""
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
    raw = incident_filter(group, sources, start, end, False)
    total = sum(monthly.values())
    monthly_list = [{"month": m, "count": n} for m, n in monthly.items()]
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "store_version": read.store_version(con),
        "period": {"from": months[0], "to": months[-1], "months": len(months)},
        "category": group,
        "sources": sources or ["all"],
        "cells": {"res": res, "count": len(ids)},
        "total": total,
        "monthly": monthly_list,
        "trend": {"halves": context.halves(monthly_list)} | context.comparisons(con, raw, res, ids, total),
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
        "timing": context.timing(con, raw, res, ids),
        "linked": context.linked(con, raw, res, ids),
        "feeds": context.monitor(con, rule or GapRule(), replace(raw, sources=tuple(sorted(by_source)) or raw.sources)),
        "concentration": place_concentration(con, incident_filter(group, sources, start, end), None, (res, ids)),
        "repeat_places": _repeats(con, incident_filter(group, sources, start, end), res, ids),
        "near_repeat": near_repeat_figures(con, incident_filter(group, sources, start, end), None, (res, ids)),
        "risky_facilities": profile_facilities(
            con, incident_filter(group, sources, start, end), read.resolve_boundary_set(con, None), res, ids
        ),
        "note": "Counts are of incidents with a map point in the area's cells (records located only to a ward are "
        "not counted); by source they are each agency's records, so records of one incident reported to two "
        "agencies count in both; the total counts linked records once. police.uk locations are shared map points.",
    }


def _repeats(con: Connection, f: read.IncidentFilter, res: int, ids: list[int]) -> dict[str, Any]:
    """The area's repeat places: the repeat rate of the 12 months to the period's end and its top repeat places."""
    found = repeat_places(con, f, None, TOP_PLACES, (res, ids))
    return {"last_window": found["rolling"][-1] if found["rolling"] else None, "top": found["top"], "note": SNAPPED}


def profile_for_sources(profile: dict[str, Any], allowed: set[str] | None) -> dict[str, Any]:
    """The profile with only the sources a reader may see (None: all): the total and monthly series are then the
    sum of those sources' records, and the tests, timings, links and feeds are of those sources only."""
    if allowed is None:
        return profile
    keep = [s for s in profile["by_source"] if s["source"] in allowed]
    months = [m["month"] for m in profile["monthly"]]
    monthly = {m: sum(next(x["count"] for x in s["monthly"] if x["month"] == m) for s in keep) for m in months}
    total = sum(monthly.values())
    monthly_list = [{"month": m, "count": n} for m, n in monthly.items()]
    view = {
        **profile,
        "sources": sorted(allowed & {s["source"] for s in profile["by_source"]}),
        "total": total,
        "monthly": monthly_list,
        "by_source": keep,
        "by_category": [c for c in profile["by_category"] if c["source"] in allowed],
        "places": [p for p in profile["places"] if p["source"] in allowed],
    }
    for key in WHOLE_SOURCES:
        view.pop(key, None)
    if "trend" in profile:
        view["trend"] = {"halves": context.halves(monthly_list)} | {
            k: _compared_for(v, allowed, total) if isinstance(v, dict) else v
            for k, v in profile["trend"].items()
            if k != "halves"
        }
    if "timing" in profile:
        view["timing"] = context.timing_totals([s for s in profile["timing"]["by_source"] if s["source"] in allowed])
    if "linked" in profile:
        combos = [c for c in profile["linked"]["by_sources"] if set(c["sources"]) <= allowed]
        view["linked"] = context.linked_view(combos)
    if "feeds" in profile:
        view["feeds"] = [f for f in profile["feeds"] if f["source"] in allowed]
    return view


def _compared_for(compared: dict[str, Any], allowed: set[str], total: int) -> dict[str, Any]:
    """A comparison recomputed over the sources a reader may see."""
    if not compared.get("held"):
        return compared
    by_source = {s: n for s, n in compared["by_source"].items() if s in allowed}
    tested = context.compared_with(total, sum(by_source.values()), context.ALPHA)
    return {"from": compared["from"], "to": compared["to"], **tested, "by_source": by_source}
