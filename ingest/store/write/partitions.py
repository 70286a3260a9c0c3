"""Snapshot partitions: what a staged file does to each (new, replaced, unchanged), and the run's log rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from ingest.store.connection import Connection
from ingest.store.write.pruning import in_their_months


@dataclass
class PartitionPlan:
    """What committing a staged file will do to each snapshot partition."""

    new: list[str]
    replaced: list[str]
    unchanged: list[str]
    replaced_rows: int
    unchanged_rows: int
    rows: dict[str, int]  # staged rows per partition
    stored: dict[str, int] = field(default_factory=dict)  # rows held now, per partition the file would replace

    @property
    def write(self) -> list[str]:
        """The partitions the file writes: new and replaced."""
        return self.new + self.replaced

    def shrinking(self, min_share: float) -> list[tuple[str, int, int]]:
        """Replaced partitions whose new rows are fewer than min_share of the rows they hold: (key, held, new)."""
        return [(k, n, self.rows[k]) for k, n in self.stored.items() if self.rows[k] < min_share * n]

    @property
    def loaded(self) -> int:
        """Staged rows in the partitions the file writes."""
        return sum(self.rows[k] for k in self.write)


def stored_partitions(con: Connection, keys: list[str]) -> dict[str, tuple[str, int]]:
    """The file (SHA-256) and row count each stored partition among `keys` holds now."""
    rows = con.execute(
        "SELECT partition_key, file_sha256, row_count FROM partitions WHERE list_contains(?, partition_key)", [keys]
    ).fetchall()
    return {str(k): (str(sha), int(n)) for k, sha, n in rows}


def plan_partitions(rows: dict[str, int], stored: dict[str, tuple[str, int]], file_sha256: str) -> PartitionPlan:
    """Compare a file's partitions (its rows in each) with the stored ones: new, replaced (a different file) or
    unchanged (the same file)."""
    plan = PartitionPlan([], [], [], 0, 0, {})
    for key in sorted(rows):
        plan.rows[key] = rows[key]
        if key not in stored:
            plan.new.append(key)
            continue
        sha, stored_rows = stored[key]
        if sha == file_sha256:
            plan.unchanged.append(key)
            plan.unchanged_rows += stored_rows
        else:
            plan.replaced.append(key)
            plan.replaced_rows += stored_rows
            plan.stored[key] = stored_rows
    return plan


def clear_partitions(con: Connection, plan: PartitionPlan, run_id: int) -> None:
    """Register the partitions to write as `_write` and delete their incidents stored before this run."""
    con.register("_write", pa.table({"partition_key": pa.array(plan.write, pa.string())}))
    if not plan.replaced:  # new partitions hold no incidents
        return
    written = "SELECT partition_key FROM _write"
    con.execute(
        f"DELETE FROM incidents WHERE partition_key IN ({written}) AND {in_their_months(written)} AND run_id <> ?",  # noqa: S608 (fixed)
        [run_id],
    )


def record_partitions(con: Connection, plan: PartitionPlan, source: str, file_sha256: str, run_id: int) -> None:
    """Record which file and run each written partition now comes from; drops `_write`."""
    con.execute("DELETE FROM partitions WHERE partition_key IN (SELECT partition_key FROM _write)")
    if plan.write:
        con.executemany(
            "INSERT INTO partitions VALUES (?, ?, ?, ?, ?)",
            [[k, source, file_sha256, run_id, plan.rows[k]] for k in plan.write],
        )
    con.unregister("_write")


def replace_quarantine(con: Connection, run_id: int, file: str, file_sha256: str) -> None:
    """Replace the file's quarantined rows with the staged rejects (`_aim_rejects`)."""
    con.execute("DELETE FROM quarantine WHERE file_sha256 = ?", [file_sha256])
    con.execute(
        "INSERT INTO quarantine (run_id, file, file_sha256, line, raw, reason, month) "
        "SELECT ?, ?, ?, line, raw, reason, month FROM _aim_rejects",
        [run_id, file, file_sha256],
    )


@dataclass(frozen=True)
class RunLog:
    """One ingest run as the log records it."""

    run_id: int
    source: str
    feed: str
    file: str
    file_sha256: str
    started_at: datetime
    status: str


def log_run(con: Connection, run: RunLog, counts: dict[str, int]) -> None:
    """Add the run to ingest_runs with its counts."""
    con.execute(
        """INSERT INTO ingest_runs (run_id, source, file, file_sha256, started_at, finished_at, status, rows_read,
                                    loaded, replaced, unchanged, quarantined, feed)
           VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)""",
        [
            run.run_id,
            run.source,
            run.file,
            run.file_sha256,
            run.started_at,
            run.status,
            counts["rows_read"],
            counts["loaded"],
            counts["replaced"],
            counts["unchanged"],
            counts["quarantined"],
            run.feed,
        ],
    )
