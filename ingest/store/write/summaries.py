"""The summaries that requests read instead of incident_counts or incidents (count_months, count_points,
ward_counts, place_texts), kept in step with them each time a write rebuilds the counts of some partitions."""

from __future__ import annotations

from duckdb import DuckDBPyConnection as Connection  # not from connection.py, which keys.py (and so this) serves

from ingest.schema import SERVED_RES
from ingest.store.write.cell_counts import refresh_cell_counts
from ingest.store.write.place_texts import refresh_place_texts
from ingest.store.write.pruning import in_their_months
from ingest.store.write.ward_counts import SUMMED, refresh_ward_counts

CELLS = [f"cell_{r}" for r in SERVED_RES]
SAME_POINT = (
    "count_points.lon = a.lon AND count_points.lat = a.lat AND count_points.lad_code IS NOT DISTINCT FROM a.lad_code"
)


def forget_points(con: Connection, partitions_sql: str) -> None:
    """Before incident_counts loses the partitions a fixed SQL fragment selects (and count_months is rebuilt for them):
    take their rows off count_points."""
    con.execute(
        f"""UPDATE count_points SET refs = count_points.refs - d.k
            FROM (SELECT lon, lat, lad_code, count(*) AS k FROM incident_counts
                  WHERE partition_key IN ({partitions_sql}) AND {in_their_months(partitions_sql)}
                    AND lon IS NOT NULL AND lat IS NOT NULL
                  GROUP BY lon, lat, lad_code) d
            WHERE count_points.lon = d.lon AND count_points.lat = d.lat
              AND count_points.lad_code IS NOT DISTINCT FROM d.lad_code"""  # noqa: S608 (fixed fragments)
    )


def refresh_summaries(con: Connection, partitions_sql: str) -> None:
    """After incident_counts was rebuilt for these partitions: their months, and their points, in the summaries."""
    refresh_months(con, partitions_sql)
    cells = ", ".join(f"any_value({c}) AS {c}" for c in CELLS)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _added_points AS
            SELECT lon, lat, lad_code, {cells}, count(*) AS k FROM incident_counts
            WHERE partition_key IN ({partitions_sql}) AND {in_their_months(partitions_sql)}
              AND lon IS NOT NULL AND lat IS NOT NULL
            GROUP BY lon, lat, lad_code"""  # noqa: S608 (fixed fragments)
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
    con.execute("DELETE FROM count_points WHERE refs <= 0")
    con.execute("DROP TABLE _added_points")
    refresh_ward_counts(con, partitions_sql)
    refresh_place_texts(con, partitions_sql)
    refresh_cell_counts(con, partitions_sql)


def refresh_months(con: Connection, partitions_sql: str) -> None:
    """Rebuild count_months for the partitions a fixed SQL fragment selects."""
    con.execute(f"DELETE FROM count_months WHERE partition_key IN ({partitions_sql})")  # noqa: S608 (fixed)
    con.execute(
        f"""INSERT INTO count_months SELECT partition_key, month, category, source, lad_code, {SUMMED}
            FROM incident_counts i WHERE partition_key IN ({partitions_sql}) GROUP BY ALL"""  # noqa: S608 (fixed)
    )


def rekey_summaries(con: Connection) -> None:
    """After every record key changed (a store's secret drawn or replaced): the summaries' cell keys again."""
    every = "SELECT DISTINCT partition_key FROM incident_counts"
    refresh_months(con, every)
    refresh_ward_counts(con, every)
    refresh_cell_counts(con, every)
