"""Weekly series and weekly cell counts, from incidents dated to the day (police.uk rows have months only)."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from api.services.comparison import compared_with, comparison_members, not_comparable
from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.trends import TrendArea
from geo.lattice import Lattice
from geo.weeks import WEEK, months_spanned, previous_weeks, week_label, weeks_last_year, whole_weeks
from ingest.store import read
from ingest.store.connection import Connection
from ingest.store.read import IncidentFilter

WEEKDAY_NOTE = (
    "mean count on each weekday over the weeks, divided by the mean of all days (1 = average); police.uk rows have "
    "no day and are not in it"
)


def period_weeks(f: IncidentFilter) -> list[date]:
    """Mondays of the whole weeks inside the filter's months; a clear error when there are none."""
    weeks = whole_weeks(f.start, f.end)
    if not weeks:
        raise ParameterError("from", f"{f.start:%Y-%m}..{f.end:%Y-%m} holds no whole week (Monday to Sunday)")
    return weeks


def _span(weeks: list[date]) -> tuple[date, date]:
    return weeks[0], weeks[-1] + WEEK


def _covering(f: IncidentFilter, weeks: list[date]) -> IncidentFilter:
    start, end = months_spanned(weeks)
    return replace(f, start=start, end=end)


def weekly_series(
    con: Connection, f: IncidentFilter, weeks: list[date], ward: tuple[str, str] | None, cell: tuple[int, int] | None
) -> list[tuple[date, int]]:
    """Zero-filled weekly counts (week Monday, count) of incidents dated to the day."""
    t = read.dated_counts(con, _covering(f, weeks), _span(weeks), "week", ward, cell)
    seen = dict(zip(t["week"].to_pylist(), t["count"].to_pylist(), strict=True))
    return [(w, int(seen.get(w, 0))) for w in weeks]


def _comparison(
    con: Connection,
    f: IncidentFilter,
    weeks: list[date],
    ward: tuple[str, str] | None,
    cell: tuple[int, int] | None,
    total: int,
    held: tuple[date | None, date | None],
    alpha: float,
) -> dict[str, Any]:
    last_day = weeks[-1] + timedelta(days=6)
    if not (held[0] and held[1] and held[0] <= weeks[0] and last_day <= held[1]):
        return not_comparable(week_label(weeks[0]), week_label(weeks[-1]))
    series = weekly_series(con, f, weeks, ward, cell)
    return {
        "from": week_label(weeks[0]),
        "to": week_label(weeks[-1]),
        **compared_with(total, sum(n for _, n in series), alpha),
        "series": [{"week": week_label(w), "week_start": f"{w:%Y-%m-%d}", "count": n, "held": True} for w, n in series],
    }


def _weekdays(
    con: Connection, f: IncidentFilter, weeks: list[date], ward: tuple[str, str] | None, cell: tuple[int, int] | None
) -> dict[str, Any]:
    t = read.dated_counts(con, _covering(f, weeks), _span(weeks), "weekday", ward, cell)
    seen = dict(zip(t["weekday"].to_pylist(), t["count"].to_pylist(), strict=True))
    total = sum(seen.values())
    mean = total / 7
    index = {calendar.day_abbr[d - 1]: round(seen.get(d, 0) / mean, 3) if mean else None for d in range(1, 8)}
    return {"index": index, "weeks": len(weeks), "note": WEEKDAY_NOTE}


def _week(week: date, count: int, held: tuple[date | None, date | None]) -> dict[str, Any]:
    """A week of the series as answered: a week wholly outside the dated incidents held has no count (null), not 0."""
    is_held = bool(held[0] and held[1] and held[0] <= week + timedelta(days=6) and week <= held[1])
    out: dict[str, Any] = {"week": week_label(week), "week_start": f"{week:%Y-%m-%d}"}
    return {**out, "count": count if is_held else None, "held": is_held}


def weekly_trend(con: Connection, filters: Filters, trend_area: TrendArea, alpha: float = 0.05) -> dict[str, Any]:
    """Weekly series over the whole weeks of the period, change against the weeks before and the same weeks a year
    earlier (conditional Poisson test), the weekday profile, and how many incidents had a month only."""
    if not filters.figures.exact:
        raise ParameterError("interval", "published series are monthly; weekly series need an analyst or partner")
    area, ward, cell = trend_area.echo, trend_area.ward, trend_area.cell
    f = filters.incident
    weeks = period_weeks(f)
    scope = (filters.boundary_set, ward) if ward else None
    series = weekly_series(con, f, weeks, scope, cell)
    total = sum(n for _, n in series)
    held = read.date_extent(con, f.sources)
    previous = _comparison(con, f, previous_weeks(weeks), scope, cell, total, held, alpha)
    last_year = _comparison(con, f, weeks_last_year(weeks), scope, cell, total, held, alpha)
    month_only = read.month_only_count(con, f, scope, cell)
    warnings = [
        f"the {label} ({c['from']} to {c['to']}) are not all within the dated incidents held: not comparable"
        for label, c in (("weeks before", previous), ("same weeks last year", last_year))
        if not c["held"]
    ]
    if month_only:
        warnings.append(
            f"{month_only:,} incidents in these months have a month only (police.uk gives no day): weekly series "
            "count only incidents dated to the day; use interval=month for all of them"
        )
    return {
        "area": area,
        "interval": "week",
        "filters": filters.echo(),
        "weeks": {"from": week_label(weeks[0]), "to": week_label(weeks[-1]), "count": len(weeks)},
        "series": [_week(w, n, held) for w, n in series],
        "total": total,
        "month_only": month_only,
        **comparison_members(previous, last_year),
        "seasonality": _weekdays(con, f, weeks, scope, cell),
        "warnings": warnings,
    }


def lattice_week_counts(
    con: Connection, f: IncidentFilter, lattice: Lattice, bbox: tuple[float, float, float, float] | None
) -> tuple[np.ndarray, list[date], int]:
    """Counts per lattice cell and whole week of the period (cells x weeks) of incidents dated to the day, the week
    Mondays, and how many incidents in the period's months have a month only."""
    weeks = period_weeks(f)
    out = np.zeros((len(lattice), len(weeks)), dtype=np.float64)
    if len(lattice) and bbox is not None:
        t = read.cell_week_counts(con, _covering(f, weeks), lattice.res, bbox, _span(weeks))
        if t.num_rows:
            idx = lattice.index_of(t["cell"].to_numpy().astype(np.uint64))
            week = t["week"].to_numpy().astype("datetime64[D]")
            cols = ((week - np.datetime64(weeks[0], "D")) // 7).astype(np.int64)
            keep = (idx >= 0) & (cols >= 0) & (cols < len(weeks))
            np.add.at(out, (idx[keep], cols[keep]), t["count"].to_numpy()[keep])
    return out, weeks, read.month_only_count(con, f)
