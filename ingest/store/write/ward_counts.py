"""The aggregate ward_counts (incident_counts summed per ward of every boundary set), kept in step with it."""

from __future__ import annotations

from duckdb import DuckDBPyConnection as Connection  # not from connection.py, which keys.py (and so this) serves

from ingest.store.read.filters import KEY_MODULUS
from ingest.store.write.pruning import in_their_months

SUMMED = f"""sum(i.n), sum(i.n_unique), (sum(i.n::HUGEINT * i.record_key) % {KEY_MODULUS})::BIGINT,
             (sum(i.n_unique::HUGEINT * i.record_key) % {KEY_MODULUS})::BIGINT"""
GROUPS = (
    "pw.boundary_set, pw.ward_code, i.partition_key, i.month, i.category, i.source, i.lad_code, i.location_precision"
)


def refresh_ward_counts(con: Connection, partitions_sql: str) -> None:
    """Rebuild ward_counts for the partitions a fixed SQL fragment selects (after incident_counts and count_months
    were rebuilt)."""
    con.execute(f"DELETE FROM ward_counts WHERE partition_key IN ({partitions_sql})")  # noqa: S608 (fixed)
    con.execute(
        f"""INSERT INTO ward_counts SELECT {GROUPS}, {SUMMED}
            FROM incident_counts i JOIN place_wards pw ON pw.place_cell = i.place_cell
            WHERE i.partition_key IN ({partitions_sql}) AND {in_their_months(partitions_sql, "i.month")}
              AND pw.ward_code IS NOT NULL
            GROUP BY {GROUPS} ORDER BY i.month, pw.boundary_set, pw.ward_code"""  # noqa: S608 (fixed fragments)
    )


def rebuild_ward_counts(con: Connection, boundary_set: str) -> None:
    """Rebuild ward_counts for one boundary set (after its wards and placements were replaced)."""
    con.execute("DELETE FROM ward_counts WHERE boundary_set = ?", [boundary_set])
    con.execute(
        f"""INSERT INTO ward_counts SELECT {GROUPS}, {SUMMED}
            FROM incident_counts i JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
            WHERE pw.ward_code IS NOT NULL
            GROUP BY {GROUPS} ORDER BY i.month, pw.ward_code""",  # noqa: S608 (fixed fragments)
        [boundary_set],
    )
