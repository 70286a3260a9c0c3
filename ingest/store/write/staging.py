"""One feed file inside a single transaction: stage its rows batch by batch, then write them, log and commit.

Each batch's canonical rows, with their ordinals among identical rows, are kept for one INSERT at the end: in memory
while the file's rows number up to `held_rows` (a file of one batch: most monthly files need no spill), and past that
appended to a Parquet spill file beside the store's temporary files, from which the INSERT streams: memory stays
bounded whatever the file's size (many INSERTs inside one transaction hold every row in memory until COMMIT; one
bulk INSERT streams). Nothing is visible to others, and nothing is kept, until COMMIT.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import nullcontext, suppress
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest.columns import decoded
from ingest.schema import INCIDENT_SCHEMA, QUARANTINE_SCHEMA
from ingest.store.connection import Connection, count, scalar
from ingest.store.write.identity import RunningOrdinals, identity_keys, insert_incidents
from ingest.store.write.load_counts import add_load_counts, clear_counts
from ingest.store.write.memory import load_memory, restore_memory
from ingest.store.write.partitions import (
    PartitionPlan,
    RunLog,
    clear_partitions,
    log_run,
    plan_partitions,
    record_partitions,
    replace_quarantine,
    stored_partitions,
)
from ingest.store.write.placement import PLACED_COLUMNS

Rejects = list[tuple[int, str, str]]
VIEWS = ("_write",)
HELD_ROWS = 200_000  # rows kept in memory for the final INSERT before the file spills (one batch)
TEMP_TABLES = ("_aim_rejects",)


class StagedIngest:
    """A transaction that writes one file's rows batch by batch and commits them atomically (or rolls back)."""

    def __init__(
        self,
        con: Connection,
        source: str,
        file: str,
        file_sha256: Callable[[], str],
        feed: str,
        held_rows: int = HELD_ROWS,
    ) -> None:
        self.con = con
        self.source = source
        self.feed = feed
        self.closed = False
        self.file = file
        self._sha = file_sha256
        self.started_at = datetime.now()
        self.rows_read = 0
        self.quarantined = 0
        self.rows: Counter[str] = Counter()  # good rows per partition
        self._stored: dict[str, tuple[str, int]] = {}  # (file SHA-256, rows) of stored partitions the file has
        self._seen: set[str] = set()  # partitions looked up so far
        self._ordinals = RunningOrdinals()
        self._pending: list[pa.Table] = []  # canonical rows taken but not yet written
        self._spill: tempfile.TemporaryDirectory[str] | None = None  # where written batches wait for COMMIT
        self._writer: pq.ParquetWriter | None = None
        self._held: list[pa.Table] = []  # the batches written so far while they fit in `held_rows`, in memory
        self._held_rows = 0
        self.held_rows = held_rows
        self.pending_rows = 0
        con.execute("BEGIN TRANSACTION")
        self.run_id = count(con, "SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs")
        con.execute("CREATE TEMP TABLE _aim_rejects (line BIGINT, raw VARCHAR, reason VARCHAR, month DATE)")

    @property
    def sha(self) -> str:
        """SHA-256 of the file's bytes (computed alongside parsing)."""
        return self._sha()

    def add(self, good: pa.Table, rejects: Rejects, months: Mapping[int, date] | None = None) -> None:
        """Take a batch: keep its rejects now, hold its canonical rows until `stage` writes them with others."""
        self.rows_read += good.num_rows + len(rejects)
        if rejects:
            self._add_rejects(rejects, months or {})
        if good.num_rows:
            self._pending.append(good)
            self.pending_rows += good.num_rows

    def take(self, limit: int) -> pa.Table | None:
        """Take up to `limit` of the held rows, those of partitions the file writes, as the batch to enrich and write;
        None when none of them is to be written."""
        if not self._pending:
            return None
        held = pa.concat_tables(self._pending)
        good, rest = held.slice(0, limit), held.slice(limit)
        self._pending = [rest] if rest.num_rows else []
        self.pending_rows = rest.num_rows
        keys = decoded(good["partition_key"])
        for value in pc.value_counts(keys).to_pylist():
            self.rows[value["values"]] += value["counts"]
        fresh = sorted(set(self.rows) - self._seen)
        if fresh:
            self._stored.update(stored_partitions(self.con, fresh))
            self._seen.update(fresh)
        unchanged = [k for k, (sha, _) in self._stored.items() if sha == self.sha] if self._stored else []
        if unchanged:  # the same file loaded again: those partitions stay as they are
            good = good.filter(pc.invert(pc.is_in(keys, pa.array(unchanged, pa.string()))))
        return good if good.num_rows else None

    def _add_rejects(self, rejects: Rejects, months: Mapping[int, date]) -> None:
        lines, raws, reasons = zip(*rejects, strict=True)
        table = pa.table(
            [
                pa.array(lines, pa.int64()),
                pa.array(raws, pa.string()),
                pa.array(reasons, pa.string()),
                pa.array([months.get(line) for line in lines], pa.date32()),
            ],
            schema=QUARANTINE_SCHEMA,
        )
        self._insert("_aim_rejects", table.select(["line", "raw", "reason", "month"]))
        self.quarantined += len(rejects)

    def _insert(self, table: str, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        aim_new = rows  # noqa: F841 - read by name in the query (registering it would keep it until COMMIT)
        self.con.execute(f"INSERT INTO {table} SELECT * FROM aim_new")  # noqa: S608 (fixed names)

    def write_batch(self, enriched: pa.Table) -> None:
        """Keep a taken batch's rows, enriched with their placement (`placement.PLACED_COLUMNS`: cells, place, LAD),
        each with its ordinal among identical rows of the file, in line order, for the INSERT at commit: in memory
        while the file's rows fit in `held_rows`, and once they do not, every batch in the spill file."""
        placed = enriched.select(list(PLACED_COLUMNS))
        rows = enriched.drop_columns(list(PLACED_COLUMNS))
        ordinals = self._ordinals.next(identity_keys(self.con, rows))
        plain = rows.cast(INCIDENT_SCHEMA)  # Parquet writes its own dictionaries (Arrow's may hold NULL)
        table = plain.append_column("ordinal", pa.array(ordinals, pa.int64()))
        for name in PLACED_COLUMNS:
            table = table.append_column(placed.schema.field(name), placed[name])
        lines = table["line"].to_numpy()
        if len(lines) > 1 and not (np.diff(lines) > 0).all():
            table = table.sort_by("line")
        if self._writer is None and self._held_rows + table.num_rows <= max(self.held_rows, table.num_rows):
            self._held.append(table)  # a file of up to `held_rows` (a monthly file of one batch) needs no spill
            self._held_rows += table.num_rows
            return
        if self._writer is None:
            self._spill = tempfile.TemporaryDirectory(prefix="aim-ingest-", dir=_spill_folder(self.con))
            self._writer = pq.ParquetWriter(Path(self._spill.name) / "rows.parquet", table.schema)
        for held in self._held:
            self._writer.write_table(held)
        self._held, self._held_rows = [], 0
        self._writer.write_table(table)

    def written(self) -> None:
        """Every row is written: forget the identities counted for ordinals (12 bytes per distinct row of the file)."""
        self._ordinals = RunningOrdinals()

    def _insert_written(self) -> None:
        """Write the kept rows of the partitions in `_write` to incidents, in one INSERT."""
        if self._held:
            insert_incidents(self.con, self.run_id, pa.concat_tables(self._held))
            self._held, self._held_rows = [], 0
        if self._writer is None or self._spill is None:
            return
        self._writer.close()
        self._writer = None
        path = str(Path(self._spill.name) / "rows.parquet").replace("'", "''")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW staging_ordered AS SELECT * FROM read_parquet('{path}')")  # noqa: S608
        insert_incidents(self.con, self.run_id)

    def plan(self) -> PartitionPlan:
        """Compare the file's partitions with stored ones: new, replaced (different file) or unchanged (same file)."""
        return plan_partitions(dict(self.rows), self._stored, self.sha)

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
        """Replace changed partitions with the file's rows, log the run and commit; returns the counts.

        before_commit runs last inside the transaction (cross-source links), only when partitions were written.
        """
        con, write = self.con, plan.write
        clear_partitions(con, plan, self.run_id)
        if plan.replaced:  # new partitions hold nothing to clear
            clear_counts(con, "SELECT partition_key FROM _write")
        # a file of more than one batch (held or spilled): its bulk INSERT, its counts and the checkpoint its COMMIT
        # sets off, under the lower limit (a national month replaced in a 60M-row store peaked at 1.8 GB without it)
        large = self._writer is not None or len(self._held) > 1
        with load_memory(con) if large else nullcontext():
            self._insert_written()
            if write:
                add_load_counts(con, self.run_id)
            record_partitions(con, plan, self.source, self.sha, self.run_id)
            if write or not plan.unchanged:  # quarantine always written; a reloaded file keeps its rows as they are
                replace_quarantine(con, self.run_id, self.file, self.sha)
            counts = self.counts(plan)
            status = "loaded" if write else ("unchanged" if plan.unchanged else "quarantined")
            run = RunLog(self.run_id, self.source, self.feed, self.file, self.sha, self.started_at, status)
            log_run(con, run, counts)
            if write and before_commit is not None:
                before_commit()
            self._drop_staging()
            con.execute("COMMIT")
        self.closed = True
        return counts

    def rollback(self) -> None:
        """Abandon the file; the store is left exactly as it was."""
        if self.closed:
            return
        self.closed = True
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error:
            # a COMMIT that failed (a full disk) has rolled back already, or DuckDB gave up on the database (the
            # caller sees that error): nothing of the file was kept either way
            self._drop_spill()
            with suppress(duckdb.Error):
                restore_memory(self.con)
            return
        restore_memory(self.con)  # a large file's commit that failed may have left the lowered limit
        self._drop_staging()

    def _drop_staging(self) -> None:
        for view in VIEWS:
            try:
                self.con.unregister(view)
            except Exception:  # noqa: BLE001, S110 - a view that was never registered
                pass
        for table in TEMP_TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS temp.{table}")  # noqa: S608 (fixed names)
        self.con.execute("DROP VIEW IF EXISTS temp.staging_ordered")
        self._drop_spill()

    def _drop_spill(self) -> None:
        self._held, self._held_rows = [], 0
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._spill is not None:
            self._spill.cleanup()
            self._spill = None


def _spill_folder(con: Connection) -> str | None:
    """The store's folder for temporary files where it has one (beside the store, not in memory), else the system's."""
    folder = scalar(con, "SELECT current_setting('temp_directory')")
    if not folder:
        return None
    Path(str(folder)).mkdir(parents=True, exist_ok=True)
    return str(folder)
