"""Write one feed file into the store inside a single transaction: stage, place, replace partitions, log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from ingest.schema import INCIDENT_SCHEMA
from ingest.store.connection import Connection, arrow, count

_STAGING_COLUMNS = ", ".join(f.name for f in INCIDENT_SCHEMA)


@dataclass
class PartitionPlan:
    """What committing a staged file will do to each snapshot partition."""

    new: list[str]
    replaced: list[str]
    unchanged: list[str]
    replaced_rows: int
    unchanged_rows: int


class StagedIngest:
    """A transaction that stages one file's rows and commits them atomically (or rolls back)."""

    def __init__(self, con: Connection, source: str, file: str, file_sha256: str) -> None:
        self.con = con
        self.source = source
        self.file = file
        self.sha = file_sha256
        self.started_at = datetime.now()
        con.execute("BEGIN TRANSACTION")
        self.run_id = count(con, "SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs")
        con.execute(f"CREATE TEMP TABLE staging AS SELECT {_STAGING_COLUMNS} FROM incidents LIMIT 0")  # noqa: S608 (fixed fragments; values are ? parameters)
        con.execute("CREATE TEMP TABLE staging_rejects (line BIGINT, raw VARCHAR, reason VARCHAR)")
        self.rows_read = 0

    def add(self, good: pa.Table, rejects: list[tuple[int, str, str]]) -> None:
        """Stage a batch of canonical rows and its rejects."""
        self.rows_read += good.num_rows + len(rejects)
        if good.num_rows:
            self.con.register("_batch", good)
            self.con.execute(f"INSERT INTO staging SELECT {_STAGING_COLUMNS} FROM _batch")  # noqa: S608 (fixed fragments; values are ? parameters)
            self.con.unregister("_batch")
        if rejects:
            lines, raws, reasons = zip(*rejects, strict=True)
            self.con.register("_rej", pa.table({"line": list(lines), "raw": list(raws), "reason": list(reasons)}))
            self.con.execute("INSERT INTO staging_rejects SELECT line, raw, reason FROM _rej")
            self.con.unregister("_rej")

    def distinct_points(self) -> pa.Table:
        """Distinct (lon, lat) of staged rows that have a point."""
        return arrow(self.con, "SELECT DISTINCT lon, lat FROM staging WHERE lon IS NOT NULL AND lat IS NOT NULL")

    def set_point_cells(self, points: pa.Table) -> None:
        """Record the finest H3 cell of each distinct staged point (columns lon, lat, cell)."""
        self.con.register("_pts", points)
        self.con.execute("CREATE TEMP TABLE staging_points AS SELECT lon, lat, cell::UBIGINT AS cell FROM _pts")
        self.con.unregister("_pts")

    def unplaced_cells(self, boundary_set: str) -> pa.Table:
        """Staged point cells with no ward assignment yet in a boundary set (columns cell, lon, lat)."""
        return arrow(
            self.con,
            """SELECT sp.cell, any_value(sp.lon) AS lon, any_value(sp.lat) AS lat FROM staging_points sp
               ANTI JOIN (SELECT place_cell FROM place_wards WHERE boundary_set = ?) pw ON pw.place_cell = sp.cell
               GROUP BY sp.cell""",
            [boundary_set],
        )

    def add_place_wards(self, boundary_set: str, cells: pa.Table) -> None:
        """Insert ward assignments (columns place_cell, ward_code) for a boundary set."""
        add_place_wards(self.con, boundary_set, cells)

    def plan(self) -> PartitionPlan:
        """Compare staged partitions with stored ones: new, replaced (different file) or unchanged (same file)."""
        rows = self.con.execute(
            """SELECT s.partition_key, p.file_sha256, coalesce(p.row_count, 0)
               FROM (SELECT DISTINCT partition_key FROM staging) s
               LEFT JOIN partitions p USING (partition_key) ORDER BY 1"""
        ).fetchall()
        plan = PartitionPlan([], [], [], 0, 0)
        for key, sha, stored_rows in rows:
            if sha is None:
                plan.new.append(key)
            elif sha == self.sha:
                plan.unchanged.append(key)
                plan.unchanged_rows += int(stored_rows)
            else:
                plan.replaced.append(key)
                plan.replaced_rows += int(stored_rows)
        return plan

    def commit(self, plan: PartitionPlan) -> dict[str, int]:
        """Replace changed partitions with the staged rows, log the run and commit; returns the counts."""
        con = self.con
        write = plan.new + plan.replaced
        con.register("_write", pa.table({"partition_key": pa.array(write, pa.string())}))
        con.execute("DELETE FROM incidents WHERE partition_key IN (SELECT partition_key FROM _write)")
        con.execute(
            """INSERT INTO incidents
                SELECT md5(s.source || '|' || s.source_ref || '|' ||
                           row_number() OVER (PARTITION BY s.source, s.source_ref ORDER BY s.line)) AS incident_id,
                       s.source, s.partition_key, s.source_ref, s.line, s.month, s.category, s.source_category,
                       s.lon, s.lat, s.location_precision, s.location_text, s.lsoa_code, s.lsoa_name,
                       lp.lad_code, s.reported_by, s.outcome, sp.cell, coalesce(sp.cell, lp.place_cell), ?
                FROM staging s
                SEMI JOIN _write w ON w.partition_key = s.partition_key
                LEFT JOIN staging_points sp ON sp.lon = s.lon AND sp.lat = s.lat
                LEFT JOIN lsoa_places lp ON lp.lsoa_code = s.lsoa_code""",
            [self.run_id],
        )
        loaded = count(con, "SELECT count(*) FROM staging SEMI JOIN _write USING (partition_key)")
        con.execute("DELETE FROM partitions WHERE partition_key IN (SELECT partition_key FROM _write)")
        con.execute(
            """INSERT INTO partitions SELECT partition_key, ?, ?, ?, count(*) FROM staging
               SEMI JOIN _write USING (partition_key) GROUP BY partition_key""",
            [self.source, self.sha, self.run_id],
        )
        con.unregister("_write")
        if write:  # an unchanged file keeps its earlier quarantine rows as they are
            con.execute("DELETE FROM quarantine WHERE file_sha256 = ?", [self.sha])
            con.execute(
                "INSERT INTO quarantine SELECT ?, ?, ?, line, raw, reason FROM staging_rejects",
                [self.run_id, self.file, self.sha],
            )
        quarantined = count(con, "SELECT count(*) FROM staging_rejects")
        status = "loaded" if write else "unchanged"
        counts = {
            "rows_read": self.rows_read,
            "loaded": loaded,
            "replaced": plan.replaced_rows,
            "unchanged": plan.unchanged_rows,
            "quarantined": quarantined,
        }
        con.execute(
            "INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?)",
            [
                self.run_id,
                self.source,
                self.file,
                self.sha,
                self.started_at,
                status,
                counts["rows_read"],
                counts["loaded"],
                counts["replaced"],
                counts["unchanged"],
                counts["quarantined"],
            ],
        )
        self._drop_staging()
        con.execute("COMMIT")
        return counts

    def rollback(self) -> None:
        """Abandon the staged file; the store is left exactly as it was."""
        self.con.execute("ROLLBACK")

    def _drop_staging(self) -> None:
        for table in ("staging", "staging_rejects", "staging_points"):
            self.con.execute(f"DROP TABLE IF EXISTS {table}")


def add_place_wards(con: Connection, boundary_set: str, cells: pa.Table) -> None:
    """Insert ward assignments (columns place_cell, ward_code) for a boundary set."""
    if cells.num_rows == 0:
        return
    con.register("_pw", cells)
    con.execute("INSERT INTO place_wards SELECT ?, place_cell::UBIGINT, ward_code FROM _pw", [boundary_set])
    con.unregister("_pw")
