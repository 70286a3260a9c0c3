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


def cell_timing(con: Connection, f: IncidentFilter, res: int, cells: list[int]) -> pa.Table:
    """Incidents with a point in these cells by source, ISO weekday (1 Monday .. 7 Sunday, NULL for a month only),
    hour (NULL likewise) and whether the time of day is midnight exactly (a date given without a time reads so)."""
    if not cells:
        return pa.table(
            {
                "source": pa.array([], pa.string()),
                "weekday": pa.array([], pa.int64()),
                "hour": pa.array([], pa.int64()),
                "midnight": pa.array([], pa.bool_()),
                "count": pa.array([], pa.int64()),
            }
        )
    where, params = clauses(f)
    count = "count(*) FILTER (WHERE i.duplicate_of IS NULL)" if f.dedupe else "count(*)"
    sql = f"""SELECT i.source, isodow(i.occurred_at)::BIGINT AS weekday, hour(i.occurred_at)::BIGINT AS hour,
                     (i.occurred_at = date_trunc('day', i.occurred_at)) AS midnight, {count}::BIGINT AS count
              FROM incidents i WHERE {where} AND {cell_column(res)} IN (SELECT unnest(?::UBIGINT[]))
              GROUP BY ALL ORDER BY ALL"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*params, cells])


def cell_linked_groups(con: Connection, f: IncidentFilter, res: int, cells: list[int]) -> pa.Table:
    """The groups of records linked across sources with a record in these cells in the filter: columns group_id
    (text), sources (the group's sources, sorted), records (how many records the group holds)."""
    if not cells:
        return pa.table(
            {
                "group_id": pa.array([], pa.string()),
                "sources": pa.array([], pa.list_(pa.string())),
                "records": pa.array([], pa.int64()),
            }
        )
    where, params = clauses(f)
    sql = f"""WITH hit AS (
                  SELECT DISTINCT l.group_id FROM incident_links l JOIN incidents i ON i.incident_id = l.incident_id
                  WHERE {where} AND {cell_column(res)} IN (SELECT unnest(?::UBIGINT[])))
              SELECT h.group_id::VARCHAR AS group_id, list_sort(list(DISTINCT i.source)) AS sources,
                     count(*)::BIGINT AS records
              FROM hit h JOIN incident_links l ON l.group_id = h.group_id
              JOIN incidents i ON i.incident_id = l.incident_id
              GROUP BY h.group_id ORDER BY h.group_id"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*params, cells])
