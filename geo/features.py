"""GeoJSON (RFC 7946) FeatureCollections for ward and hexagon layers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
import shapely

from geo.hexbin import cell_polygons, cells_to_strings

NUMPY = orjson.OPT_SERIALIZE_NUMPY


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
    polygons = cell_polygons(cells) if polygons is None else polygons
    ids = cells_to_strings(cells)
    if not len(polygons):
        return []
    coords, index = shapely.get_coordinates(shapely.get_exterior_ring(polygons), return_index=True)
    coords = np.round(coords, 7)
    sizes = np.bincount(index)
    starts = np.r_[0, np.cumsum(sizes)]
    geometries: list[Any]
    if encoded:
        geometries = [
            orjson.Fragment(b'{"type":"Polygon","coordinates":[' + orjson.dumps(coords[a:b], option=NUMPY) + b"]}")
            for a, b in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True)
        ]
    else:
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
