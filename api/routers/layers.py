"""Map layers: ward choropleth and H3 hexagons, as GeoJSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import Con, FiltersDep
from api.errors import ParameterError
from api.responses import GeoJSONResponse
from api.services import hex_layer, wards_layer

router = APIRouter(prefix="/api/v1", tags=["layers"])
MAX_BBOX_DEGREES = 15.0


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """Parse minlon,minlat,maxlon,maxlat into a validated WGS84 box."""
    if text is None:
        return None
    parts = text.split(",")
    try:
        if len(parts) != 4:
            raise ValueError
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError as exc:
        raise ParameterError("bbox", "expected four numbers: minlon,minlat,maxlon,maxlat") from exc
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise ParameterError("bbox", "longitudes must be within -180..180 and latitudes within -90..90")
    if minlon >= maxlon or minlat >= maxlat:
        raise ParameterError("bbox", "min values must be smaller than max values (minlon,minlat,maxlon,maxlat)")
    if maxlon - minlon > MAX_BBOX_DEGREES or maxlat - minlat > MAX_BBOX_DEGREES:
        raise ParameterError("bbox", f"a box at most {MAX_BBOX_DEGREES} degrees wide and tall, please (the UK fits)")
    return minlon, minlat, maxlon, maxlat


PrecisionQuery = Annotated[
    bool,
    Query(
        description="Add `located`: the count at each location precision (point, postcode, snap-point, lsoa, ward, "
        "none); rows located by ward or LSOA only count in ward totals but never on hexes"
    ),
]


@router.get("/wards", response_class=GeoJSONResponse)
def wards(request: Request, con: Con, filters: FiltersDep, precision: PrecisionQuery = False) -> GeoJSONResponse:
    """Ward FeatureCollection: code, name, lad, count, previous_count (same-length previous period), change."""
    return GeoJSONResponse(wards_layer(con, filters, request.app.state.wards, precision))


@router.get("/hexes", response_class=GeoJSONResponse)
def hexes(
    con: Con,
    filters: FiltersDep,
    res: Annotated[int, Query(ge=6, le=10, description="H3 resolution, 6 (coarse) to 10 (fine)")] = 8,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat (WGS84)")] = None,
    precision: PrecisionQuery = False,
) -> GeoJSONResponse:
    """H3 hexagon FeatureCollection with `h3` and `count`; incidents without a point are not on this layer."""
    return GeoJSONResponse(hex_layer(con, filters, res, parse_bbox(bbox), precision))
