"""Vector tiles (MVT) of the ward and hexagon layers, with TileJSON, for QGIS, MapLibre and other tile clients.

The same filters, roles and disclosure control as /api/v1/wards and /api/v1/hexes (the policy gives these routes
their grant). Tiles change only when a feed is loaded: each answer carries an ETag of the store's version and the
request (a client sending it back in If-None-Match gets a 304), and answers to anonymous callers, which are the same
for every such caller, may be kept by any cache for five minutes. Answers to signed-in callers are never stored
(the hardening middleware marks them private, no-store).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.http.auth import SESSION_COOKIE, principal_of
from api.http.deps import CachesDep, Con, FiltersDep
from api.http.formats import FastJSONResponse
from api.http.models.tiles import TileJson
from api.services.tiles import hex_tile, tilejson, ward_tile
from geo.tiles import MAX_ZOOM, MEDIA_TYPE
from ingest.store import read

router = APIRouter(prefix="/tiles", tags=["tiles"])
SHARED_MAX_AGE = 300
Layer = Annotated[Literal["wards", "hexagons"], Path(description="wards or hexagons")]
ResQuery = Annotated[
    int | None,
    Query(ge=6, le=10, description="Hexagons: H3 resolution (default by zoom: 6 to zoom 8, 7 at zoom 9, 8 from 10)"),
]


def _anonymous(request: Request) -> bool:
    """No token and no session cookie: the answer is the public's, the same for every such caller."""
    cookie = request.headers.get("cookie", "")
    return "authorization" not in request.headers and f"{SESSION_COOKIE}=" not in cookie


def _cached(request: Request, con: Con, body: bytes, media_type: str) -> Response:
    """The body with an ETag (store version, caller, request), or a 304 when the client holds it already."""
    principal = principal_of(request)
    who = f"{principal.role.value}:{','.join(principal.sources)}"
    key = f"{read.store_version(con)}|{who}|{request.url.path}?{request.url.query}"
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Vary": "Authorization, Cookie"}
    if _anonymous(request):
        headers["Cache-Control"] = f"public, max-age={SHARED_MAX_AGE}"
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get(
    "/{layer}/{z}/{x}/{y}.mvt",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPE: {}}, "description": "A Mapbox Vector Tile (empty: no feature)"}},
)
def tile(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    layer: Layer,
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM, description="Zoom")],
    x: Annotated[int, Path(ge=0, description="Column, from the west")],
    y: Annotated[int, Path(ge=0, description="Row, from the north (XYZ)")],
    res: ResQuery = None,
) -> Response:
    """One tile of the ward or hexagon layer: MVT layer `wards` or `hexagons`, the layer's features and published
    counts for these filters (as /api/v1/wards and /api/v1/hexes), clipped to the tile."""
    if layer == "wards":
        body = ward_tile(con, filters, caches.wards, z, x, y)
    else:
        body = hex_tile(con, filters, res, z, x, y)
    return _cached(request, con, body, MEDIA_TYPE)


@router.get(
    "/{layer}.json",
    response_class=Response,
    response_model=TileJson,
    responses={200: {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/TileJson"}}}}},
)
def tile_json(
    request: Request, con: Con, caches: CachesDep, filters: FiltersDep, layer: Layer, res: ResQuery = None
) -> Response:
    """TileJSON 3.0.0 for the layer: its tile URL (with this request's filters), bounds, zooms and fields."""
    root = str(request.base_url).rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    url = f"{root}/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt{query}"
    bounds = caches.wards.bounds(con, filters.boundary_set)
    body = FastJSONResponse(tilejson(layer, url, bounds, filters)).body
    return _cached(request, con, bytes(body), "application/json")
