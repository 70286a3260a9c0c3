"""Incident rows for analysts: filtered, keyset-paginated pages, one incident with its linked group, and the
commonest location texts of cells."""

from __future__ import annotations

import pyarrow as pa

from ingest.store.connection import Connection, arrow
from ingest.store.read.filters import IncidentFilter, cell_column, clauses

ID_SQL = "lower(lpad(to_hex({col}), 32, '0'))"
COLUMNS = f"""{ID_SQL.format(col="i.incident_id")} AS id, i.source, i.feed, i.category, i.source_category,
    strftime(i.month, '%Y-%m') AS month, i.occurred_at, i.location_precision, i.lon, i.lat, i.location_text,
    i.lsoa_code, i.lad_code, pw.ward_code AS ward, i.ward_code AS recorded_ward, i.source_ref, i.outcome,
    i.reported_by, {ID_SQL.format(col="coalesce(i.duplicate_of, l.group_id)")} AS linked_group"""


def parse_id(text: str) -> int | None:
    """An incident id (32 hex digits) as an integer, None when it is not one."""
    if len(text) != 32:
        return None
    try:
        return int(text, 16)
    except ValueError:
        return None


def _where(
    f: IncidentFilter, bbox: tuple[float, float, float, float] | None, ward: str | None
) -> tuple[list[str], list[object]]:
    """The WHERE clauses and their parameters of the incidents matching the filter, the box and the ward."""
    clauses = ["i.month BETWEEN ? AND ?"]
    params: list[object] = [f.start, f.end]
    for column, values in (("category", f.categories), ("source", f.sources)):
        if values:
            clauses.append(f"i.{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
    if f.lad:
        clauses.append("i.lad_code = ?")
        params.append(f.lad)
    if f.lads:
        clauses.append(f"i.lad_code IN ({', '.join('?' for _ in f.lads)})")
        params.extend(f.lads)
    if f.dedupe:
        clauses.append("i.duplicate_of IS NULL")
    if bbox:
        clauses.append("i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?")
        params.extend([bbox[0], bbox[2], bbox[1], bbox[3]])
    if ward:
        clauses.append("pw.ward_code = ?")
        params.append(ward)
    return clauses, params


def incident_page(
    con: Connection,
    f: IncidentFilter,
    boundary_set: str,
    limit: int,
    after: int | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    ward: str | None = None,
    before: int | None = None,
) -> pa.Table:
    """Up to `limit` incidents after the cursor (ordered by id) matching the filter, the box and the ward; with
    `before`, the last `limit` before that cursor instead, in descending order of id."""
    clauses, params = _where(f, bbox, ward)
    if after is not None:
        clauses.append("i.incident_id > ?::UHUGEINT")
        params.append(str(after))
    if before is not None:
        clauses.append("i.incident_id < ?::UHUGEINT")
        params.append(str(before))
    order = "DESC" if before is not None else ""
    sql = f"""SELECT {COLUMNS} FROM incidents i
              LEFT JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
              LEFT JOIN (SELECT group_id FROM incident_links GROUP BY group_id) l ON l.group_id = i.incident_id
              WHERE {" AND ".join(clauses)} ORDER BY i.incident_id {order} LIMIT ?"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [boundary_set, *params, limit])


def incident_count(
    con: Connection,
    f: IncidentFilter,
    boundary_set: str,
    bbox: tuple[float, float, float, float] | None = None,
    ward: str | None = None,
) -> int:
    """How many incidents match the filter, the box and the ward."""
    clauses, params = _where(f, bbox, ward)
    join = "LEFT JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?" if ward else ""
    sql = f"SELECT count(*) FROM incidents i {join} WHERE {' AND '.join(clauses)}"  # noqa: S608 (fixed fragments; values are ? parameters)
    rows = con.execute(sql, [boundary_set, *params] if ward else params).fetchall()
    return int(rows[0][0])


def incident_group(con: Connection, incident_id: int, boundary_set: str) -> pa.Table:
    """The incident and every record linked with it, each with its distance and hours to the group's primary."""
    sql = f"""WITH target AS (
                  SELECT coalesce(
                      (SELECT group_id FROM incident_links WHERE incident_id = ?::UHUGEINT), ?::UHUGEINT) AS gid),
              members AS (
                  SELECT l.incident_id, l.distance_m, l.hours_apart FROM incident_links l, target t
                  WHERE l.group_id = t.gid
                  UNION ALL SELECT t.gid, NULL, NULL FROM target t
                  WHERE NOT EXISTS (SELECT 1 FROM incident_links l WHERE l.group_id = t.gid))
              SELECT {COLUMNS}, m.distance_m, m.hours_apart,
                     i.incident_id = (SELECT gid FROM target) AS is_primary
              FROM members m JOIN incidents i ON i.incident_id = m.incident_id
              LEFT JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
              LEFT JOIN (SELECT group_id FROM incident_links GROUP BY group_id) l ON l.group_id = i.incident_id
              ORDER BY is_primary DESC, i.occurred_at NULLS LAST, i.incident_id"""  # noqa: S608 (fixed fragments)
    return arrow(con, sql, [str(incident_id), str(incident_id), boundary_set])


def cell_place_texts(con: Connection, f: IncidentFilter, res: int, cells: list[int], top: int = 3) -> pa.Table:
    """The commonest location texts (police.uk "On or near ..." names, council location text) of the incidents in
    each of these cells at res: columns cell, place, n, at most `top` per cell, commonest first."""
    if not cells:
        return pa.table({"cell": pa.array([], pa.uint64()), "place": pa.array([], pa.string()), "n": []})
    where, params = clauses(f)
    if f.dedupe:
        where += " AND i.n_unique > 0"
    sql = f"""SELECT {cell_column(res)} AS cell, i.place, sum(i.{f.n})::BIGINT AS n FROM place_texts i
              WHERE {where} AND {cell_column(res)} IN (SELECT unnest(?::UBIGINT[])) GROUP BY ALL"""  # noqa: S608 (fixed fragments; values are ? parameters)
    by_cell: dict[int, list[tuple[int, str]]] = {}
    for cell, place, n in con.execute(sql, [*params, cells]).fetchall():  # one row per (cell, place): a few per cell
        by_cell.setdefault(cell, []).append((-n, place))
    ranked = [(cell, place, -m) for cell in sorted(by_cell) for m, place in sorted(by_cell[cell])[:top]]
    return pa.table(
        {
            "cell": pa.array([r[0] for r in ranked], pa.uint64()),
            "place": pa.array([r[1] for r in ranked], pa.string()),
            "n": pa.array([r[2] for r in ranked], pa.int64()),
        }
    )
