"""The OGC API's landing page, conformance classes, the list of collections and each collection's description."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from api.http.auth import capabilities_of
from api.http.deps import CachesDep, Con
from api.http.formats import FastJSONResponse
from api.http.models import ogc as models
from api.http.routers.ogc.base import PREFIX, router
from api.http.routers.ogc.pages import GEOJSON, JSON, base_url, link
from api.services import ogc
from api.services.caches import Caches
from ingest.store import read
from ingest.store.connection import Connection

OPENAPI = "application/vnd.oai.openapi+json;version=3.1"

# collections listed only when they hold features the caller may see (collection id -> whether it does)
LISTED_WHEN: dict[str, Callable[[Request], bool]] = {}


def _may_read(request: Request, collection: str) -> bool:
    return capabilities_of(request).may_use(f"{PREFIX}/collections/{collection}/items")


def _listed(request: Request, collection: str) -> bool:
    held = LISTED_WHEN.get(collection)
    return _may_read(request, collection) and (held is None or held(request))


@router.get("", response_model=models.LandingPage, response_class=FastJSONResponse)
def landing(request: Request) -> FastJSONResponse:
    """The landing page: links to the API definition, the conformance classes and the collections."""
    base = base_url(request)
    root = str(request.base_url).rstrip("/")
    return FastJSONResponse(
        {
            "title": "AIM: ASB intelligence mapping",
            "description": "Anti-social behaviour by ward and H3 hexagon, Gi* hotspots, patrol plans, incident "
            "records and problem areas, as OGC API - Features (GeoJSON, CRS84).",
            "links": [
                link(base, "self", JSON, "This document"),
                link(f"{root}/openapi.json", "service-desc", OPENAPI, "The API definition"),
                link(f"{root}/docs", "service-doc", "text/html", "The API documentation"),
                link(f"{base}/conformance", "conformance", JSON, "Conformance classes implemented"),
                link(f"{base}/collections", "data", JSON, "The feature collections"),
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
    href = f"{base_url(request)}/collections/{c.id}"
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "crs": [ogc.CRS84],
        "extent": extent,
        "links": [
            link(href, "self", JSON, c.title),
            link(f"{href}/items", "items", GEOJSON, f"{c.title}: features"),
        ],
    }


@router.get("/collections", response_model=models.Collections, response_class=FastJSONResponse)
def collections(request: Request, con: Con, caches: CachesDep) -> FastJSONResponse:
    """The feature collections the caller may read (others need a token of a role that may)."""
    extent = _extent(con, caches)
    href = f"{base_url(request)}/collections"
    return FastJSONResponse(
        {
            "links": [link(href, "self", JSON, "The feature collections")],
            "collections": [_collection(request, c, extent) for c in ogc.COLLECTIONS if _listed(request, c.id)],
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
