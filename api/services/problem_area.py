"""A problem's area: H3 cells at one resolution, one or more wards, or a GeoJSON polygon; resolved to the cells
every count of the problem is taken over, and named by the wards it lies in."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from api.services.errors import ParameterError
from api.services.places import resolve_ward
from geo.area_files import AreaFileError, read_area
from geo.grid import circle_around
from geo.hexbin import cell_resolution, cells_to_strings
from geo.lattice import cell_centres
from geo.problem_areas import cells_from_text, polygon_cells
from geo.wards import locate
from ingest.store import read
from ingest.store.connection import Connection

AREA_RES = 9  # wards and polygons are counted over the res-9 cells whose centre they hold
MAX_CELLS = 2000
MAX_POLYGON_DEG2 = 0.15 * 0.1  # a polygon's bounding box: about 10 km by 11 km in the UK


@dataclass(frozen=True)
class WardShapes:
    """The wards of a boundary set as shapely polygons."""

    codes: list[str]
    names: list[str]
    lads: list[str | None]
    geometries: np.ndarray

    def of(self, codes: set[str]) -> WardShapes:
        keep = [i for i, c in enumerate(self.codes) if c in codes]
        return WardShapes(
            [self.codes[i] for i in keep],
            [self.names[i] for i in keep],
            [self.lads[i] for i in keep],
            self.geometries[keep],
        )


def ward_shapes(con: Connection, boundary_set: str) -> WardShapes:
    """Every ward of the boundary set with its polygon."""
    t = read.ward_geometries(con, boundary_set).to_pylist()
    geoms = np.array([shapely.from_geojson(r["geometry"]) for r in t], dtype=object)
    return WardShapes([r["code"] for r in t], [r["name"] for r in t], [r["lad_code"] for r in t], geoms)


def _polygon(geometry: Any) -> shapely.Geometry:
    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except Exception as exc:  # noqa: BLE001 (shapely raises several kinds for bad GeoJSON)
        raise ParameterError("area.polygon", f"not a GeoJSON geometry: {exc}") from exc
    if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty or not shape.is_valid:
        raise ParameterError("area.polygon", "give a valid GeoJSON Polygon or MultiPolygon (WGS84)")
    minx, miny, maxx, maxy = shape.bounds
    if not (-9 <= minx <= maxx <= 3 and 49 <= miny <= maxy <= 61):
        raise ParameterError("area.polygon", "the polygon must lie in the UK (WGS84 longitude, latitude)")
    if (maxx - minx) * (maxy - miny) > MAX_POLYGON_DEG2:
        raise ParameterError("area.polygon", "the polygon is larger than a problem's area may be (about 10 km across)")
    return shape


def area_from_file(data: bytes) -> dict[str, Any]:
    """A problem's area from a GeoJSON or GeoPackage file (any CRS): its polygons in WGS84, merged, as
    `area.polygon` of a new problem takes them, with the res-9 cells it covers and what was read from the file."""
    try:
        shape, info = read_area(data)
    except AreaFileError as exc:
        raise ParameterError("file", str(exc)) from exc
    shape = _polygon(json.loads(shapely.to_geojson(shape)))
    return {"polygon": json.loads(shapely.to_geojson(shape)), "cells": len(polygon_cells(shape, AREA_RES)), **info}


def area_around(grid_ref: str, radius_m: float) -> dict[str, Any]:
    """A problem's area given without drawing: a circle of `radius_m` metres around a grid reference's point, as
    `area.polygon` of a new problem takes it, with the res-9 cells it covers."""
    try:
        ring = circle_around(grid_ref, radius_m)
    except ValueError as exc:
        raise ParameterError("grid_ref", str(exc)) from exc
    shape = _polygon({"type": "Polygon", "coordinates": [ring]})
    polygon = json.loads(shapely.to_geojson(shape))
    return {
        "polygon": polygon,
        "cells": len(polygon_cells(shape, AREA_RES)),
        "grid_ref": grid_ref,
        "radius_m": radius_m,
    }


def resolve_area(con: Connection, boundary_set: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The area as stored: kind (cells, wards or polygon), res, boundary_set, value, names (the wards it lies in)."""
    kinds = [k for k in ("cells", "wards", "polygon") if spec.get(k)]
    if len(kinds) != 1:
        raise ParameterError("area", "give exactly one of cells (H3 cells), wards (codes or names) or polygon")
    kind = kinds[0]
    if kind == "wards":
        wards = [resolve_ward(con, boundary_set, str(w), "area.wards") for w in spec["wards"]]
        codes = list(dict.fromkeys(w.code for w in wards))
        names = [{"code": w.code, "name": w.name} for w in {w.code: w for w in wards}.values()]
        return {"kind": kind, "res": AREA_RES, "boundary_set": boundary_set, "value": codes, "names": names}
    if kind == "polygon":
        shape = _polygon(spec["polygon"])
        cells = polygon_cells(shape, AREA_RES)
        value = json.loads(shapely.to_geojson(shape))
        res = AREA_RES
    else:
        texts = [str(c).lower() for c in spec["cells"]]
        resolutions = {cell_resolution(c) for c in texts}
        if None in resolutions:
            raise ParameterError("area.cells", "every cell must be a valid H3 cell (hexadecimal text)")
        if len(resolutions) != 1 or not 6 <= (res := int(next(iter(resolutions)))) <= 10:  # type: ignore[arg-type]
            raise ParameterError("area.cells", "give cells of one resolution, 6 to 10")
        cells = cells_from_text(texts)
        value = sorted(set(texts))
    if len(cells) > MAX_CELLS:
        raise ParameterError("area", f"the area covers {len(cells)} cells; a problem's area is at most {MAX_CELLS}")
    shapes = ward_shapes(con, boundary_set)
    lon, lat = cell_centres(np.asarray(cells, dtype=np.uint64))
    found = sorted({int(i) for i in locate(shapes.geometries, lon, lat) if i >= 0})
    return {
        "kind": kind,
        "res": res,
        "boundary_set": boundary_set,
        "value": value,
        "names": [{"code": shapes.codes[i], "name": shapes.names[i]} for i in found],
    }


def area_cells(con: Connection, area: dict[str, Any]) -> tuple[int, np.ndarray]:
    """(res, cells) of a stored area."""
    res = int(area["res"])
    if area["kind"] == "cells":
        return res, np.unique(cells_from_text(area["value"]))
    if area["kind"] == "polygon":
        return res, polygon_cells(_polygon(area["value"]), res)
    shapes = ward_shapes(con, area["boundary_set"]).of(set(area["value"]))
    found = [polygon_cells(g, res) for g in shapes.geometries]
    return res, np.unique(np.concatenate(found)) if found else np.array([], dtype=np.uint64)


def area_ward_codes(area: dict[str, Any]) -> set[str]:
    """The ward codes an area lies in (its own wards, or those holding its cells' centres)."""
    return {str(n["code"]) for n in area.get("names") or []}


def cell_texts(cells: np.ndarray) -> list[str]:
    """Cells as hexadecimal text."""
    return cells_to_strings(np.asarray(cells, dtype=np.uint64))
