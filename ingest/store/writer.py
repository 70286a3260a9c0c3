"""Write one feed file into the store inside a single transaction: stage, place, replace partitions, log."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pyarrow as pa

from ingest.schema import QUARANTINE_SCHEMA, staged_schema
from ingest.store.connection import Connection, arrow, count

# What identifies an incident: its source reference where the source gives one, else its content.
CONTENT_COLUMNS = ("lon", "lat", "location_text", "lsoa_code", "source_category")
INCIDENT_COLUMNS = (
    "incident_id, source, partition_key, source_ref, line, month, category, source_category, lon, lat, "
    "location_precision, location_text, lsoa_code, lsoa_name, lad_code, reported_by, outcome, h3_cell, place_cell, "
    "run_id, occurred_at, feed, ward_code, duplicate_of"
)
IDENTITY = (
    "concat_ws('|', source, partition_key, coalesce(source_ref, concat_ws('|', "
    + ", ".join(f"coalesce({c}::VARCHAR, '')" for c in CONTENT_COLUMNS)
    + ", occurred_at::VARCHAR, ward_code)))"
)
# The same grouping as IDENTITY over typed columns (content only counts where there is no source reference).
IDENTITY_HASH = (
    "hash(source, partition_key, source_ref, "
    + ", ".join(f"if(source_ref IS NULL, {c}, NULL)" for c in CONTENT_COLUMNS)
    + ", if(source_ref IS NULL, occurred_at, NULL), if(source_ref IS NULL, ward_code, NULL))"
)


def ordinal_within_groups(keys: np.ndarray) -> np.ndarray:
    """1-based position of each row among the rows with the same key, in row order."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    positions = np.arange(len(keys), dtype=np.int64)
    starts = np.ones(len(keys), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    run_start = np.maximum.accumulate(np.where(starts, positions, 0))
    ordinals = np.empty(len(keys), dtype=np.int64)
    ordinals[order] = positions - run_start + 1
    return ordinals


@dataclass
class PartitionPlan:
    """What committing a staged file will do to each snapshot partition."""

    new: list[str]
    replaced: list[str]
    unchanged: list[str]
    replaced_rows: int
    unchanged_rows: int
    rows: dict[str, int]  # staged rows per partition


class StagedIngest:
    """A transaction that stages one file's rows and commits them atomically (or rolls back)."""

    def __init__(
        self, con: Connection, source: str, file: str, file_sha256: Callable[[], str], feed: str = "police.uk"
    ) -> None:
        self.con = con
        self.source = source
        self.feed = feed
        self.closed = False
        self.file = file
        self._sha = file_sha256
        self.started_at = datetime.now()
        self.rows_read = 0
        self._batches: list[pa.Table] = []
        self._rejects: list[tuple[int, str, str]] = []
        self._reject_months: dict[int, date] = {}
        self._table: pa.Table | None = None
        con.execute("BEGIN TRANSACTION")
        self.run_id = count(con, "SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs")

    @property
    def sha(self) -> str:
        """SHA-256 of the file's bytes (computed alongside parsing)."""
        return self._sha()

    def add(
        self, good: pa.Table, rejects: list[tuple[int, str, str]], months: Mapping[int, date] | None = None
    ) -> None:
        """Stage a batch of canonical rows (low-cardinality text dictionary-encoded), its rejects and their months."""
        self.rows_read += good.num_rows + len(rejects)
        if good.num_rows:
            self._batches.append(good)
        self._rejects.extend(rejects)
        self._reject_months.update(months or {})

    def _staged(self) -> None:
        """Expose the staged rows and rejects to SQL as `staging` and `staging_rejects`."""
        if self._table is not None:
            return
        self._table = pa.concat_tables(self._batches) if self._batches else staged_schema().empty_table()
        self._batches.clear()
        self.con.register("staging", self._table)
        lines, raws, reasons = zip(*self._rejects, strict=True) if self._rejects else ((), (), ())
        months = [self._reject_months.get(line) for line in lines]
        rejects = pa.table(
            [pa.array(lines, pa.int64()), pa.array(raws), pa.array(reasons), pa.array(months, pa.date32())],
            schema=QUARANTINE_SCHEMA,
        )
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
        rows = self.con.execute(
            """SELECT s.partition_key, p.file_sha256, coalesce(p.row_count, 0), s.n
               FROM (SELECT partition_key::VARCHAR AS partition_key, count(*) AS n FROM staging GROUP BY 1) s
               LEFT JOIN partitions p USING (partition_key) ORDER BY 1"""
        ).fetchall()
        plan = PartitionPlan([], [], [], 0, 0, {})
        for key, sha, stored_rows, staged_rows in rows:
            plan.rows[key] = int(staged_rows)
            if sha is None:
                plan.new.append(key)
            elif sha == self.sha:
                plan.unchanged.append(key)
                plan.unchanged_rows += int(stored_rows)
            else:
                plan.replaced.append(key)
                plan.replaced_rows += int(stored_rows)
        return plan

    def dry_counts(self, plan: PartitionPlan) -> dict[str, int]:
        """The counts committing would report, without writing anything."""
        return {
            "rows_read": self.rows_read,
            "loaded": sum(plan.rows[k] for k in plan.new + plan.replaced),
            "replaced": plan.replaced_rows,
            "unchanged": plan.unchanged_rows,
            "quarantined": len(self._rejects),
        }

    def commit(self, plan: PartitionPlan, before_commit: Callable[[], object] | None = None) -> dict[str, int]:
        """Replace changed partitions with the staged rows, log the run and commit; returns the counts.

        before_commit runs last inside the transaction (cross-source links), only when partitions were written.
        """
        con = self.con
        write = plan.new + plan.replaced
        con.register("_write", pa.table({"partition_key": pa.array(write, pa.string())}))
        con.execute("DELETE FROM incidents WHERE partition_key IN (SELECT partition_key FROM _write)")
        self._add_ordinals()
        con.execute(
            f"""INSERT INTO incidents ({INCIDENT_COLUMNS})
                WITH placed AS (
                    SELECT s.*, sp.cell AS h3_cell, coalesce(sp.cell, lp.place_cell, sw.place_cell) AS place_cell,
                           coalesce(lp.lad_code, sw.lad_code) AS known_lad
                    FROM (SELECT *, {IDENTITY} AS identity FROM staging_ordered) s
                    SEMI JOIN _write w ON w.partition_key = s.partition_key
                    LEFT JOIN staging_points sp ON sp.lon = s.lon AND sp.lat = s.lat
                    LEFT JOIN lsoa_places lp ON lp.lsoa_code = s.lsoa_code
                    LEFT JOIN staging_wards sw ON sw.ward_code = s.ward_code)
                SELECT md5_number(p.identity || '|' || p.ordinal),
                       p.source, p.partition_key, p.source_ref, p.line, p.month, p.category, p.source_category,
                       p.lon, p.lat, p.location_precision, p.location_text, p.lsoa_code, p.lsoa_name,
                       coalesce(p.known_lad, w.lad_code), p.reported_by, p.outcome, p.h3_cell, p.place_cell, ?,
                       p.occurred_at, p.feed, p.ward_code, NULL
                FROM placed p
                LEFT JOIN place_wards pw ON p.known_lad IS NULL AND pw.place_cell = p.place_cell
                     AND pw.boundary_set = (SELECT name FROM boundary_sets WHERE is_default)
                LEFT JOIN wards w ON w.boundary_set = pw.boundary_set AND w.code = pw.ward_code""",  # noqa: S608 (fixed fragments)
            [self.run_id],
        )
        refresh_counts(con, "SELECT partition_key FROM _write")
        loaded = sum(plan.rows[k] for k in write)
        con.execute("DELETE FROM partitions WHERE partition_key IN (SELECT partition_key FROM _write)")
        if write:
            con.executemany(
                "INSERT INTO partitions VALUES (?, ?, ?, ?, ?)",
                [[k, self.source, self.sha, self.run_id, plan.rows[k]] for k in write],
            )
        con.unregister("_write")
        if write:  # an unchanged file keeps its earlier quarantine rows as they are
            con.execute("DELETE FROM quarantine WHERE file_sha256 = ?", [self.sha])
            con.execute(
                "INSERT INTO quarantine (run_id, file, file_sha256, line, raw, reason, month) "
                "SELECT ?, ?, ?, line, raw, reason, month FROM staging_rejects",
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
            """INSERT INTO ingest_runs (run_id, source, file, file_sha256, started_at, finished_at, status, rows_read,
                                        loaded, replaced, unchanged, quarantined, feed)
               VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)""",
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
                self.feed,
            ],
        )
        if write and before_commit is not None:
            before_commit()
        self._drop_staging()
        con.execute("COMMIT")
        self.closed = True
        return counts

    def _add_ordinals(self) -> None:
        """Number rows that share an identity (same source reference, or same content) in file order.

        The ordinal makes identical rows (police.uk ASB rows at one map point in one month) distinct and stable.
        Rows are grouped on a 64-bit hash of the identity's columns (a narrow query, no wide sort); the id itself
        is the MD5 (as a 128-bit integer) of the identity text and the ordinal, so it does not depend on that hash.
        """
        assert self._table is not None, "rows are staged before ordinals are added"
        got = self.con.execute(f"SELECT line, {IDENTITY_HASH} AS h FROM staging").fetchnumpy()  # noqa: S608
        lines, keys = np.asarray(got["line"]), np.asarray(got["h"], dtype=np.uint64)
        if len(lines) > 1 and not (np.diff(lines) > 0).all():  # the scan did not keep file order
            order = np.argsort(lines, kind="stable")
            keys = keys[order]
        ordinals = ordinal_within_groups(keys)
        self.con.register("staging_ordered", self._table.append_column("ordinal", pa.array(ordinals)))

    def rollback(self) -> None:
        """Abandon the staged file; the store is left exactly as it was."""
        if self.closed:
            return
        self.closed = True
        self.con.execute("ROLLBACK")
        self._drop_staging()

    def _drop_staging(self) -> None:
        for view in ("staging", "staging_ordered", "staging_rejects", "staging_points", "staging_wards"):
            try:
                self.con.unregister(view)
            except Exception:  # noqa: BLE001, S110 - a view that was never registered
                pass
        self._batches.clear()
        self._table = None


