"""The parts of a problem's profile beyond its counts: the change against the period before and the same months a
year earlier (tested), when in the week and the day incidents happen where records are dated, the records linked
across agencies, and what the source monitor says about the feeds counted. Each part keeps its figures per source,
so a reader's view can keep the sources it may see and recompute the rest."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

from api.services.comparison import POISSON_TEST, compared_with, months_held, not_comparable
from api.services.sources import sources_report
from geo.gaps import GapRule
from geo.trends import add_months
from ingest.store import read
from ingest.store.connection import Connection

ALPHA = 0.05
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_ONLY = "police.uk gives the month only (no day or time), so its records are in no weekday or hour"
DATE_ONLY = "a date without a time of day: in the weekdays, not the hours"


def _period_counts(con: Connection, f: read.IncidentFilter, res: int, ids: list[int]) -> tuple[int, dict[str, int]]:
    """Incidents in the cells over the filter's months (linked records once) and each source's records."""
    unique = read.cell_breakdown(con, replace(f, dedupe=True), res, ids).to_pylist()
    raw = read.cell_breakdown(con, replace(f, dedupe=False), res, ids).to_pylist()
    by_source: Counter[str] = Counter()
    for r in raw:
        by_source[r["source"]] += int(r["count"])
    return sum(int(r["count"]) for r in unique), dict(sorted(by_source.items()))


def comparisons(con: Connection, f: read.IncidentFilter, res: int, ids: list[int], total: int) -> dict[str, Any]:
    """The period against the one before it and against the same months a year earlier: each source's records
    there (when held for every source counted), the change and the conditional Poisson test."""
    start, end = f.start, f.end
    n = (end.year - start.year) * 12 + end.month - start.month + 1
    out: dict[str, Any] = {"test": POISSON_TEST, "alpha": ALPHA}
    for name, (a, b) in {
        "previous_period": (add_months(start, -n), add_months(end, -n)),
        "last_year": (add_months(start, -12), add_months(end, -12)),
    }.items():
        if not months_held(con, f.sources, a, b):
            out[name] = not_comparable(f"{a:%Y-%m}", f"{b:%Y-%m}")
            continue
        before, by_source = _period_counts(con, replace(f, start=a, end=b), res, ids)
        out[name] = {"from": f"{a:%Y-%m}", "to": f"{b:%Y-%m}", **compared_with(total, before, ALPHA)}
        out[name]["by_source"] = by_source
    return out


def halves(monthly: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Within the period: its second half against its first (the conditional Poisson test), or None under 2
    months."""
    counts = [int(m["count"]) for m in monthly]
    if len(counts) < 2:
        return None
    k = len(counts) // 2
    first, second = counts[:k], counts[len(counts) - k :]
    return {
        "first": {"from": monthly[0]["month"], "to": monthly[k - 1]["month"]},
        "second": {"from": monthly[len(counts) - k]["month"], "to": monthly[-1]["month"]},
        **compared_with(sum(second), sum(first), ALPHA),
        "first_total": sum(first),
        "second_total": sum(second),
    }


def timing(con: Connection, f: read.IncidentFilter, res: int, ids: list[int]) -> dict[str, Any]:
    """Per source: records dated to the day by weekday and, where a time of day is given, by hour; records with a
    month only are counted apart. A source whose every dated record falls at midnight gives dates without times."""
    rows = read.cell_timing(con, replace(f, dedupe=False), res, ids).to_pylist()
    per: dict[str, dict[str, Any]] = defaultdict(lambda: {"month_only": 0, "weekday": [0] * 7, "hour": [0] * 24})
    timed: dict[str, bool] = defaultdict(bool)
    for r in rows:
        s = per[r["source"]]
        if r["weekday"] is None:
            s["month_only"] += int(r["count"])
            continue
        s["weekday"][int(r["weekday"]) - 1] += int(r["count"])
        s["hour"][int(r["hour"])] += int(r["count"])
        timed[r["source"]] |= not r["midnight"]
    out = []
    for source, s in sorted(per.items()):
        dated = sum(s["weekday"])
        note = MONTH_ONLY if source == "police" else None
        if dated and not timed[source]:
            note = DATE_ONLY
        elif not dated and note is None:
            note = "a month only: in no weekday or hour"
        hours = s["hour"] if timed[source] else None
        out.append(
            {"source": source, "dated": dated, "month_only": s["month_only"], "weekday": s["weekday"]}
            | {
                "hour": hours,
                "note": note,
            }
        )
    return timing_totals(out)


def timing_totals(by_source: list[dict[str, Any]]) -> dict[str, Any]:
    """The weekday and hour profile summed over the sources given (hours over those with times of day)."""
    weekday = [sum(s["weekday"][d] for s in by_source) for d in range(7)]
    timed = [s for s in by_source if s["hour"] is not None]
    return {
        "weekdays": list(WEEKDAYS),
        "weekday": weekday,
        "hour": [sum(s["hour"][h] for s in timed) for h in range(24)] if timed else None,
        "dated": sum(s["dated"] for s in by_source),
        "month_only": sum(s["month_only"] for s in by_source),
        "by_source": by_source,
        "note": "Records dated to the day, by the day of the week and the hour they happened (each agency's "
        "records: records linked across agencies count in each).",
    }


def linked(con: Connection, f: read.IncidentFilter, res: int, ids: list[int]) -> dict[str, Any]:
    """The incidents reported to more than one agency (records linked across sources), by the agencies involved."""
    groups = read.cell_linked_groups(con, f, res, ids).to_pylist()
    combos: Counter[tuple[str, ...]] = Counter()
    records: Counter[tuple[str, ...]] = Counter()
    for g in groups:
        combos[tuple(g["sources"])] += 1
        records[tuple(g["sources"])] += int(g["records"])
    return linked_view(
        [
            {"sources": list(k), "incidents": n, "records": records[k]}
            for k, n in sorted(combos.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    )


def linked_view(by_sources: list[dict[str, Any]]) -> dict[str, Any]:
    """The linked-record summary over the combinations given."""
    return {
        "incidents": sum(c["incidents"] for c in by_sources),
        "records": sum(c["records"] for c in by_sources),
        "by_sources": by_sources,
        "note": "Records of different agencies that likely describe one incident (near in place and time) are linked;"
        " the profile's total counts each such incident once.",
    }


def monitor(con: Connection, rule: GapRule, f: read.IncidentFilter) -> list[dict[str, Any]]:
    """What the source monitor says about each feed of the sources counted: its status, the months it holds, how
    precisely it locates records, and the gaps it flags in the period."""
    report = sources_report(con, rule, f.sources)
    period = (f"{f.start:%Y-%m}", f"{f.end:%Y-%m}")
    return [
        {
            "source": feed["source"],
            "feed": feed["feed"],
            "status": feed["status"],
            "first_month": feed["first_month"],
            "latest_month": feed["latest_month"],
            "precision": feed["precision"],
            "gaps_in_period": [g for g in feed["gaps"] if period[0] <= g["month"] <= period[1]],
            "gaps": len(feed["gaps"]),
        }
        for feed in report["feeds"]
    ]
