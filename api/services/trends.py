"""Trend series for a ward, a LAD, an H3 cell or the whole filtered area: counts by month, changes, seasonality."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from api.services.comparison import (
    compared_with,
    comparison_members,
    comparison_period,
    held_months,
    months_held,
    not_comparable,
)
from api.services.errors import ParameterError
from api.services.figures import check_resolution
from api.services.filters import Filters
from api.services.lad_verdicts import LAD_TEST, lad_verdicts
from api.services.places import resolve_lad, resolve_ward
from api.services.reference import WardCache
from api.services.study_area import LatticeCache, StudyArea, lattice_counts
from api.services.ward_verdicts import AREA_TEST, WardVerdicts, area_wards, study_area_lads, ward_verdicts
from geo.emerging import TREND_ALPHA, cell_trends, trend_words
from geo.hexbin import cell_resolution
from geo.lattice import neighbour_matrix
from geo.trends import month_range
from ingest.store import read
from ingest.store.connection import Connection

MonthCounts = dict[date, tuple[int, int]]  # month -> (count, cell key)
CELL_TREND = (
    "the cell's trend over the period's months, as the emerging hotspots (k = 1) and the patrol plan give it: "
    "Mann-Kendall on its neighbourhood's share of the study area's incidents month by month (so a season the whole "
    "area shares is not a trend), rising or falling at p < alpha, else steady"
)


@dataclass(frozen=True)
class TrendArea:
    """Where a trend is counted: the whole filtered area, one ward, one LAD or one H3 cell (res, cell)."""

    echo: dict[str, Any] = field(default_factory=lambda: {"type": "all"})
    ward: str | None = None
    cell: tuple[int, int] | None = None

    @property
    def code(self) -> str:
        """The area's code for file names ('all' for the whole area)."""
        return str(self.echo.get("code", "all"))


@dataclass(frozen=True)
class WardTest:
    """Where a ward's or a district's change is tested against its area's own change (a ward as the movers test it,
    api.services.ward_verdicts; a district among the area's districts, api.services.lad_verdicts): the ward cache and
    the study area whose wards (districts) are tested together (None: every ward or district held)."""

    wards: WardCache
    area: StudyArea | None = None
    lattices: LatticeCache | None = None  # a cell's trend among the study area's cells (none without both)


def resolve_trend_area(
    con: Connection, filters: Filters, ward: str | None, lad: str | None, h3: str | None
) -> tuple[TrendArea, Filters]:
    """The area of a trend question (at most one of ward, lad, h3) and the filters restricted to it."""
    if sum(v is not None for v in (ward, lad, h3)) > 1:
        raise ParameterError("ward", "give one of ward, lad or h3")
    if ward:
        found = resolve_ward(con, filters.boundary_set, ward)
        echo = {
            "type": "ward",
            "code": found.code,
            "name": found.name,
            "lad": found.lad_code,
            "wards": filters.boundary_set,
        }
        return TrendArea(echo, ward=found.code), filters
    if lad:
        code, name = resolve_lad(con, lad)
        return TrendArea({"type": "lad", "code": code, "name": name}), filters.only(lad=code)
    if h3:
        res = cell_resolution(h3)
        if res is None or not 6 <= res <= 10:
            raise ParameterError("h3", f"{h3!r} is not an H3 cell at resolution 6 to 10")
        check_resolution(filters.figures, res, "h3")
        return TrendArea({"type": "h3", "code": h3.lower(), "resolution": res}, cell=(res, int(h3, 16))), filters
    return TrendArea(), filters


def month_counts(con: Connection, filters: Filters, area: TrendArea) -> MonthCounts:
    """Counts (and, when the figures need them, cell keys) per month of the filters' period in the area."""
    scope = (filters.boundary_set, area.ward) if area.ward else None
    keys = not filters.figures.exact
    t = read.monthly_counts(con, filters.incident, scope, area.cell, keys=keys)
    key = t["key"].to_pylist() if keys else [0] * t.num_rows
    return {m: (int(n), int(k)) for m, n, k in zip(t["month"].to_pylist(), t["count"].to_pylist(), key, strict=True)}


