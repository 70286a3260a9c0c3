"""Incident-level rows for analysts (and partners, for their sources): pages of GeoJSON or CSV, and linked groups.

Every response is written to the audit log: who, when, the filter, how many rows; when the record cannot be
written, the rows are not served (503).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.access.scope import visible_sources
from api.http.audit import record_access
from api.http.deps import WARD_HELP, CapabilitiesDep, Con, FiltersDep
from api.http.formats import GIS, Answer, CrsQuery, GeoJSONResponse, respond
from api.http.models.base import documented_as
from api.http.models.status import IncidentGroup, IncidentPage
from api.services.errors import NotFoundError
from api.services.incidents import CSV_COLUMNS, csv_rows, feature, incident_group, incident_page
from api.services.params import parse_bbox

router = APIRouter(prefix="/api/v1", tags=["incidents"])
MAX_LIMIT = 5000


@router.get(
    "/incidents",
    response_class=Response,
    response_model=IncidentPage,
    responses=documented_as({"geojson": IncidentPage}, "csv", *GIS),
)
def incidents(
    request: Request,
    con: Con,
    caps: CapabilitiesDep,
    filters: FiltersDep,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat (WGS84)")] = None,
    ward: Annotated[
        str | None,
        Query(description=WARD_HELP, max_length=120),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")] = 500,
    after: Annotated[str | None, Query(description="Cursor: the `next` link carries it", max_length=32)] = None,
    format: Annotated[  # noqa: A002
        Literal["geojson", "csv", "gpkg", "shp"],
        Query(description="geojson (default), csv, gpkg (GeoPackage) or shp (zipped Shapefile): the page asked for"),
    ] = "geojson",
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """Incidents matching the filters, ordered by id, `limit` at a time; follow `next` for the following page.
    `dedupe=true` (default) gives one record per linked group, its primary; `dedupe=false` gives every record."""
    page = incident_page(con, filters, limit, after, parse_bbox(bbox), ward, visible_sources(caps))
    next_url = str(request.url.include_query_params(after=page.last_id)) if page.last_id else None
    record_access(request, len(page.rows), format, required=True)

    def geojson() -> dict[str, Any]:
        return {
            "type": "FeatureCollection",
            "features": [feature(r) for r in page.rows],
            "numberReturned": len(page.rows),
            "filters": filters.echo(),
            "next": next_url,
            "links": [{"rel": "next", "href": next_url, "type": "application/geo+json"}] if next_url else [],
        }

    answer = Answer(
        geojson=geojson, table=lambda: (CSV_COLUMNS, csv_rows(page.rows), "aim-incidents.csv"), audited=True
    )
    link = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
    return respond(request, answer, format, link, crs=crs)


@router.get("/incidents/{incident_id}", response_class=GeoJSONResponse, response_model=IncidentGroup)
def incident(
    request: Request,
    con: Con,
    caps: CapabilitiesDep,
    filters: FiltersDep,
    incident_id: Annotated[str, Path(description="Incident id (32 hex digits)", max_length=32)],
) -> GeoJSONResponse:
    """One incident with every record linked to it across sources (the same incident reported to several
    channels), each with its distance and hours from the group's primary record."""
    try:
        group = incident_group(con, incident_id, filters.boundary_set, visible_sources(caps))
    except NotFoundError:
        record_access(request, 0, "geojson", required=True)
        raise
    record_access(request, len(group["features"]), "geojson", required=True)
    return GeoJSONResponse(group)
