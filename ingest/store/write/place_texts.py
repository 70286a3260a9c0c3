"""The aggregate place_texts (incidents counted per trimmed location text and cell), kept in step with incidents."""

from __future__ import annotations

from duckdb import DuckDBPyConnection as Connection  # not from connection.py, which keys.py (and so this) serves

from ingest.schema import SERVED_RES
from ingest.store.write.pruning import in_their_months

GROUPS = ", ".join(["partition_key", "month", "category", "source", "lad_code", *(f"cell_{r}" for r in SERVED_RES)])


def refresh_place_texts(con: Connection, partitions_sql: str) -> None:
    """Rebuild place_texts for the partitions a fixed SQL fragment selects (column partition_key), after count_months
    was rebuilt for them."""
    con.execute(f"DELETE FROM place_texts WHERE partition_key IN ({partitions_sql})")  # noqa: S608 (fixed)
    con.execute(
        f"""INSERT INTO place_texts
            SELECT {GROUPS}, trim(location_text), count(*), count(*) FILTER (WHERE duplicate_of IS NULL)
            FROM incidents
            WHERE partition_key IN ({partitions_sql}) AND location_text IS NOT NULL AND trim(location_text) <> ''
              AND {in_their_months(partitions_sql)}
            GROUP BY ALL"""  # noqa: S608 (fixed fragments)
    )
