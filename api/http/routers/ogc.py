"""OGC API - Features (Part 1: Core, GeoJSON) at /ogc, for GIS clients (QGIS, ArcGIS Pro, GDAL).

Each collection serves the features of an /api/v1 route through the same service, with the same filters, and its
routes have that route's grant in the policy (api/access/policy.py): wards and hexagons as /api/v1/wards and
/api/v1/hexes, Gi* hotspots and the patrol plan as their routes, incidents as /api/v1/incidents. `datetime` maps onto
AIM's months (api.services.ogc.datetime_months); every other filter (category, source, dedupe, wards) is the same
as on the /api/v1 routes. As the standard asks, an unknown or invalid parameter is a 400 here.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute

from api.access.policy import Grant, grant_for
from api.access.scope import visible_sources
from api.http.audit import record_access
from api.http.auth import principal_of
from api.http.deps import (
    CachesDep,
    CategoryQuery,
    Con,
    DedupeQuery,
    SettingsDep,
    SourceQuery,
    StudyAreaDep,
    WardsQuery,
    get_filters,
)
from api.http.errors import Problem, as_bad_request
from api.http.formats import FastJSONResponse, GeoJSONResponse
from api.http.models import ogc as models
from api.services import ogc
from api.services.caches import Caches
from api.services.cell_places import postcode_lookup
from api.services.errors import NotFoundError, ParameterError
from api.services.filters import Filters
from api.services.hotspots import gi_layer, ward_gi_layer
from api.services.incidents import feature, incident_count, incident_group, incident_page
from api.services.layers import hex_layer, wards_layer
from api.services.params import MAX_BBOX_DEGREES
from api.services.patrol import patrol_plan, plan_geojson
from api.services.study_area import StudyArea
from api.settings import Settings
from geo.errors import BoundaryError
from ingest.errors import UnknownBoundarySetError
from ingest.store import read
from ingest.store.connection import Connection

PREFIX = "/ogc"
JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.1"
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


def ogc_filters(
    request: Request,
    con: Con,
    settings: SettingsDep,
    datetime_: DatetimeQuery = None,
    category: CategoryQuery = None,
    source: SourceQuery = None,
    dedupe: DedupeQuery = True,
    wards: WardsQuery = None,
) -> Filters:
    """The common filters, with `datetime` in place of from/to (the caller's figures as on the /api/v1 routes)."""
    start, end = ogc.datetime_months(datetime_)
    return get_filters(request, con, settings, start, end, category, source, dedupe, wards)


OgcFiltersDep = Annotated[Filters, Depends(ogc_filters)]


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


def _link(href: str, rel: str, media: str, title: str | None = None) -> dict[str, str]:
    out = {"href": href, "rel": rel, "type": media}
    if title:
        out["title"] = title
    return out


def _may_read(request: Request, collection: str) -> bool:
    return grant_for(f"{PREFIX}/collections/{collection}/items", principal_of(request).role) != Grant.DENIED


@router.get("", response_model=models.LandingPage, response_class=FastJSONResponse)
def landing(request: Request) -> FastJSONResponse:
    """The landing page: links to the API definition, the conformance classes and the collections."""
    base = _base(request)
    root = str(request.base_url).rstrip("/")
    return FastJSONResponse(
        {
            "title": "AIM: ASB intelligence mapping",
            "description": "Anti-social behaviour by ward and H3 hexagon, Gi* hotspots, patrol plans and incident "
            "records, as OGC API - Features (GeoJSON, CRS84).",
            "links": [
                _link(base, "self", JSON, "This document"),
                _link(f"{root}/openapi.json", "service-desc", OPENAPI, "The API definition"),
                _link(f"{root}/docs", "service-doc", "text/html", "The API documentation"),
                _link(f"{base}/conformance", "conformance", JSON, "Conformance classes implemented"),
                _link(f"{base}/collections", "data", JSON, "The feature collections"),
            ],
        }
    )


@router.get("/conformance", response_model=models.Conformance, response_class=FastJSONResponse)
def conformance() -> FastJSONResponse:
    """The conformance classes implemented: Part 1 core and GeoJSON."""
    return FastJSONResponse({"conformsTo": ogc.CONFORMANCE})


def _extent(con: Connection, caches: Caches) -> dict[str, Any]:
    boundary_set = read.resolve_boundary_set(con, None)
    return ogc.extent(con, caches.wards.bounds(con, boundary_set))


def _collection(request: Request, c: ogc.Collection, extent: dict[str, Any]) -> dict[str, Any]:
    href = f"{_base(request)}/collections/{c.id}"
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "crs": [ogc.CRS84],
        "extent": extent,
        "links": [
            _link(href, "self", JSON, c.title),
            _link(f"{href}/items", "items", GEOJSON, f"{c.title}: features"),
        ],
    }


