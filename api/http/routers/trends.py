"""Monthly or weekly trend series for a ward, a LAD, a cell or the whole filtered area, and the ward movers."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.http.answers import cached
from api.http.deps import LAD_HELP, WARD_HELP, CachesDep, Con, FiltersDep
from api.http.formats import Answer, FastJSONResponse, respond
from api.http.models.base import documented_as, plain
from api.http.models.trends import Movers, Trend
from api.services.movers import ward_movers
from api.services.study_area import resolve_area_choice
from api.services.trends import WardTest, monthly_trend, resolve_trend_area, trend_table
from api.services.weekly import weekly_trend

router = APIRouter(prefix="/api/v1", tags=["trends"])
VerdictArea = Annotated[
    str | None,
    Query(
        description="Study area whose wards are tested together (as the map's selector sends it: force:<code or "
        "name>, csp:<code or name> or lad:<code or name>); a ward's verdict is its test against this area's own "
        "change, the same for the movers and a ward's trend. Default: every ward held"
    ),
]


@router.get("/trends/movers", response_model=Movers, **plain)
def movers(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    lad: Annotated[
        str | None,
        Query(description="Only wards of this " + LAD_HELP),
    ] = None,
    area: VerdictArea = None,
    top: Annotated[int, Query(ge=1, le=200, description="How many rising and how many falling wards")] = 10,
    alpha: Annotated[float, Query(gt=0, lt=1, description="False discovery rate for `significant`")] = 0.05,
    compare: Annotated[
        Literal["previous", "last_year"], Query(description="previous period of the same length, or last year")
    ] = "previous",
) -> Response:
    """Rising and falling wards of the study area: change against the previous period or the same months last year,
    with an FDR-controlled significance flag (each ward tested against the area's own change)."""
    study = resolve_area_choice(con, area) if area else None
    return cached(
        request,
        con,
        lambda: FastJSONResponse(ward_movers(con, filters, caches.wards, lad, top, alpha, compare, area=study)),
    )


@router.get("/trends", response_class=Response, response_model=Trend, responses=documented_as({"json": Trend}, "csv"))
def trends(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    ward: Annotated[
        str | None,
        Query(description=WARD_HELP),
    ] = None,
    lad: Annotated[str | None, Query(description=LAD_HELP)] = None,
    h3: Annotated[
        str | None, Query(description="H3 cell id, resolution 6 to 10", pattern=r"^[0-9a-fA-F]{15,16}$")
    ] = None,
    interval: Annotated[
        Literal["month", "week"],
        Query(description="month, or week: whole ISO weeks, incidents dated to the day only (police.uk has months)"),
    ] = "month",
    alpha: Annotated[float, Query(gt=0, lt=1, description="Significance level of the change tests")] = 0.05,
    area: VerdictArea = None,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",  # noqa: A002
) -> Response:
    """Monthly (or weekly) series for a ward, LAD, H3 cell or the whole filtered area, zero-filled over the months
    (weeks) held; a month not held for every source counted has `count` null and `held` false (in the CSV an empty
    count, `held` false; each CSV row ends with the area's code). Change against the previous period and the same
    months (weeks) last year, each with a two-sided conditional Poisson test, except a ward's monthly change: that is
    the movers' verdict, tested against the study area's (`area`) own change with FDR across its wards; seasonal
    (weekday) profile."""
    where, filters = resolve_trend_area(con, filters, ward, lad, h3)
    study = resolve_area_choice(con, area) if area else None

    def answer() -> Response:
        if interval == "week":
            body = weekly_trend(con, filters, where, alpha)
        else:
            body = monthly_trend(con, filters, where, alpha, WardTest(caches.wards, study, caches.lattices))
        return respond(request, Answer(json=lambda: body, table=lambda: trend_table(body)), format)

    return cached(request, con, answer) if format == "json" else answer()
