"""A load's counts and summaries, built in one pass from its own rows: the load's rows are counted once (per
partition, month, category, source, LAD, point and cell) into a temporary table, and incident_counts and every summary
(count_months, count_points, ward_counts, cell_counts) take their new rows from that table, not from the store's.

Partitions the load replaces lose what they held first (`clear_counts`); new partitions hold nothing to clear, so a
load of new months runs no delete at all. The other writers (cross-source links, new point cells) rebuild the counts
of the partitions they touch with `counts.refresh_counts`, which gives the same rows.
"""

from __future__ import annotations

from ingest.schema import SERVED_RES
from ingest.store.connection import Connection
from ingest.store.keys import GROUPED, RECORD_KEY, store_secret
from ingest.store.write import cell_counts, place_texts, ward_counts
from ingest.store.write.pruning import in_their_months
from ingest.store.write.summaries import CELLS, SAME_POINT, forget_points

COUNTED = "_aim_load_counts"  # the load's rows counted once (incident_counts' columns), dropped before COMMIT
CELL_COLUMNS = ", ".join(CELLS)
WRITTEN = "SELECT partition_key FROM _write"
# cell_counts is written sorted by resolution, category, cell and month; past this many counted rows each resolution
# is sorted by a statement of its own (all five at once ran out of memory for a 6,142,548-row file under 1 GB)
SORT_AT_ONCE = 250_000


def clear_counts(con: Connection, partitions_sql: str) -> None:
    """Take the partitions a fixed SQL fragment selects off incident_counts and every summary (the months they hold
    are read from count_months, so it is cleared last)."""
    forget_points(con, partitions_sql)
    con.execute("DELETE FROM count_points WHERE refs <= 0")
    stored = in_their_months(partitions_sql)
    con.execute(f"DELETE FROM incident_counts WHERE partition_key IN ({partitions_sql}) AND {stored}")  # noqa: S608
    for table in ("ward_counts", "place_texts", "cell_counts", "count_months"):
        con.execute(f"DELETE FROM {table} WHERE partition_key IN ({partitions_sql})")  # noqa: S608 (fixed names)


def add_load_counts(con: Connection, run_id: int) -> None:
    """Count the rows run `run_id` wrote to the partitions in `_write` (every row they hold: the replaced ones were
    cleared) and add them to incident_counts and every summary."""
    counted = con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {COUNTED} AS
            SELECT {GROUPED}, {CELL_COLUMNS}, any_value(lon) AS lon, any_value(lat) AS lat, count(*) AS n,
                   count(*) FILTER (WHERE duplicate_of IS NULL) AS n_unique, {RECORD_KEY} AS record_key
            FROM incidents WHERE run_id = ? AND partition_key IN ({WRITTEN})
            GROUP BY {GROUPED}, {CELL_COLUMNS}""",  # noqa: S608 (fixed fragments)
        [store_secret(con), run_id],
    ).fetchall()[0][0]
    columns = f"{GROUPED}, {CELL_COLUMNS}, lon, lat, n, n_unique, record_key"
    con.execute(f"INSERT INTO incident_counts ({columns}) SELECT {columns} FROM {COUNTED}")  # noqa: S608 (fixed)
    con.execute(
        f"""INSERT INTO count_months SELECT partition_key, month, category, source, lad_code, {ward_counts.SUMMED}
            FROM {COUNTED} i GROUP BY ALL"""  # noqa: S608 (fixed fragments)
    )
    _add_points(con)
    con.execute(
        f"""INSERT INTO ward_counts SELECT {ward_counts.GROUPS}, {ward_counts.SUMMED}
            FROM {COUNTED} i JOIN place_wards pw ON pw.place_cell = i.place_cell
            WHERE pw.ward_code IS NOT NULL
            GROUP BY {ward_counts.GROUPS} ORDER BY i.month, pw.boundary_set, pw.ward_code"""  # noqa: S608 (fixed)
    )
    con.execute(
        f"""INSERT INTO place_texts
            SELECT {place_texts.GROUPS}, trim(location_text), count(*), count(*) FILTER (WHERE duplicate_of IS NULL)
            FROM incidents
            WHERE run_id = ? AND partition_key IN ({WRITTEN})
              AND location_text IS NOT NULL AND trim(location_text) <> ''
            GROUP BY ALL""",  # noqa: S608 (fixed fragments)
        [run_id],
    )
    add_cell_counts(con, int(counted))
    con.execute(f"DROP TABLE {COUNTED}")  # noqa: S608 (fixed name)


def _add_points(con: Connection) -> None:
    """The load's distinct points onto count_points: more references to those held, new ones added."""
    cells = ", ".join(f"any_value({c}) AS {c}" for c in CELLS)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _added_points AS
            SELECT lon, lat, lad_code, {cells}, count(*) AS k FROM {COUNTED}
            WHERE lon IS NOT NULL AND lat IS NOT NULL GROUP BY lon, lat, lad_code"""  # noqa: S608 (fixed fragments)
    )
    con.execute(f"UPDATE count_points SET refs = count_points.refs + a.k FROM _added_points a WHERE {SAME_POINT}")  # noqa: S608
    # cells only where they differ (points stored before their cells were): updating every row's cells took seconds
    assigned = ", ".join(f"{c} = a.{c}" for c in CELLS)
    differ = " OR ".join(f"count_points.{c} IS DISTINCT FROM a.{c}" for c in CELLS)
    con.execute(f"UPDATE count_points SET {assigned} FROM _added_points a WHERE {SAME_POINT} AND ({differ})")  # noqa: S608
    con.execute(
        f"""INSERT INTO count_points SELECT a.lon, a.lat, a.lad_code, {", ".join(f"a.{c}" for c in CELLS)}, a.k
            FROM _added_points a ANTI JOIN count_points p
            ON p.lon = a.lon AND p.lat = a.lat AND p.lad_code IS NOT DISTINCT FROM a.lad_code"""  # noqa: S608
    )
    con.execute("DROP TABLE _added_points")


def add_cell_counts(con: Connection, counted: int) -> None:
    """The load's counts (`COUNTED`, of `counted` rows) per cell at every served resolution onto cell_counts, sorted
    by resolution, category, cell and month (one statement for a small load; one per resolution for a large one, so
    a sort holds a fifth)."""
    per_res = [cell_counts.summed_at(r, "TRUE", COUNTED) for r in SERVED_RES]
    if counted <= SORT_AT_ONCE:
        union = " UNION ALL ".join(per_res)
        con.execute(f"INSERT INTO cell_counts SELECT * FROM ({union}) ORDER BY res, category, cell, month")  # noqa: S608
        return
    for each in per_res:
        con.execute(f"INSERT INTO cell_counts SELECT * FROM ({each}) ORDER BY category, cell, month")  # noqa: S608
