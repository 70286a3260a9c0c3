"""Selection under an area budget for many score vectors at once: the cells `select_cells` would pick for each."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

BUDGET_SLACK = 1e-9  # a budget is met when the cells' area is within this share above it


def budget_pool_size(area_km2: np.ndarray, budget_km2: float) -> int:
    """How many of the highest-scoring cells can be needed to fill the budget: one more than fit in it if every
    cell were as small as the smallest."""
    smallest = float(area_km2.min()) if len(area_km2) else 0.0
    return int(np.ceil(budget_km2 * (1 + BUDGET_SLACK) / smallest)) + 1 if smallest > 0 else len(area_km2)


def select_rows(
    scores: np.ndarray,
    area_km2: np.ndarray,
    budget_km2: float,
    tiebreak: np.ndarray,
    cells: np.ndarray | None = None,
) -> list[np.ndarray]:
    """For each row of scores (candidates x cells), the cells picked under the area budget, best first (ties: higher
    tiebreak, then lower index), as select_cells picks them; scores may hold only the columns `cells` of the full
    vectors, every other cell then scoring 0. Scores must be finite and not negative."""
    size = len(area_km2)
    columns = np.arange(size) if cells is None else np.asarray(cells, dtype=np.int64)
    k = budget_pool_size(area_km2, budget_km2)
    out: list[np.ndarray] = [np.array([], dtype=np.int64)] * len(scores)
    if len(scores) == 0 or size == 0:
        return out
    # rows with at least k positive scores are decided by their positive cells; the others (rare) by every cell
    fast = np.count_nonzero(scores > 0, axis=1) >= k if k < size else np.zeros(len(scores), dtype=bool)
    rows = np.flatnonzero(fast)
    for i, chosen in zip(rows, _select_block(scores[rows], columns, area_km2, budget_km2, tiebreak, k), strict=True):
        out[i] = chosen
    for i in np.flatnonzero(~fast):
        full = np.zeros((1, size))
        full[0, columns] = scores[i]
        out[i] = _select_block(full, np.arange(size), area_km2, budget_km2, tiebreak, k)[0]
    return out


def _select_block(
    block: np.ndarray, columns: np.ndarray, area_km2: np.ndarray, budget_km2: float, tiebreak: np.ndarray, k: int
) -> list[np.ndarray]:
    """select_rows over rows that hold at least k positive scores, or every column of the full vectors."""
    if len(block) == 0:
        return []
    width = block.shape[1]
    if k < width:
        # the k-th highest score of each row: only cells scoring at least that can be among the first k
        kth = np.partition(block, width - k, axis=1)[:, width - k]
        rows, at = np.nonzero(block >= kth[:, None])
    else:
        rows, at = np.nonzero(np.ones(block.shape, dtype=bool))
    index = columns[at]
    order = np.lexsort((index, -tiebreak[index], -block[rows, at], rows))
    rows, index = rows[order], index[order]
    per_row = np.bincount(rows, minlength=len(block))
    starts = np.cumsum(per_row) - per_row
    position = np.arange(len(rows)) - np.repeat(starts, per_row)
    areas = np.zeros((len(block), int(per_row.max())))
    areas[rows, position] = area_km2[index]
    used = np.cumsum(areas, axis=1)  # each row's running total, added in its order as select_cells adds it
    within = (used <= budget_km2 * (1 + BUDGET_SLACK)) & (np.arange(areas.shape[1]) < per_row[:, None])
    taken = within.sum(axis=1)
    return [index[s : s + t] for s, t in zip(starts, taken, strict=True)]


Rates = Callable[[np.ndarray, np.ndarray], np.ndarray]


def select_blends(
    components: np.ndarray,
    rates: Rates,
    count: int,
    area_km2: np.ndarray,
    budget_km2: float,
    tiebreak: np.ndarray,
    max_entries: int = 1 << 22,
) -> list[np.ndarray]:
    """select_rows for `count` score vectors, each a blend of the components (rows, not negative) with weights not
    negative and summing to at most 1, so no score exceeds the cell's largest component (up to rounding), and
    positive wherever a component it weighs is. rates(cells, rows) gives the scores of those rows at those cells.
    Only the cells that can reach a row's k-th highest score are scored: the k highest cells of each component
    bound it from below."""
    size = len(area_km2)
    k = budget_pool_size(area_km2, budget_km2)
    if count == 0:
        return []
    if not 0 < k < size:
        return _select_scored(rates, np.arange(size), np.arange(count), area_km2, budget_km2, tiebreak, max_entries)
    seeds = np.unique(np.concatenate([_highest(c, k) for c in components]))
    seeded = rates(seeds, np.arange(count))
    kth = np.partition(seeded, len(seeds) - k, axis=1)[:, len(seeds) - k] if len(seeds) >= k else np.zeros(count)
    out: list[np.ndarray] = [np.array([], dtype=np.int64)] * count
    # with fewer than k positive seeds, a row's every positive cell is a seed (each component it weighs has fewer
    # than k positive cells, all among its k highest): the row is whole from its seeds
    for i in np.flatnonzero(kth <= 0):
        full = np.zeros((1, size))
        full[0, seeds] = seeded[i]
        out[i] = select_rows(full, area_km2, budget_km2, tiebreak)[0]
    rows = np.flatnonzero(kth > 0)
    if len(rows):
        bound = components.max(axis=0) * (1 + 1e-9)
        cells = np.flatnonzero(bound >= kth[rows].min())
        for i, chosen in zip(
            rows, _select_scored(rates, cells, rows, area_km2, budget_km2, tiebreak, max_entries), strict=True
        ):
            out[i] = chosen
    return out


def _select_scored(
    rates: Rates,
    cells: np.ndarray,
    rows: np.ndarray,
    area_km2: np.ndarray,
    budget_km2: float,
    tiebreak: np.ndarray,
    max_entries: int,
) -> list[np.ndarray]:
    """select_rows over these rows scored at these cells (every other cell scoring 0), in blocks of rows."""
    step = max(1, max_entries // max(len(cells), 1))
    out: list[np.ndarray] = []
    for start in range(0, len(rows), step):
        out += select_rows(rates(cells, rows[start : start + step]), area_km2, budget_km2, tiebreak, cells)
    return out


def _highest(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of k highest values among the positive ones (every positive one when fewer)."""
    positive = np.flatnonzero(values > 0)
    if len(positive) <= k:
        return positive
    return positive[np.argpartition(values[positive], len(positive) - k)[len(positive) - k :]]