def held_counts(
    con: Connection, filters: Filters, area: TrendArea, held: tuple[date | None, date | None]
) -> MonthCounts:
    """Counts (and keys) per month of every month held (`held`: the first and last), read once for the period, the
    periods it is compared with and the seasonal profile; no month outside them holds any record."""
    if not (held[0] and held[1]):
        return {}
    return month_counts(con, filters.months(held[0].replace(day=1), held[1].replace(day=1)), area)


def within(counts: MonthCounts, start: date, end: date) -> MonthCounts:
    """The months of counts from start to end (the counts month_counts gives for that period)."""
    return {m: v for m, v in counts.items() if start <= m <= end}


def published(filters: Filters, counts: MonthCounts) -> list[tuple[date, int | None]]:
    """Every month of the filters' period with its count as published (zero-filled)."""
    f, figures = filters.incident, filters.figures
    return [(m, figures.count(*counts.get(m, (0, 0)))) for m in month_range(f.start, f.end)]


def held_series(series: list[tuple[date, int | None]], held: list[bool]) -> list[dict[str, Any]]:
    """The series as answered: a month not held for every source counted has no count (null, held false), not 0."""
    return [
        {"month": f"{m:%Y-%m}", "count": n if is_held else None, "held": is_held}
        for (m, n), is_held in zip(series, held, strict=True)
    ]


def trend_series(con: Connection, filters: Filters, area: TrendArea) -> list[tuple[date, int | None]]:
    """Zero-filled monthly counts over the period, as published."""
    return published(filters, month_counts(con, filters, area))


def _compared(
    con: Connection,
    filters: Filters,
    area: TrendArea,
    total: int | None,
    compare: str,
    alpha: float,
    ward_test: WardTest | None = None,
    every: MonthCounts | None = None,
) -> dict[str, Any]:
    f, figures = filters.incident, filters.figures
    start, end = comparison_period(f.start, f.end, compare)
    if not months_held(con, f.sources, start, end):
        return not_comparable(f"{start:%Y-%m}", f"{end:%Y-%m}")
    counts = month_counts(con, filters.months(start, end), area) if every is None else within(every, start, end)
    before = figures.total(counts.values())
    out: dict[str, Any] = {"from": f"{start:%Y-%m}", "to": f"{end:%Y-%m}"}
    if not figures.exact or total is None or before is None:
        change = None if total is None or before is None else total - before
        return {**out, "held": True, "comparable": True, "total": before, "change": change}
    series = [{"month": f"{m:%Y-%m}", "count": counts.get(m, (0, 0))[0], "held": True} for m in month_range(start, end)]
    tested = {**out, **compared_with(total, before, alpha), "series": series}
    if area.ward and ward_test is not None:
        tested.update(_ward_verdict(con, filters, area, ward_test, (start, end), alpha))
    elif area.echo["type"] == "lad" and ward_test is not None:
        tested.update(_lad_verdict(con, filters, area, ward_test, (start, end), alpha))
    return tested


def _verdict_members(verdicts: WardVerdicts, code: str, against: dict[str, Any], alpha: float) -> dict[str, Any]:
    """The members of a comparison that carry a place's verdict against its area, and the area's own change."""
    mine = verdicts.of(code) or {}
    ratio = verdicts.ratio
    return {
        "against": against,
        "alpha": alpha,
        "expected": mine.get("expected"),
        "p_value": mine.get("p_value"),
        "q_value": mine.get("q_value"),
        "significant": bool(mine.get("significant", False)),
        "area_total": verdicts.total,
        "area_previous_total": verdicts.previous_total,
        "area_change_pct": None if ratio is None else round(100 * (ratio - 1), 1),
    }