def refresh_counts(con: Connection, partitions_sql: str) -> None:
    """Rebuild incident_counts for the partitions a fixed SQL fragment selects (column partition_key)."""
    con.execute(f"DELETE FROM incident_counts WHERE partition_key IN ({partitions_sql})")  # noqa: S608 (fixed)
    con.execute(
        f"""INSERT INTO incident_counts
            SELECT partition_key, month, category, source, lad_code, h3_cell, place_cell, location_precision,
                   any_value(lon), any_value(lat), count(*), count(*) FILTER (WHERE duplicate_of IS NULL),
                   (hash(partition_key, month, category, source, lad_code, h3_cell, place_cell, location_precision)
                    % 2147483647)::BIGINT
            FROM incidents WHERE partition_key IN ({partitions_sql})
            GROUP BY partition_key, month, category, source, lad_code, h3_cell, place_cell, location_precision"""  # noqa: S608
    )


def add_place_wards(con: Connection, boundary_set: str, cells: pa.Table) -> None:
    """Insert ward assignments (columns place_cell, ward_code) for a boundary set."""
    if cells.num_rows == 0:
        return
    con.register("_pw", cells)
    con.execute("INSERT INTO place_wards SELECT ?, place_cell::UBIGINT, ward_code FROM _pw", [boundary_set])
    con.unregister("_pw")
