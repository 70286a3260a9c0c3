"""Pages of a collection's features and single features, their links, and the one way a collection's items and item
routes are added: `add_collection(collection, layer, ...)` with a dependency giving the collection's layer."""

# no `from __future__ import annotations`: the routes' annotations name the collection's own dependency, which FastAPI
# must see as an object, not as text it would look up among this module's globals

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from api.http.formats import GeoJSONResponse
from api.http.routers.ogc.base import PREFIX, BboxCrsQuery, BboxQuery, LimitQuery, OffsetQuery, router
from api.services import ogc
from api.services.errors import NotFoundError

JSON = "application/json"
GEOJSON = "application/geo+json"

# A collection's layer for a request: a GeoJSON FeatureCollection (with the service's other members), given the
# `bbox` asked for, and whether the service selected the features intersecting it already.
Select = Callable[[ogc.Box | None], tuple[dict[str, Any], bool]]


def base_url(request: Request) -> str:
    """The URL of the OGC API's landing page."""
    return str(request.base_url).rstrip("/") + PREFIX


def link(href: str, rel: str, media: str, title: str | None = None) -> dict[str, str]:
    """A link as OGC API documents write it."""
    out = {"href": href, "rel": rel, "type": media}
    if title:
        out["title"] = title
    return out


def now() -> str:
    """The time stamp of a page (RFC 3339, UTC)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def item_links(request: Request, collection: str) -> list[dict[str, str]]:
    """A single feature's links: itself and its collection."""
    return [
        link(str(request.url), "self", GEOJSON, "This feature"),
        link(f"{base_url(request)}/collections/{collection}", "collection", JSON, "The collection"),
    ]


def items_page(
    request: Request,
    collection: str,
    layer: dict[str, Any],
    bbox: ogc.Box | None,
    offset: int,
    limit: int,
    selected: bool = False,
) -> GeoJSONResponse:
    """A page of a layer's features (those intersecting bbox, unless the service selected them already)."""
    matched = layer["features"] if selected else ogc.within(layer["features"], bbox)
    limit = min(limit, ogc.MAX_LIMIT)
    chosen = ogc.page(matched, offset, limit)
    links = [
        link(str(request.url), "self", GEOJSON, "This page"),
        link(f"{base_url(request)}/collections/{collection}", "collection", JSON, "The collection"),
    ]
    if offset + limit < len(matched):
        links.append(link(str(request.url.include_query_params(offset=offset + limit)), "next", GEOJSON, "Next page"))
    if offset > 0:
        previous = max(offset - limit, 0)
        links.append(link(str(request.url.include_query_params(offset=previous)), "prev", GEOJSON, "Previous page"))
    members = {k: v for k, v in layer.items() if k not in ("type", "features")}
    return GeoJSONResponse(
        {
            "type": "FeatureCollection",
            "features": chosen,
            **members,
            "links": links,
            "timeStamp": now(),
            "numberMatched": len(matched),
            "numberReturned": len(chosen),
        }
    )


def one_item(request: Request, collection: str, layer: dict[str, Any], feature_id: str) -> GeoJSONResponse:
    """One feature of a layer by id (404 when the layer has none of that id)."""
    found = next((f for f in layer["features"] if str(f.get("id")) == feature_id), None)
    if found is None:
        raise NotFoundError(f"no feature {feature_id!r} in collection {collection} for these filters")
    return GeoJSONResponse({**found, "links": item_links(request, collection)})


@dataclass(frozen=True)
class Route:
    """How a route is named and documented in the API definition."""

    name: str
    doc: str
    model: Any  # a response model: a pydantic model or a union of them


def add_collection(collection: str, layer: Callable[..., Select], items: Route, item: Route) -> None:
    """Add a collection's items route (bbox, limit and offset over the layer) and item route (one feature by id);
    `layer` is a dependency taking the collection's own parameters and giving its layer."""

    def items_route(
        request: Request,
        select: Annotated[Select, Depends(layer)],
        bbox: BboxQuery = None,
        bbox_crs: BboxCrsQuery = None,
        limit: LimitQuery = ogc.DEFAULT_LIMIT,
        offset: OffsetQuery = 0,
    ) -> GeoJSONResponse:
        box = ogc.parse_bbox(bbox, bbox_crs)
        found, selected = select(box)
        return items_page(request, collection, found, box, offset, limit, selected)

    def item_route(request: Request, select: Annotated[Select, Depends(layer)], featureId: str) -> GeoJSONResponse:  # noqa: N803
        return one_item(request, collection, select(None)[0], featureId)

    for endpoint, route, path in ((items_route, items, "/items"), (item_route, item, "/items/{featureId}")):
        endpoint.__doc__ = route.doc
        router.add_api_route(
            f"/collections/{collection}{path}",
            endpoint,
            methods=["GET"],
            response_model=route.model,
            response_class=GeoJSONResponse,
            name=route.name,
        )


def whole(layer: Callable[[], dict[str, Any]]) -> Select:
    """A layer computed whole, whatever the box (the page selects the features intersecting it)."""
    return lambda _box: (layer(), False)
