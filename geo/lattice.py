"""A study area as a lattice of H3 cells (every cell that touches one of its wards, or holds its incidents) and their
neighbours."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import h3ronpy
import numpy as np
import pyarrow as pa
import scipy.sparse as sp
import shapely
from h3ronpy import ContainmentMode, vector


@dataclass(frozen=True)
class Lattice:
    """Cells (sorted uint64) of a study area at one resolution, each with the index of its ward: the ward holding its
    centre, else the first ward it touches, else the ward nearest its centre."""

    res: int
    cells: np.ndarray
    ward: np.ndarray  # index into ward_codes
    ward_codes: tuple[str, ...]
    # derived matrices kept with the lattice (which is cached between requests), by what they were built for
    derived: dict[object, sp.csr_matrix] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.cells)

    def index_of(self, cells: np.ndarray) -> np.ndarray:
        """Position of each cell in the lattice, -1 where it is outside."""
        cells = np.asarray(cells, dtype=np.uint64)
        if len(self.cells) == 0:
            return np.full(len(cells), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.cells, cells), len(self.cells) - 1)
        return np.where(self.cells[pos] == cells, pos, -1).astype(np.int64)

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(minlon, minlat, maxlon, maxlat) covering every cell of the lattice (centres padded by a cell's radius)."""
        if len(self.cells) == 0:
            return None
        lon, lat = cell_centres(self.cells)
        radius_m = 1.1 * float(np.sqrt(2 * self.cell_area_km2().max() * 1e6 / (3 * np.sqrt(3))))
        pad_lat = radius_m / 110_574.0
        pad_lon = radius_m / (111_320.0 * float(np.cos(np.radians(np.abs(lat).max()))))
        return (
            float(lon.min() - pad_lon),
            float(lat.min() - pad_lat),
            float(lon.max() + pad_lon),
            float(lat.max() + pad_lat),
        )

    def cell_area_km2(self) -> np.ndarray:
        """Area of each cell, km2 (read-only)."""
        return self._areas

    @cached_property
    def _areas(self) -> np.ndarray:
        if len(self.cells) == 0:
            return np.array([], dtype=np.float64)
        areas = np.array(pa.array(h3ronpy.cells_area_km2(pa.array(self.cells))).to_numpy(zero_copy_only=False))
        areas.setflags(write=False)
        return areas


def _cells_of(wkb: pa.Array, res: int, mode: ContainmentMode) -> tuple[np.ndarray, np.ndarray]:
    """(cells, index of the polygon each came from) for polygons as WKB."""
    lists = pa.array(vector.wkb_to_cells(wkb, res, containment_mode=mode))
    cells = np.asarray(lists.flatten().to_numpy(zero_copy_only=False), dtype=np.uint64)
    lengths = np.asarray(lists.value_lengths().fill_null(0).to_numpy(zero_copy_only=False))
    return cells, np.repeat(np.arange(len(lengths)), lengths)


def build_lattice(
    ward_codes: list[str], geometries: list[shapely.Geometry], res: int, extra_cells: np.ndarray | None = None
) -> Lattice:
    """Every cell at res that touches the given ward polygons (WGS84), plus `extra_cells` (those holding the area's
    incidents, where a generalised boundary leaves them outside); none of the area's incidents falls off its edge."""
    if not ward_codes:
        return Lattice(res, np.array([], dtype=np.uint64), np.array([], dtype=np.int64), ())
    wkb = pa.array(shapely.to_wkb(np.asarray(geometries, dtype=object)))
    centred, centred_ward = _cells_of(wkb, res, ContainmentMode.ContainsCentroid)
    touching, touching_ward = _cells_of(wkb, res, ContainmentMode.IntersectsBoundary)
    extra = np.asarray(extra_cells if extra_cells is not None else [], dtype=np.uint64)
    extra_ward = _nearest_ward(geometries, extra)
    # first occurrence wins: the ward holding the centre, else the first ward touched, else the nearest
    cells = np.concatenate([centred, touching, extra])
    ward = np.concatenate([centred_ward, touching_ward, extra_ward])
    cells, first = np.unique(cells, return_index=True)
    return Lattice(res, cells, ward[first], tuple(ward_codes))


