"""Incident records as an OGC collection: the rows of /api/v1/incidents, ordered by id, paged by cursors (`after`,
`before`) rather than offsets, every page written to the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from api.access.scope import visible_sources
from api.http.audit import record_access
from api.http.auth import capabilities_of
from api.http.deps import Con
from api.http.formats import GeoJSONResponse
from api.http.models import ogc as models
from api.http.routers.ogc.base import BboxCrsQuery, BboxQuery, OgcFiltersDep, router
from api.http.routers.ogc.pages import GEOJSON, JSON, base_url, item_links, link, now
from api.services import ogc
from api.services.errors import NotFoundError
from api.services.incidents import feature, incident_count, incident_group, incident_page
from ingest.store import read

CursorQuery = Annotated[str | None, Query(max_length=32, description="Cursor: the `next` link carries it")]
BeforeQuery = Annotated[str | None, Query(max_length=32, description="Cursor: the `prev` link carries it")]


@router.get("/collections/incidents/items", response_model=models.IncidentItems, response_class=GeoJSONResponse)
def incident_items(
    request: Request,
    con: Con,
    filters: OgcFiltersDep,
    bbox: BboxQuery = None,
    bbox_crs: BboxCrsQuery = None,
    ward: Annotated[str | None, Query(description="Ward code in the boundary set (`wards`)", max_length=20)] = None,
    limit: Annotated[
        int,
        Query(
            ge=1,
            json_schema_extra={"maximum": ogc.INCIDENTS_MAX_LIMIT},
            description=f"Records per page (default {ogc.INCIDENTS_DEFAULT_LIMIT}; more than "
            f"{ogc.INCIDENTS_MAX_LIMIT} gives {ogc.INCIDENTS_MAX_LIMIT})",
        ),
    ] = ogc.INCIDENTS_DEFAULT_LIMIT,
    after: CursorQuery = None,
    before: BeforeQuery = None,
) -> GeoJSONResponse:
    """Incident records matching the filters, ordered by id (as /api/v1/incidents); follow `next` and `prev`.
    Every page is written to the audit log."""
    box = ogc.parse_bbox(bbox, bbox_crs)
    limit = min(limit, ogc.INCIDENTS_MAX_LIMIT)
    visible = visible_sources(capabilities_of(request))
    result = incident_page(con, filters, limit, after, box, ward, visible, before)
    matched = incident_count(con, filters, box, ward)
    record_access(request, len(result.rows), "geojson")
    here = request.url.remove_query_params(["after", "before"])
    links = [
        link(str(request.url), "self", GEOJSON, "This page"),
        link(f"{base_url(request)}/collections/incidents", "collection", JSON, "The collection"),
    ]
    if result.last_id:
        links.append(link(str(here.include_query_params(after=result.last_id)), "next", GEOJSON, "Next page"))
    if result.first_id:
        links.append(link(str(here.include_query_params(before=result.first_id)), "prev", GEOJSON, "Previous page"))
    return GeoJSONResponse(
        {
            "type": "FeatureCollection",
            "features": [feature(r) for r in result.rows],
            "filters": filters.echo(),
            "links": links,
            "timeStamp": now(),
            "numberMatched": matched,
            "numberReturned": len(result.rows),
        }
    )


@router.get(
    "/collections/incidents/items/{featureId}", response_model=models.IncidentItem, response_class=GeoJSONResponse
)
def incident_item(
    request: Request,
    con: Con,
    filters: OgcFiltersDep,
    featureId: str,  # noqa: N803
) -> GeoJSONResponse:
    """One incident record by id (a partner: one of its own sources' records, shown as if nothing were linked)."""
    if read.parse_id(featureId) is None:
        raise NotFoundError(f"no incident {featureId!r}: an incident id is 32 hex digits")
    try:
        group = incident_group(con, featureId, filters.boundary_set, visible_sources(capabilities_of(request)))
    except NotFoundError:
        record_access(request, 0, "geojson")
        raise
    found = next((f for f in group["features"] if f["id"] == featureId.lower()), None)
    record_access(request, int(found is not None), "geojson")
    if found is None:
        raise NotFoundError(f"no incident {featureId}")
    props = {k: v for k, v in found["properties"].items() if k not in ("distance_m", "hours_apart", "is_primary")}
    return GeoJSONResponse({**found, "properties": props, "links": item_links(request, "incidents")})
