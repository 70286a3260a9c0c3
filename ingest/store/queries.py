"""Parameterised read queries: counts by ward, H3 cell and month, hotspots, freshness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import pyarrow as pa

from ingest.store.connection import Connection, arrow


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents a query counts; every value reaches SQL as a parameter."""

    start: date
    end: date  # inclusive: first day of the last month
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    lad: str | None = None
    dedupe: bool = True  # count a group of records linked across sources once

    @property
    def n(self) -> str:
        """The incident_counts column to sum: de-duplicated or raw."""
        return "n_unique" if self.dedupe else "n"


def _where(f: IncidentFilter, start: date | None = None, alias: str = "i") -> tuple[str, list[object]]:
    clauses = [f"{alias}.month BETWEEN ? AND ?"]
    params: list[object] = [start or f.start, f.end]
    if f.categories:
        clauses.append(f"{alias}.category IN ({', '.join('?' for _ in f.categories)})")
        params.extend(f.categories)
    if f.sources:
        clauses.append(f"{alias}.source IN ({', '.join('?' for _ in f.sources)})")
        params.extend(f.sources)
    if f.lad:
        clauses.append(f"{alias}.lad_code = ?")
        params.append(f.lad)
    return " AND ".join(clauses), params


def _where_with_bbox(f: IncidentFilter, bbox: tuple[float, float, float, float] | None) -> tuple[str, list[object]]:
    """The filter's clauses, plus the incident's point inside bbox (minlon, minlat, maxlon, maxlat) when given."""
    where, params = _where(f)
    if bbox:
        where += " AND i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?"
        params += [bbox[0], bbox[2], bbox[1], bbox[3]]
    return where, params


def _parent_sql(column: str) -> str:
    """SQL for the H3 parent at resolution ? of a resolution-15 cell (bit layout of the H3 index)."""
    return f"(({column} & ~(15::UBIGINT << 52)) | (?::UBIGINT << 52) | ((1::UBIGINT << (3 * (15 - ?))) - 1::UBIGINT))"


KEY_MODULUS = 1_048_573  # a prime: cell keys are sums of record keys modulo this


def _key_sum(f: IncidentFilter, within: str = "TRUE") -> str:
    """SQL for the cell key of the records counted (rows matching `within`): record keys summed modulo a prime."""
    return f"(coalesce(sum(i.{f.n}::HUGEINT * i.record_key) FILTER (WHERE {within}), 0) % {KEY_MODULUS})::BIGINT"


def _precision_sums(f: IncidentFilter, precisions: tuple[str, ...], within: str = "TRUE") -> tuple[str, list[object]]:
    """Extra select columns `located_<i>`: the count at each location precision (rows matching `within`)."""
    columns = "".join(
        f", coalesce(sum(i.{f.n}) FILTER (WHERE ({within}) AND i.location_precision = ?), 0)::BIGINT AS located_{k}"
        for k in range(len(precisions))
    )
    return columns, list(precisions)


def ward_counts(
    con: Connection,
    f: IncidentFilter,
    boundary_set: str,
    previous: tuple[date, date],
    precisions: tuple[str, ...] = (),
    keys: bool = False,
) -> pa.Table:
    """Per ward code: count in the period and in a comparison period (previous = (first month, last month)).

    With precisions, also the period's count at each of them, as columns located_0, located_1, ...; with keys,
    the cell keys of both counts (count_key, previous_key) for disclosure control.
    """
    where, params = _where(f, start=min(previous[0], f.start))
    located, located_params = _precision_sums(f, precisions, "i.month >= ?")
    key_columns = (
        f", {_key_sum(f, 'i.month >= ?')} AS count_key, {_key_sum(f, 'i.month BETWEEN ? AND ?')} AS previous_key"
        if keys
        else ""
    )
    key_params: list[object] = [f.start, previous[0], previous[1]] if keys else []
    sql = f"""SELECT pw.ward_code AS code,
                     coalesce(sum(i.{f.n}) FILTER (WHERE i.month >= ?), 0)::BIGINT AS count,
                     coalesce(sum(i.{f.n}) FILTER (WHERE i.month BETWEEN ? AND ?), 0)::BIGINT AS previous_count
                     {located} {key_columns}
              FROM incident_counts i JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
              WHERE {where} AND pw.ward_code IS NOT NULL GROUP BY pw.ward_code"""  # noqa: S608 (fixed fragments; values are ? parameters)
    located_params = [v for p in located_params for v in (f.start, p)]
    return arrow(con, sql, [f.start, previous[0], previous[1], *located_params, *key_params, boundary_set, *params])


