"""Counts inside a set of H3 cells: by month, source and category (a problem's area)."""

from __future__ import annotations

import pyarrow as pa

from ingest.store.connection import Connection, arrow
from ingest.store.read.filters import IncidentFilter, cell_column, clauses


def cell_breakdown(con: Connection, f: IncidentFilter, res: int, cells: list[int]) -> pa.Table:
    """Incidents with a point in these cells at res: columns month, source, category, count."""
    if not cells:
        return pa.table(
            {
                "month": pa.array([], pa.date32()),
                "source": pa.array([], pa.string()),
                "category": pa.array([], pa.string()),
                "count": pa.array([], pa.int64()),
            }
        )
    where, params = clauses(f)
    sql = f"""SELECT i.month, i.source, i.category, sum(i.{f.n})::BIGINT AS count FROM incident_counts i
              WHERE {where} AND {cell_column(res)} IN (SELECT unnest(?::UBIGINT[]))
              GROUP BY ALL ORDER BY i.month, i.source, i.category"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*params, cells])
