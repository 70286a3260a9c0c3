"""Counts from the aggregate table: per ward, per H3 cell, top cells, per month, per cell and month."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from ingest.store.connection import Connection, arrow
from ingest.store.read.filters import (
    KEY_MODULUS,
    IncidentFilter,
    cell_column,
    clauses,
    clauses_with_bbox,
    key_sum,
    precision_sums,
    scoped,
)


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
    where, params = clauses(f, start=min(previous[0], f.start))
    located, located_params = precision_sums(f, precisions, "i.month >= ?")
    key_columns = (
        f", {summed_key(f, 'i.month >= ?')} AS count_key, {summed_key(f, 'i.month BETWEEN ? AND ?')} AS previous_key"
        if keys
        else ""
    )
    key_params: list[object] = [f.start, previous[0], previous[1]] if keys else []
    sql = f"""SELECT i.ward_code AS code,
                     coalesce(sum(i.{f.n}) FILTER (WHERE i.month >= ?), 0)::BIGINT AS count,
                     coalesce(sum(i.{f.n}) FILTER (WHERE i.month BETWEEN ? AND ?), 0)::BIGINT AS previous_count
                     {located} {key_columns}
              FROM ward_counts i WHERE i.boundary_set = ? AND {where} GROUP BY i.ward_code"""  # noqa: S608 (fixed fragments; values are ? parameters)
    located_params = [v for p in located_params for v in (f.start, p)]
    return arrow(con, sql, [f.start, previous[0], previous[1], *located_params, *key_params, boundary_set, *params])


def lad_counts(con: Connection, f: IncidentFilter, previous: tuple[date, date]) -> pa.Table:
    """Per LAD code: count in the period and in a comparison period (previous = (first month, last month))."""
    where, params = clauses(f, start=min(previous[0], f.start))
    sql = f"""SELECT i.lad_code AS code,
                     coalesce(sum(i.{f.n}) FILTER (WHERE i.month >= ?), 0)::BIGINT AS count,
                     coalesce(sum(i.{f.n}) FILTER (WHERE i.month BETWEEN ? AND ?), 0)::BIGINT AS previous_count
              FROM count_months i WHERE i.lad_code IS NOT NULL AND {where} GROUP BY i.lad_code"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [f.start, previous[0], previous[1], *params])


def summed_key(f: IncidentFilter, within: str = "TRUE") -> str:
    """SQL for the cell key of the records of a summary's rows (ward_counts, count_months) matching `within`: their
    keys, each already a sum of record keys modulo the prime, summed modulo it again (the same key as summing every
    record's)."""
    return f"(coalesce(sum(i.key_{f.n}) FILTER (WHERE {within}), 0) % {KEY_MODULUS})::BIGINT"


def hex_counts(
    con: Connection,
    f: IncidentFilter,
    res: int,
    bbox: tuple[float, float, float, float] | None,
    precisions: tuple[str, ...] = (),
    keys: bool = False,
) -> pa.Table:
    """Per H3 cell at res: count of incidents with a point; with bbox, only cells holding any point inside bbox
    (any period, category or source), each counted whole, never cut at the box's edge.

    With precisions, also the count at each of them, as columns located_0, located_1, ...; with keys, the cell
    key of the count (`key`) for disclosure control.
    """
    if precisions:
        return hex_counts_by_point(con, f, res, bbox, precisions, keys)
    where, params = clauses(f)
    where, params = within_box(where, params, "i.cell", res, bbox)
    key_column = f", {summed_key(f)} AS key" if keys else ""
    sql = f"""SELECT i.cell, sum(i.{f.n})::BIGINT AS count {key_column} FROM cell_counts i
              WHERE i.res = ? AND {where} GROUP BY i.cell ORDER BY count DESC, i.cell"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [res, *params])


def hex_counts_by_point(
    con: Connection,
    f: IncidentFilter,
    res: int,
    bbox: tuple[float, float, float, float] | None,
    precisions: tuple[str, ...] = (),
    keys: bool = False,
) -> pa.Table:
    """hex_counts aggregated from incident_counts (which alone holds the location precision of each point)."""
    where, params = clauses(f)
    where, params = within_box(where, params, cell_column(res), res, bbox)
    located, located_params = precision_sums(f, precisions)
    key_column = f", {key_sum(f)} AS key" if keys else ""
    sql = f"""SELECT {cell_column(res)} AS cell, sum(i.{f.n})::BIGINT AS count {located} {key_column}
              FROM incident_counts i
              WHERE {cell_column(res)} IS NOT NULL AND {where} GROUP BY cell ORDER BY count DESC, cell"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*located_params, *params])