@router.get("/collections", response_model=models.Collections, response_class=FastJSONResponse)
def collections(request: Request, con: Con, caches: CachesDep) -> FastJSONResponse:
    """The feature collections the caller may read (others need a token of a role that may)."""
    extent = _extent(con, caches)
    href = f"{_base(request)}/collections"
    return FastJSONResponse(
        {
            "links": [_link(href, "self", JSON, "The feature collections")],
            "collections": [_collection(request, c, extent) for c in ogc.COLLECTIONS if _may_read(request, c.id)],
        }
    )


def _describe(c: ogc.Collection) -> Callable[..., FastJSONResponse]:
    def describe(request: Request, con: Con, caches: CachesDep) -> FastJSONResponse:
        return FastJSONResponse(_collection(request, c, _extent(con, caches)))

    describe.__doc__ = f"The collection `{c.id}`: {c.title}."
    return describe


for _c in ogc.COLLECTIONS:
    router.add_api_route(
        f"/collections/{_c.id}",
        _describe(_c),
        methods=["GET"],
        response_model=models.CollectionInfo,
        response_class=FastJSONResponse,
        name=f"collection_{_c.id}",
    )


def _items(
    request: Request,
    collection: str,
    layer: dict[str, Any],
    bbox: ogc.Box | None,
    offset: int,
    limit: int,
    filtered: bool = False,
) -> GeoJSONResponse:
    """A page of a layer's features (those intersecting bbox, unless the service selected them already)."""
    matched = layer["features"] if filtered else ogc.within(layer["features"], bbox)
    limit = min(limit, ogc.MAX_LIMIT)
    chosen = ogc.page(matched, offset, limit)
    links = [
        _link(str(request.url), "self", GEOJSON, "This page"),
        _link(f"{_base(request)}/collections/{collection}", "collection", JSON, "The collection"),
    ]
    if offset + limit < len(matched):
        links.append(_link(str(request.url.include_query_params(offset=offset + limit)), "next", GEOJSON, "Next page"))
    if offset > 0:
        previous = max(offset - limit, 0)
        links.append(_link(str(request.url.include_query_params(offset=previous)), "prev", GEOJSON, "Previous page"))
    members = {k: v for k, v in layer.items() if k not in ("type", "features")}
    return GeoJSONResponse(
        {
            "type": "FeatureCollection",
            "features": chosen,
            **members,
            "links": links,
            "timeStamp": _now(),
            "numberMatched": len(matched),
            "numberReturned": len(chosen),
        }
    )


def _item(request: Request, collection: str, layer: dict[str, Any], feature_id: str) -> GeoJSONResponse:
    """One feature of a layer by id (404 when the layer has none of that id)."""
    found = next((f for f in layer["features"] if str(f.get("id")) == feature_id), None)
    if found is None:
        raise NotFoundError(f"no feature {feature_id!r} in collection {collection} for these filters")
    return GeoJSONResponse({**found, "links": _item_links(request, collection)})


def _item_links(request: Request, collection: str) -> list[dict[str, str]]:
    return [
        _link(str(request.url), "self", GEOJSON, "This feature"),
        _link(f"{_base(request)}/collections/{collection}", "collection", JSON, "The collection"),
    ]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _large(bbox: ogc.Box | None) -> bool:
    return bbox is not None and (bbox[2] - bbox[0] > MAX_BBOX_DEGREES or bbox[3] - bbox[1] > MAX_BBOX_DEGREES)


# --- wards -------------------------------------------------------------------------------------------------------


@router.get("/collections/wards/items", response_model=models.WardItems, response_class=GeoJSONResponse)
def ward_items(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: OgcFiltersDep,
    bbox: BboxQuery = None,
    bbox_crs: BboxCrsQuery = None,
    limit: LimitQuery = ogc.DEFAULT_LIMIT,
    offset: OffsetQuery = 0,
) -> GeoJSONResponse:
    """Wards with count, previous_count and change over the period (as /api/v1/wards), a page at a time."""
    box = ogc.parse_bbox(bbox, bbox_crs)
    return _items(request, "wards", wards_layer(con, filters, caches.wards), box, offset, limit)


