"""Placebo areas: compact patches of H3 cells the size of a response area, with a buffer the size of its buffer,
drawn around random busy cells and matched to the response area's before-period level. Pure, over cell arrays."""

from __future__ import annotations

import math
from dataclasses import dataclass

import h3ronpy
import numpy as np
import pyarrow as pa

from geo.lattice import cell_centres

EARTH_M_PER_DEG = 111_195.0


@dataclass(frozen=True)
class CellCounts:
    """Counts before and after per cell (cells sorted), over one force, category and pair of periods."""

    cells: np.ndarray
    before: np.ndarray
    after: np.ndarray

    def sums(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Before and after counts summed over the last axis of an array of cells (cells not held count 0)."""
        cells = np.asarray(cells, dtype=np.uint64)
        if not len(self.cells):
            zero = np.zeros(cells.shape[:-1], dtype=np.int64)
            return zero, zero.copy()
        idx = np.clip(np.searchsorted(self.cells, cells), 0, len(self.cells) - 1)
        hit = self.cells[idx] == cells
        return (
            np.where(hit, self.before[idx], 0).sum(axis=-1).astype(np.int64),
            np.where(hit, self.after[idx], 0).sum(axis=-1).astype(np.int64),
        )


def cell_counts(cells: np.ndarray, before: np.ndarray, after: np.ndarray) -> CellCounts:
    """A CellCounts from unsorted arrays (one row per cell)."""
    cells = np.asarray(cells, dtype=np.uint64)
    order = np.argsort(cells, kind="stable")
    return CellCounts(cells[order], np.asarray(before, dtype=np.int64)[order], np.asarray(after, dtype=np.int64)[order])


def patches(seeds: np.ndarray, size: int, extra: int) -> np.ndarray:
    """Per seed, the size + extra cells nearest it (centre to centre, ties by cell id): the first `size` are a
    compact patch, the next `extra` the ring around it (its buffer). Shape (seeds, size + extra)."""
    seeds = np.asarray(seeds, dtype=np.uint64)
    want = size + extra
    if not len(seeds) or want <= 0:
        return np.zeros((len(seeds), max(want, 0)), dtype=np.uint64)
    k = 0
    while 1 + 3 * k * (k + 1) < want:
        k += 1
    disks = pa.array(h3ronpy.grid_disk(pa.array(seeds), k))
    flat = np.asarray(disks.flatten().to_numpy(zero_copy_only=False), dtype=np.uint64)
    width = 1 + 3 * k * (k + 1)
    if len(flat) != len(seeds) * width:  # a pentagon nearby: keep the seeds with whole disks only
        lengths = np.asarray(disks.value_lengths().to_numpy(zero_copy_only=False))
        whole = lengths == width
        return patches(seeds[whole], size, extra) if whole.any() and not whole.all() else np.zeros((0, want), np.uint64)
    grid = flat.reshape(len(seeds), width)
    lon, lat = cell_centres(flat)
    lon, lat = lon.reshape(grid.shape), lat.reshape(grid.shape)
    centre = np.argmax(grid == seeds[:, None], axis=1)
    rows = np.arange(len(seeds))
    scale = math.cos(math.radians(float(np.mean(lat))))
    d2 = ((lon - lon[rows, centre][:, None]) * scale) ** 2 + (lat - lat[rows, centre][:, None]) ** 2
    order = np.lexsort((grid, np.round(d2 * EARTH_M_PER_DEG**2, 1)), axis=1)[:, :want]
    return np.take_along_axis(grid, order, axis=1)


@dataclass(frozen=True)
class PatchPool:
    """Candidate placebo patches with their counts (rows in draw order)."""

    cells: np.ndarray  # (patches, size + extra)
    size: int
    before: np.ndarray
    after: np.ndarray
    buffer_before: np.ndarray
    buffer_after: np.ndarray


def patch_pool(counts: CellCounts, size: int, extra: int, rng: np.random.Generator, pool: int) -> PatchPool:
    """Up to `pool` patches around distinct random cells holding incidents in either period, drawn in proportion to
    their before-period count plus one (as problems are drawn around busy cells), with their counts."""
    held = (counts.before + counts.after) > 0
    active = counts.cells[held]
    weight = counts.before[held] + 1.0
    take = min(pool, len(active))
    seeds = rng.choice(active, size=take, replace=False, p=weight / weight.sum()) if len(active) else active
    cells = patches(seeds, size, extra)
    b, a = counts.sums(cells[:, :size])
    bb, ba = counts.sums(cells[:, size:]) if extra else (np.zeros_like(b), np.zeros_like(a))
    return PatchPool(cells, size, b, a, bb, ba)


def matched(pool: PatchPool, level: int, excluded: np.ndarray, n: int) -> np.ndarray:
    """Rows of the n patches closest to a before-period level (log scale), none touching the excluded cells."""
    if not len(pool.cells):
        return np.array([], dtype=np.int64)
    clear = ~np.isin(pool.cells, np.asarray(excluded, dtype=np.uint64)).any(axis=1)
    rows = np.flatnonzero(clear)
    distance = np.abs(np.log((pool.before[rows] + 1.0) / (level + 1.0)))
    return rows[np.argsort(distance, kind="stable")[:n]]