def within_box(
    where: str, params: list[object], cell: str, res: int, bbox: tuple[float, float, float, float] | None
) -> tuple[str, list[object]]:
    """Clauses keeping the cells (column `cell`, at res) holding any point inside bbox, when given."""
    if not bbox:
        return where, params
    where += f""" AND {cell} IN (
        SELECT DISTINCT {cell_column(res, "b")} FROM count_points b
        WHERE b.lon BETWEEN ? AND ? AND b.lat BETWEEN ? AND ?)"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return where, [*params, bbox[0], bbox[2], bbox[1], bbox[3]]


def top_cells(
    con: Connection, f: IncidentFilter, res: int, top: int, boundary_set: str, ward: str | None = None
) -> pa.Table:
    """The top cells at res by count, each with the ward most of its incidents fall in; with a ward (of the boundary
    set), the top cells by their incidents in that ward."""
    if ward is not None:
        return _top_cells_in_ward(con, f, res, top, boundary_set, ward)
    where, params = clauses(f)
    # the ranked cells and, joined to the places' wards, their incidents by ward: one query
    sql = f"""WITH ranked AS (
                  SELECT i.cell, sum(i.{f.n})::BIGINT AS count FROM cell_counts i
                  WHERE i.res = ? AND {where} GROUP BY i.cell ORDER BY count DESC, i.cell LIMIT ?),
              warded AS (
                  SELECT {cell_column(res)} AS cell, pw.ward_code, sum(i.{f.n})::BIGINT AS n FROM incident_counts i
                  JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
                  WHERE {cell_column(res)} IN (SELECT cell FROM ranked) AND {where} AND pw.ward_code IS NOT NULL
                  GROUP BY ALL)
              SELECT r.cell, r.count, w.ward_code, w.n FROM ranked r LEFT JOIN warded w ON w.cell = r.cell
              ORDER BY r.count DESC, r.cell"""  # noqa: S608 (fixed fragments; values are ? parameters)
    cells: list[int] = []
    counts: list[int] = []
    counted: list[tuple[int, str, int]] = []
    for cell, n, ward, in_ward in con.execute(sql, [res, *params, top, boundary_set, *params]).fetchall():
        if not cells or cells[-1] != cell:  # a cell's rows are together (ordered by count, then cell)
            cells.append(cell)
            counts.append(n)
        if ward is not None:
            counted.append((cell, ward, in_ward))
    return pa.table(
        {
            "cell": pa.array(cells, pa.uint64()),
            "count": pa.array(counts, pa.int64()),
            "ward_code": pa.array(most_wards(cells, counted), pa.string()),
        }
    )


def _top_cells_in_ward(
    con: Connection, f: IncidentFilter, res: int, top: int, boundary_set: str, ward: str
) -> pa.Table:
    """The top cells at res by their incidents placed in one ward (each row's ward_code is that ward)."""
    where, params = clauses(f)
    sql = f"""SELECT {cell_column(res)} AS cell, sum(i.{f.n})::BIGINT AS count FROM incident_counts i
              JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ? AND pw.ward_code = ?
              WHERE {cell_column(res)} IS NOT NULL AND {where}
              GROUP BY cell ORDER BY count DESC, cell LIMIT ?"""  # noqa: S608 (fixed fragments; values are ? parameters)
    ranked = arrow(con, sql, [boundary_set, ward, *params, top])
    return ranked.append_column("ward_code", pa.array([ward] * ranked.num_rows, pa.string()))


def most_wards(cells: list[int], counted: list[tuple[int, str, int]]) -> list[str | None]:
    """For each cell, the ward holding most of its count (rows of cell, ward, count; ties to the lowest code); None
    when none of its places is in a ward."""
    totals: dict[int, dict[str, int]] = {}
    for cell, ward, n in counted:
        totals.setdefault(cell, {})[ward] = totals.get(cell, {}).get(ward, 0) + n
    return [min(totals[c], key=lambda w: (-totals[c][w], w)) if c in totals else None for c in cells]


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
    where, params, join, join_params = scoped(*clauses(f), ward, cell)
    summary = ward is None and cell is None  # per LAD or everywhere: the monthly summary holds these counts
    key_column = f", {summed_key(f) if summary else key_sum(f)} AS key" if keys else ""
    table = "count_months" if summary else "incident_counts"
    sql = f"""SELECT i.month, sum(i.{f.n})::BIGINT AS count {key_column} FROM {table} i {join}
              WHERE {where} GROUP BY i.month ORDER BY i.month"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*join_params, *params])


def cell_month_counts(
    con: Connection, f: IncidentFilter, res: int, bbox: tuple[float, float, float, float] | None
) -> pa.Table:
    """Per (H3 cell at res, month): count of incidents with a point (inside bbox when given)."""
    where, params = clauses_with_bbox(f, bbox)
    sql = f"""SELECT {cell_column(res)} AS cell, i.month, sum(i.{f.n})::BIGINT AS count FROM incident_counts i
              WHERE {cell_column(res)} IS NOT NULL AND {where} GROUP BY ALL"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*params])


def area_cells(con: Connection, lads: tuple[str, ...], res: int) -> np.ndarray:
    """The distinct cells at res that hold incidents of these LADs (any period, category or source)."""
    if not lads:
        return np.array([], dtype=np.uint64)
    marks = ", ".join("?" for _ in lads)
    sql = f"""SELECT DISTINCT {cell_column(res)} AS cell FROM count_points i
              WHERE {cell_column(res)} IS NOT NULL AND i.lad_code IN ({marks})"""  # noqa: S608 (fixed fragments)
    return np.asarray(arrow(con, sql, list(lads))["cell"].to_numpy(zero_copy_only=False), dtype=np.uint64)
