"""A problem's area as H3 cells: the cells of a polygon, the ring of cells around them (the displacement buffer),
and the area's outline. Pure geometry over cell arrays."""

from __future__ import annotations

import math

import h3ronpy
import numpy as np
import pyarrow as pa
import shapely
from h3ronpy import ContainmentMode, vector

from geo.hexbin import cell_polygons
from geo.lattice import cell_centres

EARTH_M_PER_DEG = 111_195.0


def polygon_cells(geometry: shapely.Geometry, res: int) -> np.ndarray:
    """Cells at res whose centre lies in the polygon (WGS84), or those it touches when it holds no centre."""
    wkb = pa.array([shapely.to_wkb(geometry)])
    for mode in (ContainmentMode.ContainsCentroid, ContainmentMode.IntersectsBoundary):
        lists = pa.array(vector.wkb_to_cells(wkb, res, containment_mode=mode))
        cells = np.unique(np.asarray(lists.flatten().to_numpy(zero_copy_only=False), dtype=np.uint64))
        if len(cells):
            return cells
    return np.array([], dtype=np.uint64)


def outline(cells: np.ndarray) -> shapely.Geometry:
    """The union of the cells' hexagons."""
    return shapely.union_all(cell_polygons(np.asarray(cells, dtype=np.uint64)))


def _local_xy(lon: np.ndarray, lat: np.ndarray, lat0: float) -> np.ndarray:
    return np.column_stack([lon * math.cos(math.radians(lat0)) * EARTH_M_PER_DEG, lat * EARTH_M_PER_DEG])


def ring_cells(cells: np.ndarray, radius_m: float) -> np.ndarray:
    """The cells around an area (not in it) whose centre lies within radius_m of the area's hexagons: the
    displacement buffer (at res 9 a 250 m ring is the first ring of cells, at res 10 the first two)."""
    cells = np.unique(np.asarray(cells, dtype=np.uint64))
    if not len(cells) or radius_m <= 0:
        return np.array([], dtype=np.uint64)
    areas = np.asarray(pa.array(h3ronpy.cells_area_km2(pa.array(cells))).to_numpy(zero_copy_only=False))
    spacing_m = math.sqrt(2 * float(areas.min()) * 1e6 / (3 * math.sqrt(3))) * math.sqrt(3)  # centre to centre
    k = int(math.ceil(radius_m / spacing_m)) + 1
    disks = pa.array(h3ronpy.grid_disk(pa.array(cells), k))
    candidates = np.setdiff1d(np.unique(np.asarray(disks.flatten().to_numpy(zero_copy_only=False))), cells)
    if not len(candidates):
        return candidates.astype(np.uint64)
    lon, lat = cell_centres(candidates)
    lat0 = float(np.mean(lat))
    shape = outline(cells)
    coords = shapely.get_coordinates(shape)
    scaled = shapely.transform(shape, lambda xy: _local_xy(xy[:, 0], xy[:, 1], lat0)) if len(coords) else shape
    points = shapely.points(_local_xy(lon, lat, lat0))
    near = shapely.distance(scaled, points) <= radius_m
    return np.asarray(candidates[near], dtype=np.uint64)


def cells_from_text(cells: list[str]) -> np.ndarray:
    """H3 cells given as hexadecimal text."""
    return np.array([int(c, 16) for c in cells], dtype=np.uint64)
