"""The /ogc router every collection's routes join: the OGC 400 for bad parameters, `f`, the query parameters the
collections share, and the common filters with `datetime` in place of from/to."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute

from api.http.deps import Con, FilterChoiceDep, Months, SettingsDep, resolve_request_filters
from api.http.errors import Problem, as_bad_request
from api.services import ogc
from api.services.errors import ParameterError
from api.services.filters import Filters
from geo.errors import BoundaryError
from ingest.errors import UnknownBoundarySetError

PREFIX = "/ogc"
BAD_REQUEST = (RequestValidationError, ParameterError, UnknownBoundarySetError, BoundaryError)


class OgcRoute(APIRoute):
    """A route answering as OGC API - Features asks: 400 for a query parameter the API does not define, or one that
    is malformed or not acceptable (the rest of AIM answers 422). GDAL and QGIS add the query string of a dataset's
    URL to every request they make of it, so a parameter of another OGC route (`force` on the ward collection) is
    ignored, not refused."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            unknown = sorted(set(request.query_params) - _ogc_parameters())
            if unknown:
                names = ", ".join(unknown)
                return as_bad_request(request, ParameterError(unknown[0], f"unknown parameter(s) {names}"))
            try:
                return await handler(request)
            except BAD_REQUEST as exc:
                return as_bad_request(request, exc)

        return answer


@cache
def _ogc_parameters() -> frozenset[str]:
    """Every query parameter some OGC route takes (the routes are all in place before the first request)."""
    names: set[str] = set()
    for route in router.routes:
        if isinstance(route, APIRoute):
            names |= _query_names(route.dependant)
    return frozenset(names)


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route takes, its dependencies' included."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def encoding(
    f: Annotated[
        Literal["json", "geojson"] | None, Query(description="Encoding: JSON (GeoJSON for items), the only one")
    ] = None,
) -> None:
    """The `f` parameter clients may send: JSON is the only encoding offered."""


router = APIRouter(
    prefix=PREFIX,
    tags=["ogc"],
    route_class=OgcRoute,
    dependencies=[Depends(encoding)],
    responses={400: {"model": Problem, "description": "An unknown, malformed or unacceptable parameter"}},
)

DatetimeQuery = Annotated[
    str | None,
    Query(
        alias="datetime",
        description="An instant or an interval (RFC 3339: `2025-03-31`, `2025-01-01T00:00:00Z/2025-03-31T23:59:59Z`, "
        "`2025-04-01/..`, `../2025-06-30`). AIM counts whole months: every month the instant or interval touches is "
        "counted in full (a partial month is never cut). Default: the latest 12 months held",
    ),
]
BboxQuery = Annotated[
    str | None,
    Query(description="minlon,minlat,maxlon,maxlat (CRS84; six numbers with heights): features that intersect it"),
]
BboxCrsQuery = Annotated[str | None, Query(alias="bbox-crs", description=f"Only {ogc.CRS84}")]
LimitQuery = Annotated[
    int,
    Query(
        ge=1,
        json_schema_extra={"maximum": ogc.MAX_LIMIT},
        description=f"Features per page (default {ogc.DEFAULT_LIMIT}; more than {ogc.MAX_LIMIT} gives {ogc.MAX_LIMIT})",
    ),
]
OffsetQuery = Annotated[int, Query(ge=0, description="Features to skip: the `next` and `prev` links carry it")]


def datetime_months(datetime_: DatetimeQuery = None) -> Months:
    """`datetime` as the first and last month (api.services.ogc.datetime_months)."""
    return ogc.datetime_months(datetime_)


def ogc_filters(
    request: Request,
    con: Con,
    settings: SettingsDep,
    months: Annotated[Months, Depends(datetime_months)],
    choice: FilterChoiceDep,
) -> Filters:
    """The common filters, with `datetime` in place of from/to (the caller's figures as on the /api/v1 routes)."""
    return resolve_request_filters(request, con, settings, months, choice)


OgcFiltersDep = Annotated[Filters, Depends(ogc_filters)]
