"""Monthly trend series for a ward, a LAD or the whole filtered area, as JSON or CSV."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import Con, FiltersDep
from api.errors import ParameterError
from api.responses import csv_response
from api.services import trend_series, ward_movers
from geo.trends import change, previous_period
from ingest.store.queries import lad_exists, ward_lad

router = APIRouter(prefix="/api/v1", tags=["trends"])


@router.get("/trends/movers")
def movers(
    request: Request,
    con: Con,
    filters: FiltersDep,
    lad: Annotated[str | None, Query(description="Only wards of this local authority district")] = None,
    top: Annotated[int, Query(ge=1, le=200, description="How many rising and how many falling wards")] = 10,
    alpha: Annotated[float, Query(gt=0, lt=1, description="False discovery rate for `significant`")] = 0.05,
) -> dict[str, Any]:
    """Rising and falling wards: change against the previous period of the same length, with a significance flag."""
    if lad is not None and lad_exists(con, lad) is None:
        raise ParameterError("lad", f"unknown LAD code {lad!r}")
    return ward_movers(con, filters, request.app.state.wards, lad, top, alpha)


@router.get("/trends", response_model=None)
def trends(
    con: Con,
    filters: FiltersDep,
    ward: Annotated[str | None, Query(description="Ward code in the boundary set (`wards`)")] = None,
    lad: Annotated[str | None, Query(description="Local authority district code, e.g. E06000002")] = None,
    interval: Annotated[Literal["month"], Query(description="Series interval; police.uk data are monthly")] = "month",
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
) -> dict[str, Any] | Response:
    """Zero-filled series of counts per month, with the total and change against the previous period."""
    if ward and lad:
        raise ParameterError("ward", "give either ward or lad, not both")
    area: dict[str, Any] = {"type": "all"}
    if ward:
        found = ward_lad(con, filters.boundary_set, ward)
        if found is None:
            raise ParameterError("ward", f"no ward {ward!r} in boundary set {filters.boundary_set!r}")
        area = {
            "type": "ward",
            "code": ward,
            "name": found[0],
            "lad": found[1],
            "wards": filters.boundary_set,
        }
    if lad:
        name = lad_exists(con, lad)
        if name is None:
            raise ParameterError("lad", f"unknown LAD code {lad!r}")
        filters = replace(filters, incident=replace(filters.incident, lad=lad))
        area = {"type": "lad", "code": lad, "name": name}
    series = trend_series(con, filters, ward)
    f = filters.incident
    prev_start, prev_end = previous_period(f.start, f.end)
    previous = trend_series(con, replace(filters, incident=replace(f, start=prev_start, end=prev_end)), ward)
    total, previous_total = sum(n for _, n in series), sum(n for _, n in previous)
    if format == "csv":
        label = area.get("code", "all")
        return csv_response(
            ["month", "count"],
            [(f"{m:%Y-%m}", n) for m, n in series],
            f"aim-trend-{label}-{f.start:%Y-%m}-{f.end:%Y-%m}.csv",
        )
    delta, pct = change(total, previous_total)
    return {
        "area": area,
        "interval": interval,
        "filters": filters.echo(),
        "series": [{"month": f"{m:%Y-%m}", "count": n} for m, n in series],
        "total": total,
        "previous_total": previous_total,
        "change": delta,
        "change_pct": pct,
    }
