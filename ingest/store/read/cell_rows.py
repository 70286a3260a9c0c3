"""The aggregate rows of a period in a set of cells, unsummed: a forecast's own counts and its context in one scan."""

from __future__ import annotations

import uuid
from dataclasses import replace

import numpy as np
import pyarrow as pa

from ingest.store.connection import Connection, arrow
from ingest.store.read.filters import IncidentFilter, cell_column, clauses


def cell_month_rows(
    con: Connection,
    f: IncidentFilter,
    res: int,
    cells: np.ndarray,
    context: tuple[str, ...] = (),
) -> pa.Table:
    """The incident_counts rows in these cells at res that f counts, or whose category is one of `context`: columns
    cell_index (of the row's cell in `cells`), month_index (months after f's first), own (f counts the row) and
    count; one row per stored row, for the caller to sum (one scan, where a query per category set would scan the
    period again)."""
    split = bool(f.categories and context)
    categories = tuple(dict.fromkeys((*f.categories, *context))) if split else f.categories
    where, params = clauses(replace(f, categories=categories))
    own = f"i.category IN ({', '.join('?' for _ in f.categories)})" if split else "TRUE"
    # the cells reach the query as an Arrow table registered under a fresh name (as a list parameter, converting
    # tens of thousands of values costs more than the join); joined to them, the scan needs no box around them
    name = f"aim_cells_{uuid.uuid4().hex}"
    con.register(name, pa.table({"cell": np.asarray(cells, dtype=np.uint64), "cell_index": np.arange(len(cells))}))
    try:
        sql = f"""SELECT c.cell_index, datediff('month', ?::DATE, i.month) AS month_index, {own} AS own,
                         i.{f.n} AS count
                  FROM incident_counts i JOIN {name} c ON c.cell = {cell_column(res)}
                  WHERE {where}"""  # noqa: S608 (fixed fragments and a generated name; values are ? parameters)
        return arrow(con, sql, [f.start, *(f.categories if split else ()), *params])
    finally:
        con.unregister(name)
