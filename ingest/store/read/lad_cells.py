"""Counts per H3 cell of a set of local authorities in two periods: the pool placebo areas are drawn from."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from ingest.store.connection import Connection, arrow
from ingest.store.read.filters import IncidentFilter, cell_column, clauses


def lad_cell_counts(
    con: Connection, f: IncidentFilter, res: int, lads: tuple[str, ...], before: tuple[date, date]
) -> pa.Table:
    """Per cell at res of incidents in these LADs: columns cell, before (months in `before`) and after (f's months
    from after the before period's end)."""
    if not lads:
        return pa.table(
            {"cell": pa.array([], pa.uint64()), "before": pa.array([], pa.int64()), "after": pa.array([], pa.int64())}
        )
    where, params = clauses(f, start=min(f.start, before[0]))
    marks = ", ".join("?" for _ in lads)
    sql = f"""SELECT {cell_column(res)} AS cell,
                     coalesce(sum(i.{f.n}) FILTER (WHERE i.month BETWEEN ? AND ?), 0)::BIGINT AS before,
                     coalesce(sum(i.{f.n}) FILTER (WHERE i.month > ?), 0)::BIGINT AS after
              FROM incident_counts i
              WHERE {cell_column(res)} IS NOT NULL AND i.lad_code IN ({marks}) AND {where}
              GROUP BY 1"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [before[0], before[1], before[1], *lads, *params])