def hex_counts(
    con: Connection,
    f: IncidentFilter,
    res: int,
    bbox: tuple[float, float, float, float] | None,
    precisions: tuple[str, ...] = (),
    keys: bool = False,
) -> pa.Table:
    """Per H3 cell at res: count of incidents with a point (inside bbox when given).

    With precisions, also the count at each of them, as columns located_0, located_1, ...; with keys, the cell
    key of the count (`key`) for disclosure control.
    """
    where, params = _where_with_bbox(f, bbox)
    located, located_params = _precision_sums(f, precisions)
    key_column = f", {_key_sum(f)} AS key" if keys else ""
    sql = f"""SELECT {_parent_sql("i.h3_cell")} AS cell, sum(i.{f.n})::BIGINT AS count {located} {key_column}
              FROM incident_counts i
              WHERE i.h3_cell IS NOT NULL AND {where} GROUP BY cell ORDER BY count DESC, cell"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [res, res, *located_params, *params])


def top_cells(con: Connection, f: IncidentFilter, res: int, top: int, boundary_set: str) -> pa.Table:
    """The top cells at res by count, each with the ward most of its incidents fall in."""
    where, params = _where(f)
    sql = f"""WITH by_ward AS (
                  SELECT {_parent_sql("i.h3_cell")} AS cell, pw.ward_code, sum(i.{f.n})::BIGINT AS n
                  FROM incident_counts i
                  LEFT JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
                  WHERE i.h3_cell IS NOT NULL AND {where} GROUP BY ALL)
              SELECT cell, sum(n)::BIGINT AS count, arg_max(ward_code, n) AS ward_code
              FROM by_ward GROUP BY cell ORDER BY count DESC, cell LIMIT ?"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [res, res, boundary_set, *params, top])


def monthly_counts(
    con: Connection,
    f: IncidentFilter,
    ward: tuple[str, str] | None = None,
    cell: tuple[int, int] | None = None,
    keys: bool = False,
) -> pa.Table:
    """Incidents per month, optionally within one ward (boundary set, code) or one H3 cell (res, cell).

    With keys, each month's cell key (`key`) for disclosure control.
    """
    where, params, join, join_params = _scoped(*_where(f), ward, cell)
    key_column = f", {_key_sum(f)} AS key" if keys else ""
    sql = f"""SELECT i.month, sum(i.{f.n})::BIGINT AS count {key_column} FROM incident_counts i {join}
              WHERE {where} GROUP BY i.month ORDER BY i.month"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*join_params, *params])


def month_extent(con: Connection, sources: tuple[str, ...] = ()) -> tuple[date | None, date | None]:
    """First and last month held (for the given sources)."""
    clause = f"WHERE source IN ({', '.join('?' for _ in sources)})" if sources else ""
    rows = con.execute(f"SELECT min(month), max(month) FROM incident_counts {clause}", list(sources)).fetchall()  # noqa: S608 (fixed fragments; values are ? parameters)
    return rows[0][0], rows[0][1]


def data_bounds(con: Connection) -> tuple[float, float, float, float] | None:
    """Bounding box (minlon, minlat, maxlon, maxlat) of incidents with a point."""
    sql = "SELECT min(lon), min(lat), max(lon), max(lat) FROM incident_counts WHERE lon IS NOT NULL"
    rows = con.execute(sql).fetchall()
    return None if rows[0][0] is None else tuple(rows[0])  # type: ignore[return-value]


def freshness(con: Connection) -> list[dict[str, object]]:
    """Per source: rows held, first and latest month, and when it was last loaded."""
    cur = con.execute(
        """SELECT i.source, sum(i.n)::BIGINT AS incidents, min(i.month) AS first_month, max(i.month) AS latest_month,
                  (SELECT max(finished_at) FROM ingest_runs r WHERE r.source = i.source) AS last_loaded
           FROM incident_counts i GROUP BY i.source ORDER BY i.source"""
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def distinct_values(con: Connection, column: str) -> list[str]:
    """Distinct values of the category or source column."""
    if column not in {"category", "source"}:
        raise ValueError(column)
    return [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM incident_counts ORDER BY 1").fetchall()]  # noqa: S608 (fixed fragments; values are ? parameters)


def ward_lad(con: Connection, boundary_set: str, code: str) -> tuple[str, str | None] | None:
    """(name, lad_code) of a ward in a boundary set, or None when absent."""
    rows = con.execute(
        "SELECT name, lad_code FROM wards WHERE boundary_set = ? AND code = ?", [boundary_set, code]
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def lad_exists(con: Connection, lad_code: str) -> str | None:
    """The LAD's name when the reference data or any boundary set knows it."""
    rows = con.execute(
        "SELECT any_value(lad_name) FROM (SELECT lad_name FROM lsoa_places WHERE lad_code = ? "
        "UNION ALL SELECT lad_name FROM wards WHERE lad_code = ?)",
        [lad_code, lad_code],
    ).fetchall()
    return rows[0][0] if rows and rows[0][0] is not None else None


