"""Incidents by place: the count at every mapped point of an area (zeros included) for concentration, each
point's records by source and month with their location texts for repeat places, and the dated incidents with
their points for near-repeats."""

from __future__ import annotations

import pyarrow as pa

from ingest.store.connection import Connection, arrow
from ingest.store.read.filters import IncidentFilter, cell_column, clauses

POINT_DIGITS = 6  # points are compared to 6 decimal places of a degree (about 0.1 m)


Cells = tuple[int, list[int]]  # (resolution, H3 cells): only the points inside these cells


def _universe(f: IncidentFilter, lads: tuple[str, ...] | None, cells: Cells | None) -> tuple[str, list[object]]:
    """The rows whose points make up the places: own points, in the LADs (and cells, when given), of the filter's
    sources (any month or category)."""
    where: list[str] = ["i.h3_cell IS NOT NULL"]
    params: list[object] = []
    if lads is not None:
        where.append("i.lad_code IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(lads))
    if cells is not None:
        where.append(f"{cell_column(cells[0])} IN (SELECT unnest(?::UBIGINT[]))")
        params.append([int(c) for c in cells[1]])
    if f.sources:
        where.append(f"i.source IN ({', '.join('?' for _ in f.sources)})")
        params.extend(f.sources)
    return " AND ".join(where), params


def place_counts(
    con: Connection, f: IncidentFilter, lads: tuple[str, ...] | None, cells: Cells | None = None
) -> pa.Table:
    """Every place of the LADs (a mapped point any of the filter's sources ever recorded an incident at, in any
    month or category) with the count of the filter's incidents there, zero included: columns lon, lat, n."""
    counted, counted_params = clauses(f)
    universe, universe_params = _universe(f, lads, cells)
    sql = f"""SELECT round(i.lon, {POINT_DIGITS}) AS lon, round(i.lat, {POINT_DIGITS}) AS lat,
                     coalesce(sum(i.{f.n}) FILTER (WHERE {counted}), 0)::BIGINT AS n
              FROM incident_counts i WHERE {universe} GROUP BY 1, 2 ORDER BY 1, 2"""  # noqa: S608 (fixed fragments)
    return arrow(con, sql, [*counted_params, *universe_params])


def place_records(
    con: Connection, f: IncidentFilter, lads: tuple[str, ...] | None, cells: Cells | None = None
) -> pa.Table:
    """The filter's incidents with their own point in the LADs, by point, source, month and location text:
    columns lon, lat, precision, source, month, place, n (linked records counted once when de-duplicating)."""
    where, params = clauses(f)
    universe, universe_params = _universe(f, lads, cells)
    primary = " AND i.duplicate_of IS NULL" if f.dedupe else ""
    sql = f"""SELECT round(i.lon, {POINT_DIGITS}) AS lon, round(i.lat, {POINT_DIGITS}) AS lat,
                     i.location_precision AS precision, i.source, i.month,
                     coalesce(trim(i.location_text), '') AS place, count(*)::BIGINT AS n
              FROM incidents i WHERE {where} AND {universe}{primary}
              GROUP BY ALL ORDER BY lon, lat, month, source"""  # noqa: S608 (fixed fragments; values are parameters)
    return arrow(con, sql, [*params, *universe_params])


def dated_points(
    con: Connection, f: IncidentFilter, lads: tuple[str, ...] | None, cells: Cells | None = None
) -> tuple[pa.Table, int]:
    """The filter's incidents dated to the day with their own point in the LADs (and cells, when given): columns
    lon, lat, day (a date), source, ordered by day (linked records counted once when de-duplicating); and how many of
    the filter's incidents with a point there have a month only (police.uk) and so are left out."""
    where, params = clauses(f)
    universe, universe_params = _universe(f, lads, cells)
    primary = " AND i.duplicate_of IS NULL" if f.dedupe else ""
    sql = f"""SELECT i.lon, i.lat, i.occurred_at::DATE AS day, i.source
              FROM incidents i WHERE {where} AND {universe}{primary} AND i.occurred_at IS NOT NULL
              ORDER BY day, i.lon, i.lat"""  # noqa: S608 (fixed fragments; values are parameters)
    table = arrow(con, sql, [*params, *universe_params])
    count = f"""SELECT count(*) FROM incidents i
                WHERE {where} AND {universe}{primary} AND i.occurred_at IS NULL"""  # noqa: S608 (fixed fragments)
    month_only = int(con.execute(count, [*params, *universe_params]).fetchall()[0][0])
    return table, month_only
