"""Incident-level rows for analysts (and partners, for their sources): pages of GeoJSON or CSV, and linked groups.

Every response is written to the audit log: who, when, the filter, how many rows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from api.access_store import Role
from api.audit import record_access
from api.auth import principal_of
from api.deps import Con, FiltersDep
from api.errors import ParameterError
from api.responses import GeoJSONResponse, csv_response
from api.routers.layers import parse_bbox
from ingest.store.incidents import incident_group, incident_page, parse_id

router = APIRouter(prefix="/api/v1", tags=["incidents"])
MAX_LIMIT = 5000
CSV_COLUMNS = [
    "id",
    "source",
    "feed",
    "category",
    "source_category",
    "month",
    "occurred_at",
    "location_precision",
    "lon",
    "lat",
    "location_text",
    "lsoa_code",
    "lad_code",
    "ward",
    "recorded_ward",
    "source_ref",
    "outcome",
    "reported_by",
    "linked_group",
]


def _feature(row: dict[str, Any]) -> dict[str, Any]:
    lon, lat = row.pop("lon"), row.pop("lat")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None and lat is not None else None
    if row.get("occurred_at") is not None:
        row["occurred_at"] = row["occurred_at"].isoformat(timespec="minutes")
    return {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": row}


@router.get(
    "/incidents",
    response_model=None,
    responses={200: {"content": {"application/geo+json": {}, "text/csv": {}}, "description": "GeoJSON or CSV"}},
)
def incidents(
    request: Request,
    con: Con,
    filters: FiltersDep,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat (WGS84)")] = None,
    ward: Annotated[str | None, Query(description="Ward code in the boundary set (`wards`)", max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")] = 500,
    after: Annotated[str | None, Query(description="Cursor: the `next` link carries it", max_length=32)] = None,
    format: Annotated[Literal["geojson", "csv"], Query(description="geojson (default) or csv")] = "geojson",  # noqa: A002
) -> Response:
    """Incidents matching the filters, ordered by id, `limit` at a time; follow `next` for the following page.
    `dedupe=true` (default) gives one record per linked group, its primary; `dedupe=false` gives every record."""
    cursor = None
    if after is not None and (cursor := parse_id(after)) is None:
        raise ParameterError("after", "not a cursor from a `next` link (32 hex digits)")
    rows = incident_page(
        con, filters.incident, filters.boundary_set, limit + 1, cursor, parse_bbox(bbox), ward
    ).to_pylist()
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = str(request.url.include_query_params(after=rows[-1]["id"])) if more else None
    record_access(request, len(rows), format)
    if format == "csv":
        response = csv_response(CSV_COLUMNS, [[r[c] for c in CSV_COLUMNS] for r in rows], "aim-incidents.csv")
        if next_url:
            response.headers["Link"] = f'<{next_url}>; rel="next"'
        return response
    body: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [_feature(r) for r in rows],
        "numberReturned": len(rows),
        "filters": filters.echo(),
        "next": next_url,
        "links": [{"rel": "next", "href": next_url, "type": "application/geo+json"}] if next_url else [],
    }
    return GeoJSONResponse(body)


@router.get("/incidents/{incident_id}", response_class=GeoJSONResponse)
def incident(  # noqa: ANN201 (a GeoJSON answer, or a JSON 404)
    request: Request,
    con: Con,
    filters: FiltersDep,
    incident_id: Annotated[str, Path(description="Incident id (32 hex digits)", max_length=32)],
) -> Response:
    """One incident with every record linked to it across sources (the same incident reported to several
    channels), each with its distance and hours from the group's primary record."""
    wanted = parse_id(incident_id)
    if wanted is None:
        raise ParameterError("incident_id", "not an incident id (32 hex digits)")
    principal = principal_of(request)
    rows = incident_group(con, wanted, filters.boundary_set).to_pylist()
    visible = [r for r in rows if principal.role != Role.PARTNER or r["source"] in principal.sources]
    if not any(r["id"] == incident_id.lower() for r in visible):
        record_access(request, 0, "geojson")
        return JSONResponse({"status": 404, "detail": f"no incident {incident_id}"}, status_code=404)
    record_access(request, len(visible), "geojson")
    return GeoJSONResponse(
        {
            "type": "FeatureCollection",
            "id": incident_id.lower(),
            "features": [_feature(r) for r in visible],
            "linked_records": len(rows) - 1,
            "hidden_records": len(rows) - len(visible),  # linked records of sources outside a partner's agreement
        }
    )
