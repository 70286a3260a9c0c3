"""Enrichment: the finest H3 cell of each distinct point and its ward in every boundary set, via geo."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pyarrow as pa
import shapely

from geo.hexbin import points_to_cells
from geo.wards import locate
from ingest.schema import H3_STORED_RES, SERVED_RES
from ingest.store.connection import Connection
from ingest.store.read.reference import boundary_set_names, ward_geometries, ward_set_fingerprint, ward_shapes
from ingest.store.write.reference import save_ward_points
from ingest.store.write.staging import StagedIngest

_POLYGONS: OrderedDict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = OrderedDict()


def ward_polygons(con: Connection, boundary_set: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes, shapely polygons) of a stored boundary set, parsed once while the set stays the same (every monthly
    file needs them; parsing them took a fifth of a file's load)."""
    key = (boundary_set, ward_set_fingerprint(con, boundary_set))
    if key in _POLYGONS:
        _POLYGONS.move_to_end(key)
        return _POLYGONS[key]
    wards = ward_geometries(con, boundary_set)
    codes = np.asarray(wards["code"].to_pylist(), dtype=object)
    _POLYGONS[key] = (codes, shapely.from_geojson(wards["geometry"].to_pylist()))
    while len(_POLYGONS) > 8:
        _POLYGONS.popitem(last=False)
    return _POLYGONS[key]


def place_in_wards(codes: np.ndarray, polygons: np.ndarray, points: pa.Table) -> pa.Table:
    """Ward code for each point (columns cell, lon, lat) -> (place_cell, ward_code)."""
    lon = points["lon"].to_numpy()
    lat = points["lat"].to_numpy()
    index = locate(polygons, lon, lat)
    ward = [str(codes[i]) if i >= 0 else None for i in index.tolist()]
    return pa.table({"place_cell": points["cell"], "ward_code": pa.array(ward, pa.string())})


def with_cells(lon: np.ndarray, lat: np.ndarray) -> pa.Table:
    """Points with their finest stored H3 cell and their cell at every served resolution, each computed from the
    coordinates (columns lon, lat, cell, cell_6 .. cell_10)."""
    columns = {
        "lon": pa.array(lon, pa.float64()),
        "lat": pa.array(lat, pa.float64()),
        "cell": pa.array(points_to_cells(lon, lat, H3_STORED_RES), pa.uint64()),
    }
    for res in SERVED_RES:
        columns[f"cell_{res}"] = pa.array(points_to_cells(lon, lat, res), pa.uint64())
    return pa.table(columns)


def ward_counting_points(con: Connection, codes: list[str]) -> pa.Table:
    """A point inside each ward (point_on_surface) with its cell and LAD: ward_code, lon, lat, cell, lad_code."""
    shapes = ward_shapes(con, codes)
    surface = shapely.point_on_surface(shapely.from_geojson(shapes["geometry"].to_pylist()))
    lon, lat = shapely.get_x(surface), shapely.get_y(surface)
    placed = with_cells(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return placed.append_column("ward_code", shapes["code"]).append_column("lad_code", shapes["lad_code"])


def enrich_staged(staged: StagedIngest) -> int:
    """Give every staged point its H3 cell and ward in every boundary set; returns distinct points placed."""
    points = staged.distinct_points()
    cells = with_cells(points["lon"].to_numpy(), points["lat"].to_numpy())
    wards = ward_counting_points(staged.con, staged.ward_only_codes())
    staged.set_ward_places(
        wards.select(["ward_code", "cell", "lad_code"]).rename_columns(["ward_code", "place_cell", "lad_code"])
    )
    if wards.num_rows:
        save_ward_points(
            staged.con,
            wards.select(["ward_code", "cell", "lon", "lat"]).rename_columns(["ward_code", "place_cell", "lon", "lat"]),
        )
        both = pa.concat_tables([cells, wards.select(cells.column_names)])
        cells = both.group_by(cells.column_names).aggregate([])  # a ward point may equal a row's point
    staged.set_point_cells(cells)
    for name in boundary_set_names(staged.con):
        todo = staged.unplaced_cells(name)
        if todo.num_rows:
            codes, polygons = ward_polygons(staged.con, name)
            staged.add_place_wards(name, place_in_wards(codes, polygons, todo))
    return points.num_rows
