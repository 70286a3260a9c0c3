"""Monthly or weekly trend series for a ward, a LAD, a cell or the whole filtered area, as JSON or CSV."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.audit import record_access
from api.deps import Con, Filters, FiltersDep
from api.disclosed import disclosed_movers, disclosed_trend
from api.errors import ParameterError
from api.responses import csv_response
from api.services import compared_with, comparison_members, comparison_period, trend_series, ward_movers
from api.weekly import weekly_trend
from geo.hexbin import cell_resolution
from ingest.store.connection import Connection
from ingest.store.queries import lad_exists, month_extent, ward_lad

router = APIRouter(prefix="/api/v1", tags=["trends"])


@router.get("/trends/movers")
def movers(
    request: Request,
    con: Con,
    filters: FiltersDep,
    lad: Annotated[str | None, Query(description="Only wards of this local authority district")] = None,
    top: Annotated[int, Query(ge=1, le=200, description="How many rising and how many falling wards")] = 10,
    alpha: Annotated[float, Query(gt=0, lt=1, description="False discovery rate for `significant`")] = 0.05,
    compare: Annotated[
        Literal["previous", "last_year"], Query(description="previous period of the same length, or last year")
    ] = "previous",
) -> dict[str, Any]:
    """Rising and falling wards: change against the previous period or the same months last year, with an
    FDR-controlled significance flag."""
    if lad is not None and lad_exists(con, lad) is None:
        raise ParameterError("lad", f"unknown LAD code {lad!r}")
    if filters.disclosure is not None:
        return disclosed_movers(con, filters, filters.disclosure, request.app.state.wards, lad, top, compare)
    return ward_movers(con, filters, request.app.state.wards, lad, top, alpha, compare)


def _comparison(
    con: Connection,
    filters: Filters,
    ward: str | None,
    cell: tuple[int, int] | None,
    total: int,
    compare: str,
    held: tuple[date | None, date | None],
    alpha: float,
) -> dict[str, Any]:
    f = filters.incident
    start, end = comparison_period(f.start, f.end, compare)
    series = trend_series(con, replace(filters, incident=replace(f, start=start, end=end)), ward, cell)
    return {
        "from": f"{start:%Y-%m}",
        "to": f"{end:%Y-%m}",
        "held": bool(held[0] and held[1] and held[0] <= start and end <= held[1]),
        **compared_with(total, sum(n for _, n in series), alpha),
        "series": [{"month": f"{m:%Y-%m}", "count": n} for m, n in series],
    }


def _seasonality(
    con: Connection,
    filters: Filters,
    ward: str | None,
    cell: tuple[int, int] | None,
    held: tuple[date | None, date | None],
) -> dict[str, Any]:
    if not (held[0] and held[1]):
        return {"index": {}, "years": 0, "note": "no data held"}
    first, last = held[0].replace(day=1), held[1].replace(day=1)
    everything = trend_series(
        con, replace(filters, incident=replace(filters.incident, start=first, end=last)), ward, cell
    )
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


@router.get(
    "/trends",
    response_model=None,
    responses={200: {"content": {"application/json": {}, "text/csv": {}}, "description": "JSON or CSV"}},
)
def trends(
    request: Request,
    con: Con,
    filters: FiltersDep,
    ward: Annotated[str | None, Query(description="Ward code in the boundary set (`wards`)")] = None,
    lad: Annotated[str | None, Query(description="Local authority district code, e.g. E06000002")] = None,
    h3: Annotated[
        str | None, Query(description="H3 cell id, resolution 6 to 10", pattern=r"^[0-9a-fA-F]{15,16}$")
    ] = None,
    interval: Annotated[
        Literal["month", "week"],
        Query(description="month, or week: whole ISO weeks, incidents dated to the day only (police.uk has months)"),
    ] = "month",
    alpha: Annotated[float, Query(gt=0, lt=1, description="Significance level of the change tests")] = 0.05,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
) -> dict[str, Any] | Response:
    """Zero-filled monthly (or weekly) series for a ward, LAD, H3 cell or the whole filtered area; change against the
    previous period and the same months (weeks) last year, each with a two-sided conditional Poisson test; seasonal
    (weekday) profile."""
    if sum(v is not None for v in (ward, lad, h3)) > 1:
        raise ParameterError("ward", "give one of ward, lad or h3")
    area: dict[str, Any] = {"type": "all"}
    cell: tuple[int, int] | None = None
    if ward:
        found = ward_lad(con, filters.boundary_set, ward)
        if found is None:
            raise ParameterError("ward", f"no ward {ward!r} in boundary set {filters.boundary_set!r}")
        area = {"type": "ward", "code": ward, "name": found[0], "lad": found[1], "wards": filters.boundary_set}
    if lad:
        name = lad_exists(con, lad)
        if name is None:
            raise ParameterError("lad", f"unknown LAD code {lad!r}")
        filters = replace(filters, incident=replace(filters.incident, lad=lad))
        area = {"type": "lad", "code": lad, "name": name}
    if h3:
        res = cell_resolution(h3)
        if res is None or not 6 <= res <= 10:
            raise ParameterError("h3", f"{h3!r} is not an H3 cell at resolution 6 to 10")
        cell = (res, int(h3, 16))
        area = {"type": "h3", "code": h3.lower(), "resolution": res}
    f = filters.incident
    if interval == "week":
        if filters.disclosure is not None:
            raise ParameterError("interval", "published series are monthly; weekly series need an analyst or partner")
        body = weekly_trend(con, filters, area, ward, cell, alpha)
        if format == "csv":
            weekly_rows = [(s["week"], s["week_start"], s["count"]) for s in body["series"]]
            record_access(request, len(weekly_rows), "csv")
            name = f"aim-trend-{area.get('code', 'all')}-{body['weeks']['from']}-{body['weeks']['to']}.csv"
            return csv_response(["week", "week_start", "count"], weekly_rows, name)
        return body
    if filters.disclosure is not None:
        body = disclosed_trend(con, filters, filters.disclosure, area, ward, cell)
        if format == "csv":
            rows = [(s["month"], "" if s["count"] is None else s["count"]) for s in body["series"]]
            record_access(request, len(rows), "csv")
            return csv_response(["month", "count"], rows, f"aim-trend-{area.get('code', 'all')}.csv")
        return body
    series = trend_series(con, filters, ward, cell)
    total = sum(n for _, n in series)
    if format == "csv":
        label = area.get("code", "all")
        record_access(request, len(series), "csv")
        return csv_response(
            ["month", "count"],
            [(f"{m:%Y-%m}", n) for m, n in series],
            f"aim-trend-{label}-{f.start:%Y-%m}-{f.end:%Y-%m}.csv",
        )
    held = month_extent(con, f.sources)
    previous = _comparison(con, filters, ward, cell, total, "previous", held, alpha)
    last_year = _comparison(con, filters, ward, cell, total, "last_year", held, alpha)
    return {
        "area": area,
        "interval": interval,
        "filters": filters.echo(),
        "series": [{"month": f"{m:%Y-%m}", "count": n} for m, n in series],
        "total": total,
        **comparison_members(previous, last_year),
        "seasonality": _seasonality(con, filters, ward, cell, held),
    }
