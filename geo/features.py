"""GeoJSON (RFC 7946) FeatureCollections for ward and hexagon layers."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
import shapely

from geo.hexbin import cell_polygons, cells_to_strings

NUMPY = orjson.OPT_SERIALIZE_NUMPY


MAX_KEPT_HEXAGONS = 100_000  # about 35 MB of GeoJSON text; all forgotten at once past it
_hexagons: dict[int, orjson.Fragment] = {}  # an H3 cell's hexagon as GeoJSON text: its boundary never changes
_hexagons_lock = threading.Lock()


def _rings(polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The polygons' exterior rings: every vertex (rounded to 7 decimals, about 1 cm), each ring's vertex count and
    where each ring starts in the vertices."""
    coords, index = shapely.get_coordinates(shapely.get_exterior_ring(polygons), return_index=True)
    sizes = np.bincount(index)
    return np.round(coords, 7), sizes, np.r_[0, np.cumsum(sizes)]


def encoded_hexagons(cells: np.ndarray, polygons: np.ndarray | None = None) -> list[orjson.Fragment]:
    """Each cell's hexagon as GeoJSON Polygon text (an orjson Fragment), written once per cell in a process and kept
    (up to MAX_KEPT_HEXAGONS); built from `polygons` (the cells' polygons, in order) when given."""
    keys = [int(c) for c in cells]
    found: list[orjson.Fragment | None] = [_hexagons.get(k) for k in keys]
    missing = [i for i, f in enumerate(found) if f is None]
    if missing:
        chosen = np.asarray(missing)
        coords, _, starts = _rings(cell_polygons(cells[chosen]) if polygons is None else polygons[chosen])
        built = [
            orjson.Fragment(b'{"type":"Polygon","coordinates":[' + orjson.dumps(coords[a:b], option=NUMPY) + b"]}")
            for a, b in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True)
        ]
        with _hexagons_lock:
            if len(_hexagons) + len(built) > MAX_KEPT_HEXAGONS:
                _hexagons.clear()
            for i, fragment in zip(missing, built, strict=True):
                _hexagons[keys[i]] = fragment
                found[i] = fragment
    return found  # type: ignore[return-value]


def feature_collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    """A FeatureCollection, with foreign members (period, filters) alongside the features."""
    return {"type": "FeatureCollection", "features": features, **members}


def feature(geometry: dict[str, Any] | None, properties: dict[str, Any], fid: str | None = None) -> dict[str, Any]:
    """One GeoJSON Feature."""
    out: dict[str, Any] = {"type": "Feature", "geometry": geometry, "properties": properties}
    if fid is not None:
        out["id"] = fid
    return out


def hex_features(
    cells: np.ndarray,
    properties: Sequence[dict[str, Any]],
    polygons: np.ndarray | None = None,
    encoded: bool = False,
) -> list[dict[str, Any]]:
    """Hexagon Features for H3 cells (from their polygons when already built), each with its `h3` id plus the given
    properties. Encoded: each geometry as its GeoJSON text already written (an orjson Fragment, the same bytes), for
    answers written straight out as GeoJSON (no list per vertex built, then walked again)."""
    ids = cells_to_strings(cells)
    if not len(cells):
        return []
    geometries: list[Any]
    if encoded:
        geometries = encoded_hexagons(cells, polygons)
    else:
        polygons = cell_polygons(cells) if polygons is None else polygons
        coords, sizes, starts = _rings(polygons)
        if (sizes == sizes[0]).all():  # the usual case: every ring has the same number of vertices
            rings = coords.reshape(len(sizes), int(sizes[0]), 2).tolist()
        else:
            rings = [coords[a:b].tolist() for a, b in zip(starts[:-1], starts[1:], strict=True)]
        geometries = [{"type": "Polygon", "coordinates": [ring]} for ring in rings]
    return [feature(g, {"h3": h, **p}, fid=h) for g, h, p in zip(geometries, ids, properties, strict=True)]


def features_bounds(features: list[dict[str, Any]]) -> tuple[float, float, float, float] | None:
    """Bounding box (minlon, minlat, maxlon, maxlat) of the features' geometries, None when empty."""
    geometries = [json.dumps(f["geometry"]) for f in features if f.get("geometry")]
    if not geometries:
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(shapely.from_geojson(geometries))
    return float(minx), float(miny), float(maxx), float(maxy)