def _lad_verdict(
    con: Connection, filters: Filters, area: TrendArea, test: WardTest, previous: tuple[date, date], alpha: float
) -> dict[str, Any]:
    """A district's verdict against its study area's own change, FDR across the area's districts (every district
    held when the area is not given, has one district only, or does not hold this one)."""
    lads, against = study_area_lads(test.area), None if test.area is None else test.area.echo()
    if lads is None or area.code not in lads or len(lads) < 2:
        lads, against = None, {"type": "all", "code": None, "name": "every district held"}
    verdicts = lad_verdicts(con, filters, lads, previous, alpha)
    return _verdict_members(verdicts, area.code, against or {}, alpha)


def _ward_verdict(
    con: Connection, filters: Filters, area: TrendArea, test: WardTest, previous: tuple[date, date], alpha: float
) -> dict[str, Any]:
    """A ward's verdict as the movers give it: against its study area's own change, FDR across the area's wards (a
    ward outside the study area is tested among its own authority's wards)."""
    lads, against = study_area_lads(test.area), None if test.area is None else test.area.echo()
    lad = area.echo.get("lad")
    if lads is not None and lad and lad not in lads:
        lads, against = (lad,), {"type": "lad", "code": lad, "name": resolve_lad(con, lad)[1]}
    if lads is None:
        against = {"type": "all", "code": None, "name": "every ward held"}
    verdicts = ward_verdicts(con, filters, area_wards(con, test.wards, filters.boundary_set, lads), previous, alpha)
    return _verdict_members(verdicts, str(area.ward), against or {}, alpha)


def seasonality(
    con: Connection,
    filters: Filters,
    area: TrendArea,
    held: tuple[date | None, date | None],
    every: MonthCounts | None = None,
) -> dict:
    """Mean count in each calendar month over every month held, against the mean of all months (`every`: the counts
    of every month held, when read already)."""
    if not (held[0] and held[1]):
        return {"index": {}, "years": 0, "note": "no data held"}
    first, last = held[0].replace(day=1), held[1].replace(day=1)
    over = filters.months(first, last)
    series = trend_series(con, over, area) if every is None else published(over, every)
    everything = [(m, n or 0) for m, n in series]
    by_month: dict[int, list[int]] = {}
    for m, n in everything:
        by_month.setdefault(m.month, []).append(n)
    overall = sum(n for _, n in everything) / len(everything) if everything else 0
    index = {
        calendar.month_abbr[k]: round(sum(v) / len(v) / overall, 3) if overall else None
        for k, v in sorted(by_month.items())
    }
    years = min(len(v) for v in by_month.values()) if len(by_month) == 12 else 0
    note = "mean count in each calendar month over the months held, divided by the mean of all months (1 = average)" + (
        "" if years >= 2 else "; under two full years held, so season and trend cannot be told apart"
    )
    return {"index": index, "years": years, "from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}", "note": note}


def monthly_trend(
    con: Connection, filters: Filters, area: TrendArea, alpha: float = 0.05, ward_test: WardTest | None = None
) -> dict[str, Any]:
    """The series, its total, the change against the previous period and the same months last year (tested where
    figures are exact; a ward's change, given ward_test, as the movers test it), and the seasonal profile."""
    figures = filters.figures
    f = filters.incident
    held = read.month_extent(con, f.sources)
    every = held_counts(con, filters, area, held)
    counts = within(every, f.start, f.end)
    series = published(filters, counts)
    total = figures.total(counts.values())
    previous = _compared(con, filters, area, total, "previous", alpha, ward_test, every)
    last_year = _compared(con, filters, area, total, "last_year", alpha, ward_test, every)
    body: dict[str, Any] = {
        "area": area.echo,
        "interval": "month",
        "filters": filters.echo(),
        "series": held_series(series, held_months(con, f.sources, [m for m, _ in series])),
        "total": total,
    }
    if not figures.exact:
        return {
            **body,
            "previous_total": previous["total"],
            "change": previous["change"],
            "compared": {"previous_period": previous, "last_year": last_year},
            "note": figures.note,
        }
    members = comparison_members(previous, last_year)
    against_area = ward_test is not None and (area.ward is not None or area.echo["type"] == "lad")
    if area.ward and ward_test is not None:
        members["test"] = AREA_TEST  # the ward's verdict is the movers' verdict
    elif against_area:
        members["test"] = LAD_TEST
    season = seasonality(con, filters, area, held, every)
    body |= {**members, "seasonality": season, "season": season_note(len(series), season["years"], against_area)}
    trend = cell_trend(con, filters, area, ward_test) if area.cell and ward_test else None
    return body if trend is None else {**body, "cell_trend": trend}


