"""Vectorised H3: points to cells, coarser parents, cell ids as text, cell polygons, cells touching a box."""

from __future__ import annotations

import math

import h3ronpy
import numpy as np
import pyarrow as pa
import shapely
from h3ronpy import vector

MIN_RES = 0
MAX_RES = 15
# H3's average hexagon edge length at each resolution, km (the library's published table)
EDGE_KM = (
    1281.256011,
    483.0568391,
    182.5129565,
    68.97922179,
    26.07175968,
    9.854090990,
    3.724532667,
    1.406475763,
    0.531414010,
    0.200786148,
    0.075863783,
    0.028663897,
    0.010830188,
    0.004092010,
    0.001546100,
    0.000584169,
)


def points_to_cells(lon: np.ndarray, lat: np.ndarray, res: int) -> np.ndarray:
    """H3 cells (uint64) of WGS84 points at a resolution."""
    if len(lon) == 0:
        return np.array([], dtype=np.uint64)
    cells = vector.coordinates_to_cells(np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64), res)
    return np.asarray(pa.array(cells).to_numpy(zero_copy_only=False), dtype=np.uint64)


def parent_cells(cells: np.ndarray, res: int) -> np.ndarray:
    """Parents of cells at a coarser resolution."""
    out = h3ronpy.change_resolution(pa.array(np.asarray(cells, dtype=np.uint64)), res)
    return np.asarray(pa.array(out).to_numpy(zero_copy_only=False), dtype=np.uint64)


def cells_to_strings(cells: np.ndarray) -> list[str]:
    """Canonical hexadecimal text of H3 cells."""
    return [format(int(c), "x") for c in cells]


def cell_polygons(cells: np.ndarray) -> np.ndarray:
    """Shapely polygons (counter-clockwise exteriors, RFC 7946) of H3 cells."""
    if len(cells) == 0:
        return np.array([], dtype=object)
    wkb = pa.array(vector.cells_to_wkb_polygons(pa.array(np.asarray(cells, dtype=np.uint64))))
    return shapely.orient_polygons(shapely.from_wkb(wkb.to_numpy(zero_copy_only=False)), exterior_cw=False)


def search_box(bbox: tuple[float, float, float, float], res: int) -> tuple[float, float, float, float]:
    """bbox widened so that every point of every cell at res touching bbox lies inside it: a cell's points lie
    within its circumradius (its edge length) of its centre, so two of the largest edges at res suffice."""
    edge_km = 2.0 * EDGE_KM[res]  # the largest cells are under twice the mean
    lat = max(abs(bbox[1]), abs(bbox[3]))
    dlat = 2 * edge_km / 111.0
    dlon = 2 * edge_km / (111.0 * max(math.cos(math.radians(min(lat + dlat, 89.0))), 0.01))
    return (bbox[0] - dlon, max(bbox[1] - dlat, -90.0), bbox[2] + dlon, min(bbox[3] + dlat, 90.0))


def cells_touching(cells: np.ndarray, bbox: tuple[float, float, float, float]) -> np.ndarray:
    """A boolean mask: which cells' hexagons intersect bbox (minlon, minlat, maxlon, maxlat)."""
    if len(cells) == 0:
        return np.zeros(0, dtype=bool)
    return polygons_touching(cell_polygons(cells), bbox)


def polygons_touching(polygons: np.ndarray, bbox: tuple[float, float, float, float]) -> np.ndarray:
    """A boolean mask: which polygons intersect bbox (minlon, minlat, maxlon, maxlat)."""
    box = shapely.box(*bbox)
    shapely.prepare(box)
    return np.asarray(shapely.intersects(box, polygons), dtype=bool)


def cell_resolution(text: str) -> int | None:
    """Resolution of an H3 cell given as hexadecimal text, None when it is not a valid cell."""
    try:
        value = int(text, 16)
    except ValueError:
        return None
    cells = pa.array(np.array([value], dtype=np.uint64))
    if not bool(pa.array(h3ronpy.cells_valid(cells))[0].as_py()):
        return None
    return int((value >> 52) & 0xF)
