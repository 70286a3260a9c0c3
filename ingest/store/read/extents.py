"""What the store holds: month extents, freshness per source, distinct values, LADs, the run (read from the
summary count_months, kept in step with incident_counts, so none of them scans the counts)."""

from __future__ import annotations

from datetime import date

from ingest.store.connection import Connection, count
from ingest.store.memo import per_version


@per_version
def month_extent(con: Connection, sources: tuple[str, ...] = ()) -> tuple[date | None, date | None]:
    """First and last month held (for the given sources)."""
    clause = f"WHERE source IN ({', '.join('?' for _ in sources)})" if sources else ""
    rows = con.execute(f"SELECT min(month), max(month) FROM count_months {clause}", list(sources)).fetchall()  # noqa: S608 (fixed fragments; values are ? parameters)
    return rows[0][0], rows[0][1]


@per_version
def source_extents(con: Connection, sources: tuple[str, ...] = ()) -> dict[str, tuple[date, date]]:
    """First and last month held per source (the given sources, or every source held)."""
    clause = f"WHERE source IN ({', '.join('?' for _ in sources)})" if sources else ""
    sql = f"SELECT source, min(month), max(month) FROM count_months {clause} GROUP BY source"  # noqa: S608 (fixed fragments; values are ? parameters)
    return {str(s): (first, last) for s, first, last in con.execute(sql, list(sources)).fetchall()}


def freshness(con: Connection) -> list[dict[str, object]]:
    """Per source: rows held, first and latest month, and when it was last loaded."""
    cur = con.execute(
        """SELECT i.source, sum(i.n)::BIGINT AS incidents, min(i.month) AS first_month, max(i.month) AS latest_month,
                  (SELECT max(finished_at) FROM ingest_runs r WHERE r.source = i.source) AS last_loaded
           FROM count_months i GROUP BY i.source ORDER BY i.source"""
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


@per_version
def distinct_values(con: Connection, column: str) -> list[str]:
    """Distinct values of the category or source column."""
    if column not in {"category", "source"}:
        raise ValueError(column)
    return [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM count_months ORDER BY 1").fetchall()]  # noqa: S608 (fixed fragments; values are ? parameters)


@per_version
def ward_lad(con: Connection, boundary_set: str, code: str) -> tuple[str, str | None] | None:
    """(name, lad_code) of a ward in a boundary set, or None when absent."""
    rows = con.execute(
        "SELECT name, lad_code FROM wards WHERE boundary_set = ? AND code = ?", [boundary_set, code]
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


@per_version
def find_lads(con: Connection, text: str) -> list[tuple[str, str]]:
    """(code, name) of the LADs whose code or name (case-insensitive) is text."""
    rows = con.execute(
        """SELECT lad_code, any_value(lad_name) FROM (
               SELECT lad_code, lad_name FROM lsoa_places UNION ALL SELECT lad_code, lad_name FROM wards)
           WHERE lad_code IS NOT NULL AND (lower(lad_code) = lower(?) OR lower(lad_name) = lower(?))
           GROUP BY 1 ORDER BY 1""",
        [text.strip(), text.strip()],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


@per_version
def find_wards(con: Connection, boundary_set: str, text: str) -> list[tuple[str, str, str | None, str | None]]:
    """(code, name, lad_code, lad_name) of the wards of a boundary set whose code or name (case-insensitive) is
    text, or whose "name, LAD name" is."""
    rows = con.execute(
        """SELECT code, name, lad_code, lad_name FROM wards WHERE boundary_set = ? AND (lower(code) = lower(?)
               OR lower(name) = lower(?) OR lower(name || ', ' || coalesce(lad_name, '')) = lower(?))
           ORDER BY code""",
        [boundary_set, text.strip(), text.strip(), text.strip()],
    ).fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


@per_version
def lad_exists(con: Connection, lad_code: str) -> str | None:
    """The LAD's name when the reference data or any boundary set knows it."""
    rows = con.execute(
        "SELECT any_value(lad_name) FROM (SELECT lad_name FROM lsoa_places WHERE lad_code = ? "
        "UNION ALL SELECT lad_name FROM wards WHERE lad_code = ?)",
        [lad_code, lad_code],
    ).fetchall()
    return rows[0][0] if rows and rows[0][0] is not None else None


@per_version
def lads_with_incidents(con: Connection) -> tuple[str, ...]:
    """LAD codes that hold any incident."""
    sql = "SELECT DISTINCT lad_code FROM count_months WHERE lad_code IS NOT NULL ORDER BY 1"
    return tuple(r[0] for r in con.execute(sql).fetchall())


@per_version
def lads_with_wards(con: Connection, boundary_set: str) -> tuple[str, ...]:
    """LAD codes that have wards in a boundary set."""
    sql = "SELECT DISTINCT lad_code FROM wards WHERE boundary_set = ? AND lad_code IS NOT NULL ORDER BY 1"
    return tuple(r[0] for r in con.execute(sql, [boundary_set]).fetchall())


def content_version(con: Connection) -> tuple[int, int, int, int]:
    """What the statistics read has changed: the latest ingest run, the latest patrol delivery load, and the facility
    lists held (how many, and the latest load: a list loaded again under its name keeps its id)."""
    runs = count(con, "SELECT coalesce(max(run_id), 0) FROM ingest_runs")
    delivery = count(con, "SELECT coalesce(max(load_id), 0) FROM delivery_loads")
    lists = count(con, "SELECT count(*) FROM facility_lists")
    latest = count(con, "SELECT coalesce(max(epoch_us(loaded_at)), 0) FROM facility_lists")
    return runs, delivery, lists, latest


@per_version
def store_version(con: Connection) -> int:
    """The latest ingest run: every load (through the API or the CLI) adds one, so derived reports change with it."""
    return count(con, "SELECT coalesce(max(run_id), 0) FROM ingest_runs")