def cell_trend(con: Connection, filters: Filters, area: TrendArea, test: WardTest) -> dict[str, Any] | None:
    """An H3 cell's trend over the months among its study area's cells, the one the emerging hotspots and the patrol
    plan give it (None without a study area, outside it, or under 4 months)."""
    if area.cell is None or test.area is None or test.lattices is None:
        return None
    res, code = area.cell
    lattice, bbox = test.lattices.get(con, test.wards, filters.boundary_set, test.area, res)
    found = np.flatnonzero(lattice.cells == np.uint64(code))
    counts = lattice_counts(con, filters.incident, lattice, bbox)[0] if len(found) else np.zeros((0, 0))
    if not len(found) or counts.shape[1] < 4:
        return None
    z, p = cell_trends(counts, neighbour_matrix(lattice, 1), found)
    return {
        "trend": str(trend_words(z, p, TREND_ALPHA)[0]),
        "trend_z": round(float(z[0]), 3),
        "trend_p": float(f"{p[0]:.3g}"),
        "alpha": TREND_ALPHA,
        "area": test.area.echo(),
        "method": CELL_TREND,
    }


def season_note(months: int, years: int, against_area: bool) -> dict[str, Any]:
    """Whether the change against the previous period can be told from a season: a period of whole years spans every
    season, otherwise it takes two years held (the same months last year) to tell them apart."""
    if months % 12 == 0:
        return {"told_apart": True, "note": "whole years compared with the year before: every season in both"}
    if years >= 2:
        return {
            "told_apart": True,
            "note": f"{years} years held: the same months last year (compared.last_year) tell a season from a trend",
        }
    tested = (
        "the change is tested against the area's own change, so a season the whole area shares is taken out, but not "
        "a season of this place's own"
        if against_area
        else "the change against the previous period is tested against equal rates, so a season reads as change"
    )
    return {
        "told_apart": False,
        "note": "under two years held: a season cannot be told from a trend in the change against the previous "
        f"period ({tested})",
    }


def trend_table(body: dict[str, Any]) -> tuple[list[str], list[tuple[object, ...]], str]:
    """A trend answer as a CSV table: header, rows, file name. A count not held or not published is an empty cell
    (`held` tells which); each row ends with the area's code ('all' for the whole filtered area)."""
    code = body["area"].get("code", "all")
    if body["interval"] == "week":
        rows: list[tuple[object, ...]] = [
            (s["week"], s["week_start"], _cell(s["count"]), _yes(s["held"]), code) for s in body["series"]
        ]
        name = f"aim-trend-{code}-{body['weeks']['from']}-{body['weeks']['to']}.csv"
        return ["week", "week_start", "count", "held", "area"], rows, name
    period = body["filters"]
    name = f"aim-trend-{code}-{period['from']}-{period['to']}.csv"
    rows = [(s["month"], _cell(s["count"]), _yes(s["held"]), code) for s in body["series"]]
    return ["month", "count", "held", "area"], rows, name


def _cell(count: int | None) -> object:
    return "" if count is None else count


def _yes(held: bool) -> str:
    return "true" if held else "false"