def cell_month_counts(
    con: Connection, f: IncidentFilter, res: int, bbox: tuple[float, float, float, float] | None
) -> pa.Table:
    """Per (H3 cell at res, month): count of incidents with a point (inside bbox when given)."""
    where, params = _where_with_bbox(f, bbox)
    sql = f"""SELECT {_parent_sql("i.h3_cell")} AS cell, i.month, sum(i.{f.n})::BIGINT AS count FROM incident_counts i
              WHERE i.h3_cell IS NOT NULL AND {where} GROUP BY ALL"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [res, res, *params])


def lads_with_incidents(con: Connection) -> tuple[str, ...]:
    """LAD codes that hold any incident."""
    sql = "SELECT DISTINCT lad_code FROM incident_counts WHERE lad_code IS NOT NULL ORDER BY 1"
    return tuple(r[0] for r in con.execute(sql).fetchall())


def lads_with_wards(con: Connection, boundary_set: str) -> tuple[str, ...]:
    """LAD codes that have wards in a boundary set."""
    sql = "SELECT DISTINCT lad_code FROM wards WHERE boundary_set = ? AND lad_code IS NOT NULL ORDER BY 1"
    return tuple(r[0] for r in con.execute(sql, [boundary_set]).fetchall())


def _dated_where(
    f: IncidentFilter, weeks: tuple[date, date], bbox: tuple[float, float, float, float] | None = None
) -> tuple[str, list[object], str]:
    """Clauses over `incidents` for rows dated inside weeks = (first Monday, the Monday after the last week), and the
    count expression (de-duplicated or raw). The filter's months must cover the weeks."""
    where, params = _where_with_bbox(f, bbox)
    where += " AND i.occurred_at >= ? AND i.occurred_at < ?"
    count = "count(*) FILTER (WHERE i.duplicate_of IS NULL)" if f.dedupe else "count(*)"
    return where, [*params, weeks[0], weeks[1]], count


def _scoped(
    where: str, params: list[object], ward: tuple[str, str] | None, cell: tuple[int, int] | None
) -> tuple[str, list[object], str, list[object]]:
    """Clauses and a join restricting rows to one ward (boundary set, code) or one H3 cell (res, cell)."""
    if cell:
        where += f" AND i.h3_cell IS NOT NULL AND {_parent_sql('i.h3_cell')} = ?"
        params = [*params, cell[0], cell[0], cell[1]]
    if not ward:
        return where, params, "", []
    join = "JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ? AND pw.ward_code = ?"
    return where, params, join, [ward[0], ward[1]]


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
    where, params, count = _dated_where(f, weeks)
    where, params, join, join_params = _scoped(where, params, ward, cell)
    key = "date_trunc('week', i.occurred_at)::DATE" if by == "week" else "isodow(i.occurred_at)"
    sql = f"""SELECT {key} AS {by}, {count}::BIGINT AS count
              FROM incidents i {join} WHERE {where} GROUP BY 1 ORDER BY 1"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*join_params, *params])


def month_only_count(
    con: Connection, f: IncidentFilter, ward: tuple[str, str] | None = None, cell: tuple[int, int] | None = None
) -> int:
    """Incidents in the filter's months that have a month only (no date), so no week."""
    where, params, join, join_params = _scoped(*_where(f), ward, cell)
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
    where, params, count = _dated_where(f, weeks, bbox)
    sql = f"""SELECT {_parent_sql("i.h3_cell")} AS cell, date_trunc('week', i.occurred_at)::DATE AS week,
                     {count}::BIGINT AS count
              FROM incidents i WHERE i.h3_cell IS NOT NULL AND {where} GROUP BY ALL"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [res, res, *params])


def date_extent(con: Connection, sources: tuple[str, ...] = ()) -> tuple[date | None, date | None]:
    """First and last day of incidents dated to the day (for the given sources)."""
    clause = f"AND source IN ({', '.join('?' for _ in sources)})" if sources else ""
    sql = f"SELECT min(occurred_at)::DATE, max(occurred_at)::DATE FROM incidents WHERE occurred_at IS NOT NULL {clause}"  # noqa: S608 (fixed fragments; values are ? parameters)
    rows = con.execute(sql, list(sources)).fetchall()
    return rows[0][0], rows[0][1]
