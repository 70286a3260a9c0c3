"""Vector tiles (MVT) of the ward and hexagon layers, and their TileJSON: the layers' own features, encoded per tile.

Counts come from the layer services (wards_layer, hex_layer) with the caller's figures, so a tile carries exactly
the published values of the GeoJSON layer for the same filters; a tile only cuts the features' geometry.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from api.services.errors import NotFoundError
from api.services.filters import Filters
from api.services.layers import hex_layer, wards_layer
from api.services.params import MAX_BBOX_DEGREES
from api.services.reference import WardCache
from geo.hexbin import cell_polygons
from geo.tiles import BUFFER, EXTENT, MAX_ZOOM, encode_tile, tile_bounds_lonlat, valid_tile
from ingest.store.connection import Connection

LAYERS = ("wards", "hexagons")
WARD_FIELDS = {
    "code": "Ward code",
    "name": "Ward name",
    "lad": "Local authority district code",
    "lad_name": "Local authority district name",
    "count": "Incidents in the period (absent: suppressed by disclosure control)",
    "previous_count": "Incidents in the previous period of the same length (absent: suppressed or not held)",
    "change": "count - previous_count",
    "change_pct": "Change in per cent",
}
HEX_FIELDS = {
    "h3": "H3 cell id",
    "count": "Incidents with a point in the cell (cells whose count is not published are not drawn)",
}
DESCRIPTIONS = {
    "wards": "ASB incidents per ward over the period, with the previous period of the same length",
    "hexagons": "ASB incidents with a point per H3 hexagon over the period",
}


def hex_resolution(z: int) -> int:
    """The H3 resolution drawn at a zoom when none is asked for: res 6 up to zoom 8, 7 at zoom 9, 8 from zoom 10
    (a hexagon some 5 to 30 pixels across)."""
    return 6 if z <= 8 else 7 if z == 9 else 8


def _check(z: int, x: int, y: int) -> None:
    if not valid_tile(z, x, y):
        raise NotFoundError(f"no tile {z}/{x}/{y}: zoom 0 to {MAX_ZOOM}, x and y 0 to 2^zoom - 1")


def ward_tile(con: Connection, filters: Filters, cache: WardCache, z: int, x: int, y: int) -> bytes:
    """The ward layer's features that reach tile z/x/y, as MVT layer `wards` (feature id: the ward's place in the
    layer counted from 1, the same in every tile)."""
    _check(z, x, y)
    layer = wards_layer(con, filters, cache)
    shapes = cache.shapes(con, filters.boundary_set)
    geometries = np.array([shapes[f["id"]] for f in layer["features"]], dtype=object)
    reach = shapely.box(*tile_bounds_lonlat(z, x, y, BUFFER / EXTENT))
    chosen = np.flatnonzero(shapely.intersects(geometries, reach)) if len(geometries) else np.array([], dtype=int)
    features = [layer["features"][i] for i in chosen]
    return encode_tile(
        "wards", geometries[chosen], [f["properties"] for f in features], [int(i) + 1 for i in chosen], z, x, y
    )


def hex_tile(con: Connection, filters: Filters, res: int | None, z: int, x: int, y: int) -> bytes:
    """The hexagon layer's features that reach tile z/x/y (at `res`, or the zoom's resolution), as MVT layer
    `hexagons` (feature id: the H3 cell as a number)."""
    _check(z, x, y)
    box = tile_bounds_lonlat(z, x, y, BUFFER / EXTENT)
    small = box[2] - box[0] <= MAX_BBOX_DEGREES and box[3] - box[1] <= MAX_BBOX_DEGREES
    layer = hex_layer(con, filters, res or hex_resolution(z), box if small else None)
    cells = np.array([int(f["id"], 16) for f in layer["features"]], dtype=np.uint64)
    geometries = cell_polygons(cells) if len(cells) else np.array([], dtype=object)
    return encode_tile(
        "hexagons",
        np.asarray(geometries, dtype=object),
        [f["properties"] for f in layer["features"]],
        [int(c) for c in cells],
        z,
        x,
        y,
    )


def tilejson(
    layer: str, tiles_url: str, bounds: tuple[float, float, float, float] | None, filters: Filters
) -> dict[str, Any]:
    """TileJSON 3.0.0 for a layer whose tiles are at `tiles_url` ({z}/{x}/{y} in it)."""
    fields = WARD_FIELDS if layer == "wards" else HEX_FIELDS
    minzoom, maxzoom = 0, MAX_ZOOM
    out: dict[str, Any] = {
        "tilejson": "3.0.0",
        "name": f"AIM {layer}",
        "description": DESCRIPTIONS[layer],
        "version": "1.0.0",
        "attribution": "Contains public sector information licensed under the Open Government Licence v3.0",
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "vector_layers": [
            {
                "id": layer,
                "description": DESCRIPTIONS[layer],
                "minzoom": minzoom,
                "maxzoom": maxzoom,
                "fields": fields,
            }
        ],
        "filters": filters.echo(),
    }
    if bounds is not None:
        out["bounds"] = [round(v, 6) for v in bounds]
        out["center"] = [round((bounds[0] + bounds[2]) / 2, 6), round((bounds[1] + bounds[3]) / 2, 6), 9]
    return out
