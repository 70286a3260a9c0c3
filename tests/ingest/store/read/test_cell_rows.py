"""Unsummed rows of a period in a set of cells: summed, they are the counts of a query per category set."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ingest.store.connection import Connection, open_store
from ingest.store.read import IncidentFilter, cell_month_counts
from ingest.store.read.cell_rows import cell_month_rows
from ingest.taxonomy import GROUPS, context_categories


def _summed(cells: np.ndarray, rows: dict[str, list[Any]], own: bool) -> dict[tuple[int, int], int]:
    out: dict[tuple[int, int], int] = {}
    for i, m, o, n in zip(rows["cell_index"], rows["month_index"], rows["own"], rows["count"], strict=True):
        if o is own:
            key = (int(cells[i]), int(m))
            out[key] = out.get(key, 0) + int(n)
    return out


def _counted(con: Connection, f: IncidentFilter, res: int, cells: np.ndarray) -> dict[tuple[int, int], int]:
    t = cell_month_counts(con, f, res, None).to_pylist()
    held = set(cells.tolist())
    start = f.start.year * 12 + f.start.month
    return {(r["cell"], r["month"].year * 12 + r["month"].month - start): r["count"] for r in t if r["cell"] in held}


def test_rows_sum_to_the_counts_of_each_category_set(cleveland_store: Path) -> None:
    con = open_store(cleveland_store)
    try:
        f = IncidentFilter(date(2025, 3, 1), date(2025, 8, 1), tuple(GROUPS["asb"]))
        others = context_categories(f.categories)
        every = np.array(
            sorted(
                r[0]
                for r in con.execute("SELECT DISTINCT cell_9 FROM incident_counts WHERE cell_9 IS NOT NULL").fetchall()
            )
        )
        cells = np.sort(every[::3]).astype(np.uint64)  # a third of the cells: the others are left out
        rows = cell_month_rows(con, f, 9, cells, others).to_pydict()
        assert _summed(cells, rows, True) == _counted(con, f, 9, cells)
        context = IncidentFilter(f.start, f.end, others)
        assert _summed(cells, rows, False) == _counted(con, context, 9, cells)
        alone = cell_month_rows(con, f, 9, cells).to_pydict()  # no context: every row its own
        assert all(alone["own"]) and _summed(cells, alone, True) == _counted(con, f, 9, cells)
        assert 0 < len(alone["own"]) < len(rows["own"])
    finally:
        con.close()
