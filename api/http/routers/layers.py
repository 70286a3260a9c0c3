"""Map layers: ward choropleth and H3 hexagons, as GeoJSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.http.answers import layer_answer
from api.http.deps import CachesDep, Con, FiltersDep
from api.http.formats import GIS, Answer, CrsQuery, LayerFormat
from api.http.models.base import documented_as
from api.http.models.layers import HexLayer, WardLayer
from api.services.layers import hex_layer, wards_layer
from api.services.params import parse_bbox

router = APIRouter(prefix="/api/v1", tags=["layers"])

PrecisionQuery = Annotated[
    bool,
    Query(
        description="Add `located`: the count at each location precision (point, postcode, snap-point, lsoa, ward, "
        "none); rows located by ward or LSOA only count in ward totals but never on hexes"
    ),
]


@router.get(
    "/wards", response_class=Response, response_model=WardLayer, responses=documented_as({"geojson": WardLayer}, *GIS)
)
def wards(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    precision: PrecisionQuery = False,
    format: LayerFormat = "geojson",  # noqa: A002
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """Ward FeatureCollection: code, name, lad, count, previous_count (same-length previous period), change."""
    answer = Answer(geojson=lambda: wards_layer(con, filters, caches.wards, precision))
    return layer_answer(request, con, answer, format, crs)


@router.get(
    "/hexes", response_class=Response, response_model=HexLayer, responses=documented_as({"geojson": HexLayer}, *GIS)
)
def hexes(
    request: Request,
    con: Con,
    filters: FiltersDep,
    res: Annotated[int, Query(ge=6, le=10, description="H3 resolution, 6 (coarse) to 10 (fine)")] = 8,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat (WGS84)")] = None,
    precision: PrecisionQuery = False,
    format: LayerFormat = "geojson",  # noqa: A002
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """H3 hexagon FeatureCollection with `h3` and `count`; incidents without a point are not on this layer."""

    def layer() -> dict[str, object]:
        return hex_layer(con, filters, res, parse_bbox(bbox), precision, encoded=format == "geojson")

    answer = Answer(geojson=layer)
    return layer_answer(request, con, answer, format, crs)
