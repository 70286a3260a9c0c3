"""Ward boundary sets: read any file GDAL reads (GeoJSON, Shapefile, GeoPackage, ... in any CRS) through geopandas,
validate it, and place points in wards with vectorised point-in-polygon."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from geo.errors import BoundaryError

WGS84 = "EPSG:4326"
UK = (-9.0, 49.0, 2.5, 61.5)  # a generous box around the UK and Crown dependencies (min lon, min lat, max lon, max lat)
_POLYGONAL = {3, 6}  # shapely type ids of Polygon and MultiPolygon


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


def _source(path: Path) -> str:
    """What GDAL opens: the path, or the gzip inside it (a .geojson.gz, a .gpkg.gz); folders and .zip as they are."""
    if path.is_dir():
        return str(path)
    try:
        with path.open("rb") as fh:
            magic = fh.read(2)
    except OSError as exc:
        raise BoundaryError(str(path), f"cannot read the file ({exc.strerror or exc})") from exc
    return f"/vsigzip/{path}" if magic == b"\x1f\x8b" else str(path)


def _reason(exc: Exception) -> str:
    return str(exc).splitlines()[0].split("; It might help")[0] if str(exc) else type(exc).__name__


def _field(wanted: str, available: Sequence[str], path: Path) -> str:
    """The layer's field for a name given (exactly, else the one field that matches ignoring case: dBASE names are
    often upper case)."""
    if wanted in available:
        return wanted
    folded = [a for a in available if a.lower() == wanted.lower()]
    if len(folded) == 1:
        return folded[0]
    raise BoundaryError(str(path), f"property {wanted!r} missing; features have {', '.join(available) or 'none'}")


def _read_layer(path: Path, fields: dict[str, str], layer: str | None) -> Any:
    """The layer's features with the fields asked for (renamed to code, name, ...) as a GeoDataFrame. Text stays as
    written (GeoJSON dates are not parsed)."""
    import geopandas as gpd
    import pyogrio

    source = _source(path)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(source)]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        raise BoundaryError(str(path), f"not a boundary file GDAL can read ({_reason(exc)})") from exc
    if not layers:
        raise BoundaryError(str(path), "no layers")
    if layer is None and len(layers) > 1:
        raise BoundaryError(str(path), f"holds {len(layers)} layers ({', '.join(layers[:20])}): choose one (--layer)")
    if layer is not None and layer not in layers:
        raise BoundaryError(str(path), f"no layer {layer!r}; it holds {', '.join(layers[:20])}")
    chosen = layer or layers[0]
    try:
        info = pyogrio.read_info(source, layer=chosen)
        if not info["features"]:
            raise BoundaryError(str(path), "no features")
        available = [str(f) for f in info["fields"]]
        columns = {_field(wanted, available, path): role for role, wanted in fields.items()}
        options = {"DATE_AS_STRING": "YES"} if info["driver"] == "GeoJSON" else {}
        frame = gpd.read_file(source, layer=chosen, columns=list(columns), engine="pyogrio", **options)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as exc:
        raise BoundaryError(str(path), f"cannot read layer {chosen!r} ({_reason(exc)})") from exc
    if not len(frame):
        raise BoundaryError(str(path), "no features")
    return frame.rename(columns=columns)


def _text(values: Sequence[Any]) -> np.ndarray:
    """Field values as text, None where empty: a code read as a number keeps no decimal point (12, not 12.0)."""
    import pandas as pd

    out: list[str | None] = []
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            text = v.decode() if isinstance(v, bytes) else str(v)
            out.append(text or None)
    return np.array(out, dtype=object)


def _to_wgs84(frame: Any, crs: str | None, path: Path) -> Any:
    """The layer in WGS84: reprojected from the CRS it declares (or `crs` when it declares none)."""
    from pyproj.exceptions import CRSError

    xmin, ymin, xmax, ymax = frame.total_bounds
    try:
        if frame.crs is None:
            if crs is None:
                if -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90:
                    return frame.set_crs(WGS84)  # longitude/latitude with no CRS (e.g. a Shapefile without .prj)
                raise BoundaryError(
                    str(path),
                    "declares no CRS (a Shapefile without its .prj?) and its coordinates are not longitude/latitude: "
                    "give its CRS (--crs EPSG:27700 for British National Grid)",
                )
            frame = frame.set_crs(crs)
        return frame.to_crs(WGS84)
    except CRSError as exc:
        raise BoundaryError(str(path), f"cannot reproject to WGS84 ({_reason(exc)})") from exc


def _first(codes: np.ndarray, where: np.ndarray) -> str:
    found = [str(c) for c in codes[where][:5]]
    return ", ".join(found) + (" ..." if where.sum() > 5 else "")


def read_boundary_file(
    path: Path,
    code_field: str,
    name_field: str,
    lad_field: str | None = None,
    lad_name_field: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
) -> BoundarySet:
    """Read and validate a boundary layer GDAL reads (GeoJSON, plain or .gz; Shapefile, also zipped; GeoPackage;
    ...) into a BoundarySet: WGS84 (reprojected from the layer's CRS, or from `crs` when it declares none), unique
    codes, valid polygons (repaired with make_valid). Names are kept as written: text, never markup or formulas."""
    fields = {"code": code_field, "name": name_field}
    fields.update({k: v for k, v in (("lad_code", lad_field), ("lad_name", lad_name_field)) if v})
    frame = _read_layer(path, fields, layer)
    codes = _text(frame["code"].tolist())
    if any(c is None for c in codes):
        raise BoundaryError(str(path), f"some features have an empty {code_field!r}")
    unique, counts = np.unique(codes.astype(str), return_counts=True)
    if (counts > 1).any():
        raise BoundaryError(str(path), f"duplicate codes: {', '.join(unique[counts > 1][:5])}")
    geoms = np.asarray(frame.geometry.array, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        raise BoundaryError(str(path), f"features without a geometry: {_first(codes, missing)}")
    kinds = shapely.get_type_id(geoms)
    if not np.isin(kinds, list(_POLYGONAL)).all():
        found = sorted({g.geom_type for g, k in zip(geoms, kinds, strict=True) if k not in _POLYGONAL})
        raise BoundaryError(
            str(path),
            f"every feature must be a Polygon or MultiPolygon; found {', '.join(found)} ({code_field} "
            f"{_first(codes, ~np.isin(kinds, list(_POLYGONAL)))})",
        )
    declared = frame.crs.to_string() if frame.crs is not None else crs or "none"
    frame = _to_wgs84(frame, crs, path)
    geoms = shapely.force_2d(np.asarray(frame.geometry.array, dtype=object))
    invalid = ~shapely.is_valid(geoms)
    geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    unusable = shapely.is_empty(geoms) | ~np.isin(shapely.get_type_id(geoms), list(_POLYGONAL))
    if unusable.any():
        raise BoundaryError(str(path), f"polygons with no area once made valid: {_first(codes, unusable)}")
    xmin, ymin, xmax, ymax = bounds = shapely.total_bounds(geoms)
    if not np.isfinite(bounds).all() or xmax < UK[0] or xmin > UK[2] or ymax < UK[1] or ymin > UK[3]:
        raise BoundaryError(
            str(path),
            f"in WGS84 the boundaries lie at longitude {xmin:.4g}..{xmax:.4g}, latitude {ymin:.4g}..{ymax:.4g}, "
            f"outside the UK: is the file's CRS ({declared}) right?",
        )
    empty = np.array([None] * len(codes), dtype=object)
    return BoundarySet(
        codes=codes,
        names=_text(frame["name"].tolist()),
        lad_codes=_text(frame["lad_code"].tolist()) if lad_field else empty,
        lad_names=_text(frame["lad_name"].tolist()) if lad_name_field else empty.copy(),
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
