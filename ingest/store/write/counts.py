"""The aggregate table incident_counts, rebuilt for the partitions a write touched."""

from __future__ import annotations

from ingest.schema import SERVED_RES
from ingest.store.connection import Connection
from ingest.store.keys import GROUPED, RECORD_KEY, store_secret
from ingest.store.write.summaries import forget_points, refresh_summaries

CELLS = ", ".join(f"cell_{r}" for r in SERVED_RES)


def refresh_counts(con: Connection, partitions_sql: str) -> None:
    """Rebuild incident_counts for the partitions a fixed SQL fragment selects (column partition_key)."""
    secret = store_secret(con)
    forget_points(con, partitions_sql)
    con.execute(f"DELETE FROM incident_counts WHERE partition_key IN ({partitions_sql})")  # noqa: S608 (fixed)
    con.execute(
        f"""INSERT INTO incident_counts ({GROUPED}, {CELLS}, lon, lat, n, n_unique, record_key)
            SELECT {GROUPED}, {CELLS}, any_value(lon), any_value(lat), count(*),
                   count(*) FILTER (WHERE duplicate_of IS NULL), {RECORD_KEY}
            FROM incidents WHERE partition_key IN ({partitions_sql})
            GROUP BY {GROUPED}, {CELLS}""",  # noqa: S608 (fixed fragments)
        [secret],
    )
    refresh_summaries(con, partitions_sql)
