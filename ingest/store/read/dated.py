"""Counts of incidents dated to the day: per week or weekday, per cell and week, and the rows with a month only."""

from __future__ import annotations

from datetime import date
from typing import Literal

import pyarrow as pa

from ingest.store.connection import Connection, arrow
from ingest.store.read.filters import IncidentFilter, cell_column, clauses, dated_clauses, scoped


def dated_counts(
    con: Connection,
    f: IncidentFilter,
    weeks: tuple[date, date],
    by: Literal["week", "weekday"],
    ward: tuple[str, str] | None = None,
    cell: tuple[int, int] | None = None,
) -> pa.Table:
    """Incidents dated to the day within weeks = (first Monday, the Monday after the last) per week (`week`: its
    Monday) or per ISO weekday (`weekday`: 1 Monday .. 7 Sunday), optionally within one ward (boundary set, code) or
    one H3 cell (res, cell)."""
    where, params, count = dated_clauses(f, weeks)
    where, params, join, join_params = scoped(where, params, ward, cell)
    key = "date_trunc('week', i.occurred_at)::DATE" if by == "week" else "isodow(i.occurred_at)"
    sql = f"""SELECT {key} AS {by}, {count}::BIGINT AS count
              FROM incidents i {join} WHERE {where} GROUP BY 1 ORDER BY 1"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*join_params, *params])


def month_only_count(
    con: Connection, f: IncidentFilter, ward: tuple[str, str] | None = None, cell: tuple[int, int] | None = None
) -> int:
    """Incidents in the filter's months that have a month only (no date), so no week."""
    where, params, join, join_params = scoped(*clauses(f), ward, cell)
    count = "count(*) FILTER (WHERE i.duplicate_of IS NULL)" if f.dedupe else "count(*)"
    sql = f"SELECT {count} FROM incidents i {join} WHERE {where} AND i.occurred_at IS NULL"  # noqa: S608 (fixed fragments; values are ? parameters)
    return int(con.execute(sql, [*join_params, *params]).fetchall()[0][0])


def cell_week_counts(
    con: Connection,
    f: IncidentFilter,
    res: int,
    bbox: tuple[float, float, float, float] | None,
    weeks: tuple[date, date],
) -> pa.Table:
    """Per (H3 cell at res, week Monday): incidents dated to the day with a point (inside bbox when given)."""
    where, params, count = dated_clauses(f, weeks, bbox)
    sql = f"""SELECT {cell_column(res)} AS cell, date_trunc('week', i.occurred_at)::DATE AS week,
                     {count}::BIGINT AS count
              FROM incidents i WHERE {cell_column(res)} IS NOT NULL AND {where} GROUP BY ALL"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*params])


def date_extent(con: Connection, sources: tuple[str, ...] = ()) -> tuple[date | None, date | None]:
    """First and last day of incidents dated to the day (for the given sources)."""
    clause = f"AND source IN ({', '.join('?' for _ in sources)})" if sources else ""
    sql = f"SELECT min(occurred_at)::DATE, max(occurred_at)::DATE FROM incidents WHERE occurred_at IS NOT NULL {clause}"  # noqa: S608 (fixed fragments; values are ? parameters)
    rows = con.execute(sql, list(sources)).fetchall()
    return rows[0][0], rows[0][1]
