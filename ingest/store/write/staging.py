"""One feed file inside a single transaction: stage its rows, place them, replace its partitions, log, commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

import pyarrow as pa

from ingest.schema import QUARANTINE_SCHEMA, staged_schema
from ingest.store.connection import Connection, arrow, count
from ingest.store.write.counts import refresh_counts
from ingest.store.write.identity import insert_incidents, register_ordered
from ingest.store.write.partitions import (
    PartitionPlan,
    RunLog,
    clear_partitions,
    log_run,
    plan_partitions,
    record_partitions,
    replace_quarantine,
)
from ingest.store.write.reference import add_place_wards

Rejects = list[tuple[int, str, str]]
VIEWS = ("staging", "staging_ordered", "staging_rejects", "staging_points", "staging_wards")


class StagedIngest:
    """A transaction that stages one file's rows and commits them atomically (or rolls back)."""

    def __init__(self, con: Connection, source: str, file: str, file_sha256: Callable[[], str], feed: str) -> None:
        self.con = con
        self.source = source
        self.feed = feed
        self.closed = False
        self.file = file
        self._sha = file_sha256
        self.started_at = datetime.now()
        self.rows_read = 0
        self._batches: list[pa.Table] = []
        self._rejects: list[pa.Table] = []  # each batch's rejects as a compact table (QUARANTINE_SCHEMA)
        self.quarantined = 0
        self._table: pa.Table | None = None
        con.execute("BEGIN TRANSACTION")
        self.run_id = count(con, "SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs")

    @property
    def sha(self) -> str:
        """SHA-256 of the file's bytes (computed alongside parsing)."""
        return self._sha()

    def add(self, good: pa.Table, rejects: Rejects, months: Mapping[int, date] | None = None) -> None:
        """Stage a batch of canonical rows (low-cardinality text dictionary-encoded), its rejects and their months."""
        self.rows_read += good.num_rows + len(rejects)
        if good.num_rows:
            self._batches.append(good)
        if rejects:
            lines, raws, reasons = zip(*rejects, strict=True)
            found = months or {}
            self._rejects.append(
                pa.table(
                    [
                        pa.array(lines, pa.int64()),
                        pa.array(raws, pa.string()),
                        pa.array(reasons, pa.string()),
                        pa.array([found.get(line) for line in lines], pa.date32()),
                    ],
                    schema=QUARANTINE_SCHEMA,
                )
            )
            self.quarantined += len(rejects)

    def _staged(self) -> None:
        """Expose the staged rows and rejects to SQL as `staging` and `staging_rejects`."""
        if self._table is not None:
            return
        self._table = pa.concat_tables(self._batches) if self._batches else staged_schema().empty_table()
        self._batches.clear()
        self.con.register("staging", self._table)
        rejects = pa.concat_tables(self._rejects) if self._rejects else QUARANTINE_SCHEMA.empty_table()
        self._rejects.clear()
        self.con.register("staging_rejects", rejects)

    def distinct_points(self) -> pa.Table:
        """Distinct (lon, lat) of staged rows that have a point."""
        self._staged()
        return arrow(self.con, "SELECT DISTINCT lon, lat FROM staging WHERE lon IS NOT NULL AND lat IS NOT NULL")

    def ward_only_codes(self) -> list[str]:
        """Distinct ward codes of staged rows located by ward only."""
        self._staged()
        rows = self.con.execute(
            "SELECT DISTINCT ward_code::VARCHAR FROM staging WHERE lon IS NULL AND ward_code IS NOT NULL ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def set_point_cells(self, points: pa.Table) -> None:
        """Record the finest H3 cell of each distinct staged point (columns lon, lat, cell)."""
        self.con.register("staging_points", points)

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

    def set_ward_places(self, wards: pa.Table) -> None:
        """Record where rows located by ward only are counted (columns ward_code, place_cell, lad_code)."""
        self.con.register("staging_wards", wards)

    def plan(self) -> PartitionPlan:
        """Compare staged partitions with stored ones: new, replaced (different file) or unchanged (same file)."""
        self._staged()
        return plan_partitions(self.con, self.sha)

    def counts(self, plan: PartitionPlan) -> dict[str, int]:
        """The counts the file reports: rows read, loaded, replaced, unchanged and quarantined."""
        return {
            "rows_read": self.rows_read,
            "loaded": plan.loaded,
            "replaced": plan.replaced_rows,
            "unchanged": plan.unchanged_rows,
            "quarantined": self.quarantined,
        }

    def commit(self, plan: PartitionPlan, before_commit: Callable[[], object] | None = None) -> dict[str, int]:
        """Replace changed partitions with the staged rows, log the run and commit; returns the counts.

        before_commit runs last inside the transaction (cross-source links), only when partitions were written.
        """
        assert self._table is not None, "rows are staged before they are committed"
        con, write = self.con, plan.write
        clear_partitions(con, plan)
        register_ordered(con, self._table)
        insert_incidents(con, self.run_id)
        refresh_counts(con, "SELECT partition_key FROM _write")
        record_partitions(con, plan, self.source, self.sha, self.run_id)
        if write or not plan.unchanged:  # quarantine is always written; a reloaded file keeps its rows as they are
            replace_quarantine(con, self.run_id, self.file, self.sha)
        counts = self.counts(plan)
        status = "loaded" if write else ("unchanged" if plan.unchanged else "quarantined")
        log_run(con, RunLog(self.run_id, self.source, self.feed, self.file, self.sha, self.started_at, status), counts)
        if write and before_commit is not None:
            before_commit()
        self._drop_staging()
        con.execute("COMMIT")
        self.closed = True
        return counts

    def rollback(self) -> None:
        """Abandon the staged file; the store is left exactly as it was."""
        if self.closed:
            return
        self.closed = True
        self.con.execute("ROLLBACK")
        self._drop_staging()

    def _drop_staging(self) -> None:
        for view in VIEWS:
            try:
                self.con.unregister(view)
            except Exception:  # noqa: BLE001, S110 - a view that was never registered
                pass
        self._batches.clear()
        self._rejects.clear()
        self._table = None
