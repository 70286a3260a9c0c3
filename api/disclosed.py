"""Trend series and ward movers under disclosure control: published counts only, changes from published counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from api.deps import Filters
from api.disclosure import DisclosureRule, difference, publish
from api.errors import ParameterError
from api.services import WardCache, comparison_period
from geo.trends import month_range
from ingest.store.connection import Connection
from ingest.store.queries import KEY_MODULUS, monthly_counts, ward_counts

NOTE = (
    "disclosure control: counts below the threshold are suppressed (null); others are perturbed by a fixed amount "
    "per set of incidents and rounded; changes are differences of published counts; no significance tests are "
    "published at this level"
)


def _monthly(
    con: Connection, filters: Filters, start: date, end: date, ward: str | None, cell: tuple[int, int] | None
) -> dict[date, tuple[int, int]]:
    f = filters.incident
    t = monthly_counts(
        con, replace(f, start=start, end=end), (filters.boundary_set, ward) if ward else None, cell, keys=True
    )
    return {r["month"]: (int(r["count"]), int(r["key"])) for r in t.to_pylist()}


def _total(by_month: dict[date, tuple[int, int]], rule: DisclosureRule) -> int | None:
    """The published total of months: raw counts added, keys added (the key of the union of their incidents)."""
    raw = sum(n for n, _ in by_month.values())
    key = sum(k for _, k in by_month.values()) % KEY_MODULUS
    return publish(raw, key, rule)


def disclosed_trend(
    con: Connection,
    filters: Filters,
    rule: DisclosureRule,
    area: dict[str, Any],
    ward: str | None,
    cell: tuple[int, int] | None,
) -> dict[str, Any]:
    """The trend response for one area with every count published under the rule."""
    if cell is not None and cell[0] > rule.max_res:
        raise ParameterError("h3", f"cells finer than resolution {rule.max_res} need an analyst or partner token")
    f = filters.incident
    months = _monthly(con, filters, f.start, f.end, ward, cell)
    series = [
        {"month": f"{m:%Y-%m}", "count": publish(*months.get(m, (0, 0)), rule)} for m in month_range(f.start, f.end)
    ]
    total = _total(months, rule)
    compared: dict[str, dict[str, Any]] = {}
    for name, compare in (("previous_period", "previous"), ("last_year", "last_year")):
        start, end = comparison_period(f.start, f.end, compare)
        before = _total(_monthly(con, filters, start, end, ward, cell), rule)
        compared[name] = {"from": f"{start:%Y-%m}", "to": f"{end:%Y-%m}", "total": before}
        compared[name]["change"] = difference(total, before)
    return {
        "area": area,
        "interval": "month",
        "filters": filters.echo(),
        "series": series,
        "total": total,
        "previous_total": compared["previous_period"]["total"],
        "change": compared["previous_period"]["change"],
        "compared": compared,
        "note": NOTE,
    }


def disclosed_movers(
    con: Connection, filters: Filters, rule: DisclosureRule, cache: WardCache, lad: str | None, top: int, compare: str
) -> dict[str, Any]:
    """Rising and falling wards by the change in published counts."""
    f = filters.incident
    prev_start, prev_end = comparison_period(f.start, f.end, compare)
    wards = {w.code: w for w in cache.get(con, filters.boundary_set) if lad is None or w.lad_code == lad}
    movers: list[dict[str, Any]] = []
    for r in ward_counts(con, f, filters.boundary_set, (prev_start, prev_end), keys=True).to_pylist():
        ward = wards.get(r["code"])
        count = publish(int(r["count"]), int(r["count_key"]), rule)
        previous = publish(int(r["previous_count"]), int(r["previous_key"]), rule)
        delta = difference(count, previous)
        if ward is None or delta is None:
            continue
        movers.append(
            {
                "code": ward.code,
                "name": ward.name,
                "lad": ward.lad_code,
                "count": count,
                "previous_count": previous,
                "change": delta,
            }
        )
    rising = sorted((m for m in movers if m["change"] > 0), key=lambda m: (-m["change"], m["code"]))[:top]
    falling = sorted((m for m in movers if m["change"] < 0), key=lambda m: (m["change"], m["code"]))[:top]
    return {
        "period": {"from": f"{f.start:%Y-%m}", "to": f"{f.end:%Y-%m}"},
        "compare": compare,
        "previous_period": {"from": f"{prev_start:%Y-%m}", "to": f"{prev_end:%Y-%m}"},
        "filters": filters.echo(),
        "lad": lad,
        "note": NOTE + "; wards with a suppressed count in either period are not listed",
        "rising": rising,
        "falling": falling,
    }
