"""Enrichment, between validation and the store: the finest H3 cell of each distinct point, its ward in every
boundary set (via geo), and each row's placement."""

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
from ingest.store.write.file_places import FilePlaces
from ingest.store.write.placement import PLACED_COLUMNS
from ingest.store.write.reference import save_ward_points

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


class Enricher:
    """Enrichment of one file's validated rows, a batch at a time, between validation and the store: each new point's
    H3 cells (computed once per point: the store keeps them) and its ward in every boundary set, a counting point for
    rows located by ward only, then every row's placement (cells, the place it is counted at, its LAD)."""

    def __init__(self, con: Connection) -> None:
        self.con = con
        self.places = FilePlaces(con)  # opened inside the load's transaction

    def enrich(self, batch: pa.Table) -> pa.Table:
        """The batch's rows (staged schema) with their placement columns appended, in the batch's order."""
        self._place_points(batch)
        placed = self.places.placement(batch)
        for name in PLACED_COLUMNS:
            batch = batch.append_column(placed.schema.field(name), placed[name])
        return batch

    def _place_points(self, batch: pa.Table) -> None:
        """Give every point of the batch not met earlier in the file its cells and its ward in every boundary set."""
        places = self.places
        points = places.new_points(batch)
        codes = places.new_ward_codes(batch)
        if codes:
            wards = ward_counting_points(self.con, codes)
            places.add_ward_places(wards.rename_columns([{"cell": "place_cell"}.get(n, n) for n in wards.column_names]))
            save_ward_points(
                self.con,
                wards.select(["ward_code", "cell", "lon", "lat"]).rename_columns(
                    ["ward_code", "place_cell", "lon", "lat"]
                ),
            )
            points = pa.concat_tables([points, wards.select(["lon", "lat"])])
        if points.num_rows == 0:
            return
        todo = places.uncached_points(points)
        if todo.num_rows:
            places.cache_point_cells(with_cells(todo["lon"].to_numpy(), todo["lat"].to_numpy()))
        for name in boundary_set_names(self.con):
            unplaced = places.unplaced_cells(name, points)
            if unplaced.num_rows:
                ward_codes, polygons = ward_polygons(self.con, name)
                places.add_place_wards(name, place_in_wards(ward_codes, polygons, unplaced))

    def distinct_points(self) -> int:
        """Distinct points of the file's rows enriched so far."""
        return self.places.distinct_points()

    def close(self) -> None:
        """Forget the file's points (before the load commits, or after it rolls back)."""
        self.places.close()