@router.get("/collections/wards/items/{featureId}", response_model=models.WardItem, response_class=GeoJSONResponse)
def ward_item(request: Request, con: Con, caches: CachesDep, filters: OgcFiltersDep, featureId: str) -> GeoJSONResponse:  # noqa: N803
    """One ward by code."""
    return _item(request, "wards", wards_layer(con, filters, caches.wards), featureId)


# --- hexagons, one collection per resolution ---------------------------------------------------------------------


def _hex_routes(res: int) -> None:
    collection = f"hexagons-{res}"

    def items(
        request: Request,
        con: Con,
        filters: OgcFiltersDep,
        bbox: BboxQuery = None,
        bbox_crs: BboxCrsQuery = None,
        limit: LimitQuery = ogc.DEFAULT_LIMIT,
        offset: OffsetQuery = 0,
    ) -> GeoJSONResponse:
        box = ogc.parse_bbox(bbox, bbox_crs)
        if _large(box):  # the service takes a box of at most MAX_BBOX_DEGREES; select from every cell instead
            return _items(request, collection, hex_layer(con, filters, res, None), box, offset, limit)
        return _items(request, collection, hex_layer(con, filters, res, box), box, offset, limit, filtered=True)

    def item(request: Request, con: Con, filters: OgcFiltersDep, featureId: str) -> GeoJSONResponse:  # noqa: N803
        return _item(request, collection, hex_layer(con, filters, res, None), featureId)

    items.__doc__ = f"H3 cells at resolution {res} with their counts (as /api/v1/hexes?res={res}), a page at a time."
    item.__doc__ = f"One H3 cell at resolution {res} by id."
    router.add_api_route(
        f"/collections/{collection}/items",
        items,
        methods=["GET"],
        response_model=models.HexItems,
        response_class=GeoJSONResponse,
        name=f"items_{collection}",
    )
    router.add_api_route(
        f"/collections/{collection}/items/{{featureId}}",
        item,
        methods=["GET"],
        response_model=models.HexItem,
        response_class=GeoJSONResponse,
        name=f"item_{collection}",
    )


for _collection_info in ogc.COLLECTIONS:
    if _collection_info.res is not None:
        _hex_routes(_collection_info.res)


# --- Gi* hotspots ------------------------------------------------------------------------------------------------

GiRes = Annotated[int, Query(ge=7, le=10, description="H3 resolution, 7 to 10")]
GiK = Annotated[int, Query(ge=1, le=3, description="Neighbourhood: cells within k grid steps")]
GiAll = Annotated[bool, Query(alias="all", description="Every cell, not only significant ones")]
GiUnit = Annotated[Literal["h3", "ward"], Query(description="h3 cells (res, k) or wards (contiguity)")]


def _gi(
    con: Connection, caches: Caches, filters: Filters, area: StudyArea, res: int, k: int, all_cells: bool, unit: str
) -> dict[str, Any]:
    if unit == "ward":
        return ward_gi_layer(con, filters, area, caches.wards, all_cells)
    return gi_layer(con, filters, area, res, k, caches.wards, caches.lattices, all_cells)


@router.get(
    "/collections/hotspots/items",
    response_model=models.GiCellItems | models.GiWardItems,
    response_class=GeoJSONResponse,
)
def hotspot_items(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: OgcFiltersDep,
    area: StudyAreaDep,
    res: GiRes = 9,
    k: GiK = 1,
    all_cells: GiAll = False,
    unit: GiUnit = "h3",
    bbox: BboxQuery = None,
    bbox_crs: BboxCrsQuery = None,
    limit: LimitQuery = ogc.DEFAULT_LIMIT,
    offset: OffsetQuery = 0,
) -> GeoJSONResponse:
    """Gi* hot and cold spots of the study area (as /api/v1/hotspots/gi), hottest first, a page at a time."""
    box = ogc.parse_bbox(bbox, bbox_crs)
    layer = _gi(con, caches, filters, area, res, k, all_cells, unit)
    return _items(request, "hotspots", layer, box, offset, limit)


@router.get(
    "/collections/hotspots/items/{featureId}",
    response_model=models.GiCellItem | models.GiWardItem,
    response_class=GeoJSONResponse,
)
def hotspot_item(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: OgcFiltersDep,
    area: StudyAreaDep,
    featureId: str,  # noqa: N803
    res: GiRes = 9,
    k: GiK = 1,
    all_cells: GiAll = False,
    unit: GiUnit = "h3",
) -> GeoJSONResponse:
    """One cell (or ward) of the Gi* layer by id."""
    return _item(request, "hotspots", _gi(con, caches, filters, area, res, k, all_cells, unit), featureId)


