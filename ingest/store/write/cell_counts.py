"""The summary cell_counts (incident_counts summed per H3 cell at every served resolution), kept in step with it."""

from __future__ import annotations

from datetime import date

from duckdb import DuckDBPyConnection as Connection  # not from connection.py, which keys.py (and so this) serves

from ingest.schema import SERVED_RES
from ingest.store.read.filters import KEY_MODULUS
from ingest.store.write.pruning import in_their_months

GROUPS = "i.month, i.category, i.source, i.lad_code, i.partition_key"
# the cell keys as count_months and ward_counts hold them (sum of n * record key, modulo the prime), each record key
# first taken modulo the prime: the same keys, from BIGINT products instead of HUGEINT ones (a third less time)
SUMMED = f"""sum(i.n), sum(i.n_unique), (sum(i.n * (i.record_key % {KEY_MODULUS})) % {KEY_MODULUS})::BIGINT,
             (sum(i.n_unique * (i.record_key % {KEY_MODULUS})) % {KEY_MODULUS})::BIGINT"""


def summed_at(res: int, where: str, table: str = "incident_counts") -> str:
    """SQL: rows of incident_counts (or a table of its columns) matching a fixed condition, summed per cell at res
    (cell_counts' columns)."""
    return f"""SELECT {res} AS res, i.cell_{res} AS cell, {GROUPS}, {SUMMED} FROM {table} i
               WHERE {where} AND i.cell_{res} IS NOT NULL GROUP BY ALL"""  # noqa: S608 (fixed fragments)


def refresh_cell_counts(con: Connection, partitions_sql: str) -> None:
    """Rebuild cell_counts for the partitions a fixed SQL fragment selects (after incident_counts and count_months
    were rebuilt), written sorted by resolution, category, cell and month so reads of one resolution or viewport
    prune."""
    con.execute(f"DELETE FROM cell_counts WHERE partition_key IN ({partitions_sql})")  # noqa: S608 (fixed)
    theirs = f"i.partition_key IN ({partitions_sql}) AND {in_their_months(partitions_sql, 'i.month')}"
    per_res = " UNION ALL ".join(summed_at(r, theirs) for r in SERVED_RES)
    con.execute(f"INSERT INTO cell_counts SELECT * FROM ({per_res}) ORDER BY res, category, cell, month")  # noqa: S608


def fill_cell_counts(con: Connection) -> None:
    """Fill an empty cell_counts from incident_counts a resolution and a year at a time, each in its own transaction
    and sorted by category, cell and month within it (a migrated national store's counts exceed memory at once)."""
    years = [int(r[0]) for r in con.execute("SELECT DISTINCT year(month) FROM count_months ORDER BY 1").fetchall()]
    in_year = "i.month >= ? AND i.month < ?"
    for r in SERVED_RES:
        for year in years:
            con.execute("BEGIN")
            con.execute(
                f"INSERT INTO cell_counts {summed_at(r, in_year)} ORDER BY category, cell, month",  # noqa: S608
                [date(year, 1, 1), date(year + 1, 1, 1)],
            )
            con.execute("COMMIT")
