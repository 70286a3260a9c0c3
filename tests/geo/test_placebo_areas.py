"""Placebo patches: compact, sized as asked, with a buffer ring; counted; matched on level away from the response."""

from __future__ import annotations

import h3
import numpy as np

from geo.placebo_areas import cell_counts, matched, patch_pool, patches

SEED = int(h3.latlng_to_cell(54.57, -1.23, 9), 16)


def _ints(cells: list[str]) -> set[int]:
    return {int(c, 16) for c in cells}


def test_a_patch_of_seven_is_the_first_disk_and_its_buffer_the_next_ring() -> None:
    (row,) = patches(np.array([SEED], dtype=np.uint64), 7, 12)
    text = format(SEED, "x")
    assert set(row[:7].tolist()) == _ints(h3.grid_disk(text, 1))
    assert set(row[7:].tolist()) == _ints(h3.grid_ring(text, 2))
    assert int(row[0]) == SEED


def test_patches_are_compact_for_any_size() -> None:
    (row,) = patches(np.array([SEED], dtype=np.uint64), 30, 0)
    text = format(SEED, "x")
    assert len(set(row.tolist())) == 30 and set(row.tolist()) <= _ints(h3.grid_disk(text, 3))
    assert _ints(h3.grid_disk(text, 2)) <= set(row.tolist())


def test_sums_pool_and_matching() -> None:
    ring = sorted(_ints(h3.grid_disk(format(SEED, "x"), 12)))
    cells = np.array(ring, dtype=np.uint64)
    before = np.arange(len(cells)) % 7
    counts = cell_counts(cells[::-1], before[::-1], (before * 2)[::-1])
    b, a = counts.sums(cells[None, :5])
    assert b[0] == before[:5].sum() and a[0] == 2 * before[:5].sum()
    assert counts.sums(np.array([[1, 2]], dtype=np.uint64))[0][0] == 0  # cells not held count 0
    pool = patch_pool(counts, 1, 6, np.random.default_rng(0), 100)
    assert pool.cells.shape == (100, 7) and (pool.before == counts.sums(pool.cells[:, :1])[0]).all()
    excluded = pool.cells[0]
    rows = matched(pool, 3, excluded, 20)
    assert len(rows) == 20 and not np.isin(pool.cells[rows], excluded).any()
    assert np.abs(pool.before[rows] - 3).max() <= np.abs(np.delete(pool.before, rows) - 3).min() + 1