# --- patrol plan -------------------------------------------------------------------------------------------------

PlanRes = Annotated[int, Query(ge=8, le=10, description="H3 resolution, 8 to 10")]
BudgetQuery = Annotated[float | None, Query(gt=0, le=5000, description="Area to patrol, km2")]
CellsQuery = Annotated[int | None, Query(ge=1, le=500, description="Number of cells to patrol (default 20)")]
DEFAULT_CELLS = 20


def _plan(
    con: Connection,
    settings: Settings,
    caches: Caches,
    filters: Filters,
    area: StudyArea,
    res: int,
    budget: float | None,
    cells: int | None,
) -> dict[str, Any]:
    if budget is not None and cells is not None:
        raise ParameterError("budget_km2", "give at most one of budget_km2 or cells")
    if budget is None and cells is None:
        cells = DEFAULT_CELLS
    postcodes = postcode_lookup(settings.postcodes)
    return plan_geojson(patrol_plan(con, filters, area, res, budget, cells, caches.wards, caches.lattices, postcodes))


@router.get("/collections/patrol-plan/items", response_model=models.PatrolItems, response_class=GeoJSONResponse)
def patrol_items(
    request: Request,
    con: Con,
    settings: SettingsDep,
    caches: CachesDep,
    filters: OgcFiltersDep,
    area: StudyAreaDep,
    res: PlanRes = 9,
    budget_km2: BudgetQuery = None,
    cells: CellsQuery = None,
    bbox: BboxQuery = None,
    bbox_crs: BboxCrsQuery = None,
    limit: LimitQuery = ogc.DEFAULT_LIMIT,
    offset: OffsetQuery = 0,
) -> GeoJSONResponse:
    """The patrol plan's cells in rank order (as /api/v1/patrol-plan?format=geojson), a page at a time."""
    box = ogc.parse_bbox(bbox, bbox_crs)
    layer = _plan(con, settings, caches, filters, area, res, budget_km2, cells)
    return _items(request, "patrol-plan", layer, box, offset, limit)


@router.get(
    "/collections/patrol-plan/items/{featureId}", response_model=models.PatrolItem, response_class=GeoJSONResponse
)
def patrol_item(
    request: Request,
    con: Con,
    settings: SettingsDep,
    caches: CachesDep,
    filters: OgcFiltersDep,
    area: StudyAreaDep,
    featureId: str,  # noqa: N803
    res: PlanRes = 9,
    budget_km2: BudgetQuery = None,
    cells: CellsQuery = None,
) -> GeoJSONResponse:
    """One cell of the patrol plan by id."""
    plan = _plan(con, settings, caches, filters, area, res, budget_km2, cells)
    return _item(request, "patrol-plan", plan, featureId)


# --- incidents ---------------------------------------------------------------------------------------------------

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
    visible = visible_sources(principal_of(request))
    result = incident_page(con, filters, limit, after, box, ward, visible, before)
    matched = incident_count(con, filters, box, ward)
    record_access(request, len(result.rows), "geojson")
    here = request.url.remove_query_params(["after", "before"])
    links = [
        _link(str(request.url), "self", GEOJSON, "This page"),
        _link(f"{_base(request)}/collections/incidents", "collection", JSON, "The collection"),
    ]
    if result.last_id:
        links.append(_link(str(here.include_query_params(after=result.last_id)), "next", GEOJSON, "Next page"))
    if result.first_id:
        links.append(_link(str(here.include_query_params(before=result.first_id)), "prev", GEOJSON, "Previous page"))
    return GeoJSONResponse(
        {
            "type": "FeatureCollection",
            "features": [feature(r) for r in result.rows],
            "filters": filters.echo(),
            "links": links,
            "timeStamp": _now(),
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
        group = incident_group(con, featureId, filters.boundary_set, visible_sources(principal_of(request)))
    except NotFoundError:
        record_access(request, 0, "geojson")
        raise
    found = next((f for f in group["features"] if f["id"] == featureId.lower()), None)
    record_access(request, int(found is not None), "geojson")
    if found is None:
        raise NotFoundError(f"no incident {featureId}")
    props = {k: v for k, v in found["properties"].items() if k not in ("distance_m", "hours_apart", "is_primary")}
    return GeoJSONResponse({**found, "properties": props, "links": _item_links(request, "incidents")})
