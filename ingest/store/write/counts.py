"""The aggregate table incident_counts, rebuilt for the partitions a write touched."""

from __future__ import annotations

from ingest.schema import SERVED_RES
from ingest.store.connection import Connection
from ingest.store.keys import GROUPED, RECORD_KEY, store_secret
from ingest.store.write.pruning import in_their_months
from ingest.store.write.summaries import forget_points, refresh_summaries

CELLS = ", ".join(f"cell_{r}" for r in SERVED_RES)


def refresh_counts(con: Connection, partitions_sql: str, run_id: int | None = None) -> None:
    """Rebuild incident_counts for the partitions a fixed SQL fragment selects (column partition_key); `run_id`: every
    incident of those partitions was written by that run (a load's own partitions), so only its rows are read."""
    secret = store_secret(con)
    forget_points(con, partitions_sql)
    stored = in_their_months(partitions_sql)  # count_months is rebuilt after: it still holds their stored months
    con.execute(f"DELETE FROM incident_counts WHERE partition_key IN ({partitions_sql}) AND {stored}")  # noqa: S608
    # partition keys share their first bytes, so the store's row groups cannot be skipped by key; by run they can
    by_run = "" if run_id is None else "AND run_id = ?"
    con.execute(
        f"""INSERT INTO incident_counts ({GROUPED}, {CELLS}, lon, lat, n, n_unique, record_key)
            SELECT {GROUPED}, {CELLS}, any_value(lon), any_value(lat), count(*),
                   count(*) FILTER (WHERE duplicate_of IS NULL), {RECORD_KEY}
            FROM incidents WHERE partition_key IN ({partitions_sql}) {by_run}
            GROUP BY {GROUPED}, {CELLS}""",  # noqa: S608 (fixed fragments)
        [secret] + ([] if run_id is None else [run_id]),
    )
    refresh_summaries(con, partitions_sql)
