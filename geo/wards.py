"""Ward boundary sets: read GeoJSON, validate it, and place points in wards with vectorised point-in-polygon."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

from geo.errors import BoundaryError

_WGS84_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326", "OGC:CRS84"}
_BNG_NAMES = {"urn:ogc:def:crs:EPSG::27700", "EPSG:27700"}


@dataclass(frozen=True)
class BoundarySet:
    """Named polygons with codes, names and (optionally) the LAD each belongs to."""

    codes: np.ndarray
    names: np.ndarray
    lad_codes: np.ndarray
    lad_names: np.ndarray
    geometries: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw)
    except (OSError, EOFError, ValueError) as exc:
        raise BoundaryError(str(path), f"not a readable GeoJSON file ({exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundaryError(str(path), "not a GeoJSON FeatureCollection")
    return data


def _crs_name(data: dict[str, Any]) -> str | None:
    crs = data.get("crs")
    if not crs:
        return None
    return str(crs.get("properties", {}).get("name", ""))


def _to_wgs84(geoms: np.ndarray, crs: str | None, path: Path) -> np.ndarray:
    if crs is None or crs in _WGS84_NAMES:
        return geoms
    if crs in _BNG_NAMES:
        transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
        return shapely.transform(geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    raise BoundaryError(str(path), f"unsupported CRS {crs!r}: give WGS84 (EPSG:4326) or British National Grid")


def _field(props: list[dict[str, Any]], field: str | None, path: Path, required: bool) -> np.ndarray:
    if field is None:
        return np.array([None] * len(props), dtype=object)
    if required and any(field not in p for p in props):
        available = sorted(props[0]) if props else []
        raise BoundaryError(str(path), f"property {field!r} missing; features have {', '.join(available)}")
    return np.array([None if p.get(field) in (None, "") else str(p.get(field)) for p in props], dtype=object)


def read_boundary_file(
    path: Path,
    code_field: str,
    name_field: str,
    lad_field: str | None = None,
    lad_name_field: str | None = None,
) -> BoundarySet:
    """Read and validate a GeoJSON boundary file into a BoundarySet (WGS84, unique codes, valid polygons)."""
    data = _read_json(path)
    features = data.get("features") or []
    if not features:
        raise BoundaryError(str(path), "no features")
    props = [f.get("properties") or {} for f in features]
    codes = _field(props, code_field, path, required=True)
    names = _field(props, name_field, path, required=True)
    if any(c is None for c in codes):
        raise BoundaryError(str(path), f"some features have an empty {code_field!r}")
    unique, counts = np.unique(codes.astype(str), return_counts=True)
    if (counts > 1).any():
        raise BoundaryError(str(path), f"duplicate codes: {', '.join(unique[counts > 1][:5])}")
    try:
        geoms = shapely.from_geojson([json.dumps(f.get("geometry")) for f in features])
    except shapely.errors.GEOSException as exc:
        raise BoundaryError(str(path), f"invalid geometry ({exc})") from exc
    kinds = set(shapely.get_type_id(geoms).tolist())
    if not kinds <= {3, 6}:
        raise BoundaryError(str(path), "every feature must be a Polygon or MultiPolygon")
    geoms = _to_wgs84(geoms, _crs_name(data), path)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise BoundaryError(str(path), "coordinates are not longitude/latitude; declare the CRS (e.g. EPSG:27700)")
    geoms = np.where(shapely.is_valid(geoms), geoms, shapely.make_valid(geoms))
    return BoundarySet(
        codes=codes,
        names=names,
        lad_codes=_field(props, lad_field, path, required=bool(lad_field)),
        lad_names=_field(props, lad_name_field, path, required=bool(lad_name_field)),
        geometries=np.asarray(geoms, dtype=object),
    )


def locate(geometries: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Index of the polygon containing each point (-1 where none); a point on a shared edge takes the first."""
    result = np.full(len(lon), -1, dtype=np.int64)
    if len(lon) == 0 or len(geometries) == 0:
        return result
    tree = shapely.STRtree(geometries)
    point_idx, geom_idx = tree.query(shapely.points(lon, lat), predicate="intersects")
    order = np.lexsort((geom_idx, point_idx))
    point_idx, geom_idx = point_idx[order], geom_idx[order]
    first = np.ones(len(point_idx), dtype=bool)
    first[1:] = point_idx[1:] != point_idx[:-1]
    result[point_idx[first]] = geom_idx[first]
    return result


def to_feature_geometry(geometries: np.ndarray) -> list[dict[str, Any]]:
    """GeoJSON geometry objects with counter-clockwise exterior rings (RFC 7946)."""
    oriented = shapely.orient_polygons(geometries, exterior_cw=False)
    return [json.loads(g) for g in shapely.to_geojson(oriented)]
