"""Web Mercator tiles (the XYZ scheme of OpenStreetMap, Google and QGIS) and Mapbox Vector Tile encoding.

A tile's features are projected to Web Mercator, clipped to the tile plus a small buffer (so neighbouring tiles'
polygons meet without seams), simplified by under a pixel, snapped to the tile's integer grid and encoded with
mapbox-vector-tile. Feature properties are written as they are, except nulls, which MVT cannot hold (left out).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import mapbox_vector_tile
import numpy as np
import shapely

EARTH_RADIUS_M = 6378137.0
HALF_WORLD_M = math.pi * EARTH_RADIUS_M  # 20037508.34 m: the Web Mercator square spans -HALF_WORLD_M..HALF_WORLD_M
MAX_LATITUDE = 85.0511287798  # the latitude Web Mercator's square ends at
EXTENT = 4096  # tile grid units per side (the MVT default)
BUFFER = 64  # grid units drawn beyond each edge, so that polygons of neighbouring tiles overlap and meet
MAX_ZOOM = 22
MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
Box = tuple[float, float, float, float]


def valid_tile(z: int, x: int, y: int) -> bool:
    """Whether z/x/y names a tile (zoom 0 to MAX_ZOOM, x and y within 0..2^z - 1)."""
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The x and y of the tile at zoom z that holds a point."""
    n = 2**z
    lat_r = math.radians(min(max(lat, -MAX_LATITUDE), MAX_LATITUDE))
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds_m(z: int, x: int, y: int) -> Box:
    """A tile's bounds in Web Mercator metres (minx, miny, maxx, maxy); y counts down from the north edge."""
    size = 2 * HALF_WORLD_M / 2**z
    minx = -HALF_WORLD_M + x * size
    maxy = HALF_WORLD_M - y * size
    return minx, maxy - size, minx + size, maxy


def tile_bounds_lonlat(z: int, x: int, y: int, buffer: float = 0.0) -> Box:
    """A tile's bounds in longitude and latitude (minlon, minlat, maxlon, maxlat), widened by `buffer` of its size
    on each side (clamped to the Web Mercator square)."""
    minx, miny, maxx, maxy = tile_bounds_m(z, x, y)
    pad = (maxx - minx) * buffer
    lon = np.degrees(np.clip([minx - pad, maxx + pad], -HALF_WORLD_M, HALF_WORLD_M) / EARTH_RADIUS_M)
    northing = np.clip([miny - pad, maxy + pad], -HALF_WORLD_M, HALF_WORLD_M) / EARTH_RADIUS_M
    lat = np.degrees(2 * np.arctan(np.exp(northing)) - np.pi / 2)
    return float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])


def to_mercator(coords: np.ndarray) -> np.ndarray:
    """Longitude, latitude pairs (n x 2) as Web Mercator metres."""
    lon = coords[:, 0]
    lat = np.clip(coords[:, 1], -MAX_LATITUDE, MAX_LATITUDE)
    x = np.radians(lon) * EARTH_RADIUS_M
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS_M
    return np.column_stack([x, y])


def tile_to_lonlat(coords: np.ndarray, z: int, x: int, y: int, extent: int = EXTENT) -> np.ndarray:
    """Tile grid coordinates with y up (as mapbox-vector-tile decodes them) back to longitude and latitude."""
    minx, miny, maxx, maxy = tile_bounds_m(z, x, y)
    scale = (maxx - minx) / extent
    mx = minx + coords[:, 0] * scale
    my = miny + coords[:, 1] * scale
    lon = np.degrees(mx / EARTH_RADIUS_M)
    lat = np.degrees(2 * np.arctan(np.exp(my / EARTH_RADIUS_M)) - np.pi / 2)
    return np.column_stack([lon, lat])


def tile_geometries(geometries: np.ndarray, z: int, x: int, y: int) -> np.ndarray:
    """WGS84 geometries in the tile's integer grid (y down, as MVT stores them), clipped to the tile and its
    buffer, simplified by half a grid unit and snapped to whole units; None where nothing is left in the tile."""
    if len(geometries) == 0:
        return np.array([], dtype=object)
    minx, miny, maxx, maxy = tile_bounds_m(z, x, y)
    scale = EXTENT / (maxx - minx)

    def to_grid(coords: np.ndarray) -> np.ndarray:
        m = to_mercator(coords)
        return np.column_stack([(m[:, 0] - minx) * scale, (maxy - m[:, 1]) * scale])

    grid = shapely.transform(geometries, to_grid)
    clipped = shapely.clip_by_rect(grid, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
    snapped = shapely.set_precision(shapely.simplify(clipped, 0.5), 1.0)
    keep = ~(shapely.is_empty(snapped) | shapely.is_missing(snapped))
    polygonal = np.isin(shapely.get_type_id(snapped), (3, 6))  # set_precision can leave lines of collapsed parts
    collections = shapely.get_type_id(snapped) == 7
    if collections.any():  # keep only the polygonal parts of a collection
        snapped[collections] = [_polygonal(g) for g in snapped[collections]]
        polygonal |= collections & ~shapely.is_empty(snapped)
    out = np.full(len(geometries), None, dtype=object)
    chosen = keep & polygonal
    out[chosen] = snapped[chosen]
    return out


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(geometry) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def encode_tile(
    name: str,
    geometries: np.ndarray,
    properties: Sequence[dict[str, Any]],
    ids: Sequence[int | None],
    z: int,
    x: int,
    y: int,
) -> bytes:
    """One MVT layer of the features that reach the tile (empty bytes when none does)."""
    shapes = tile_geometries(geometries, z, x, y)
    features = [
        {"geometry": shape, "properties": {k: _value(v) for k, v in props.items() if v is not None}, "id": fid}
        for shape, props, fid in zip(shapes, properties, ids, strict=True)
        if shape is not None
    ]
    if not features:
        return b""
    options = {"extents": EXTENT, "y_coord_down": True, "on_invalid_geometry": _make_valid}
    encoded: bytes = mapbox_vector_tile.encode([{"name": name, "features": features}], default_options=options)
    return encoded


class _Double(float):
    """A float the encoder's table of values keeps apart from the equal int (10.0 is not the count 10)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is _Double and float(self) == float(other)

    def __hash__(self) -> int:
        return hash((_Double, float(self)))


def _value(value: Any) -> Any:
    return _Double(value) if isinstance(value, float) else value


def _make_valid(shape: shapely.Geometry) -> shapely.Geometry | None:
    fixed = _polygonal(shapely.make_valid(shape))
    return None if fixed.is_empty else fixed