def _nearest_ward(geometries: list[shapely.Geometry], cells: np.ndarray) -> np.ndarray:
    """Index of the polygon nearest each cell's centre."""
    if len(cells) == 0:
        return np.array([], dtype=np.int64)
    lon, lat = cell_centres(cells)
    tree = shapely.STRtree(np.asarray(geometries, dtype=object))
    found = tree.query_nearest(shapely.points(lon, lat), all_matches=False)
    nearest = np.zeros(len(cells), dtype=np.int64)
    nearest[found[0]] = found[1]
    return nearest


def neighbour_matrix(lattice: Lattice, k: int = 1, include_self: bool = True) -> sp.csr_matrix:
    """Binary weights: cell j is a neighbour of i when within k grid steps of it (and inside the lattice); kept with
    the lattice."""
    key = ("neighbours", k, include_self)
    if key not in lattice.derived:
        lattice.derived[key] = _read_only(_neighbours(lattice, k, include_self))
    return lattice.derived[key]


def _neighbours(lattice: Lattice, k: int, include_self: bool) -> sp.csr_matrix:
    n = len(lattice)
    if n == 0:
        return sp.csr_matrix((0, 0))
    disks = pa.array(h3ronpy.grid_disk(pa.array(lattice.cells), k))
    neighbours = np.asarray(disks.flatten().to_numpy(zero_copy_only=False), dtype=np.uint64)
    rows = np.repeat(np.arange(n), np.asarray(disks.value_lengths().to_numpy(zero_copy_only=False)))
    cols = lattice.index_of(neighbours)
    keep = cols >= 0
    if not include_self:
        keep &= cols != rows
    data = np.ones(int(keep.sum()), dtype=np.float64)
    return sp.csr_matrix((data, (rows[keep], cols[keep])), shape=(n, n))


def cell_centres(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) of the centres of cells."""
    if len(cells) == 0:
        return np.array([]), np.array([])
    coords = vector.cells_to_coordinates(pa.array(np.asarray(cells, dtype=np.uint64)))
    lat = np.asarray(pa.array(coords.column("lat")).to_numpy(zero_copy_only=False))
    lon = np.asarray(pa.array(coords.column("lng")).to_numpy(zero_copy_only=False))
    return lon, lat


def distance_matrix(lattice: Lattice, radius_m: float) -> sp.csr_matrix:
    """Centre-to-centre distances (metres) between lattice cells no more than radius_m apart (self stored as 0); kept
    with the lattice."""
    n = len(lattice)
    if n == 0:
        return sp.csr_matrix((0, 0))
    key = ("distances", radius_m)
    if key not in lattice.derived:
        lattice.derived[key] = _read_only(_distances(lattice, radius_m))
    return lattice.derived[key]


def _read_only(matrix: sp.csr_matrix) -> sp.csr_matrix:
    for part in (matrix.data, matrix.indices, matrix.indptr):
        part.setflags(write=False)
    return matrix


def _distances(lattice: Lattice, radius_m: float) -> sp.csr_matrix:
    n = len(lattice)
    spacing = float(np.sqrt(lattice.cell_area_km2().mean() * 1e6 * 2 / np.sqrt(3)))  # centre-to-centre, metres
    k = max(1, int(np.ceil(radius_m / spacing)))
    ring = _neighbours(lattice, k, include_self=True).tocoo()
    lon, lat = cell_centres(lattice.cells)
    scale = np.cos(np.radians(lat.mean()))
    dx = (lon[ring.row] - lon[ring.col]) * scale * 111_320.0
    dy = (lat[ring.row] - lat[ring.col]) * 110_574.0
    d = np.hypot(dx, dy)
    keep = d <= radius_m
    # keep the diagonal as an explicit entry: add a tiny epsilon, the kernel treats it as distance 0
    return sp.csr_matrix((np.maximum(d[keep], 1e-9), (ring.row[keep], ring.col[keep])), shape=(n, n))


def polygon_neighbours(geometries: list[shapely.Geometry], tolerance_deg: float = 1e-5) -> sp.csr_matrix:
    """Queen contiguity of polygons (WGS84): i and j are neighbours when they touch or come within tolerance_deg
    (about a metre), so slivers between generalised boundaries do not break adjacency; each polygon with itself."""
    n = len(geometries)
    if n == 0:
        return sp.csr_matrix((0, 0))
    array = np.asarray(geometries, dtype=object)
    tree = shapely.STRtree(array)
    left, right = tree.query(array, predicate="dwithin", distance=tolerance_deg)
    pairs = np.unique(np.concatenate([np.c_[left, right], np.c_[np.arange(n), np.arange(n)]]), axis=0)
    return sp.csr_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
