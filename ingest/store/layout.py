"""The layout of cell_counts: how far loads have moved it from the migration's order, and putting it back.

The migration writes cell_counts a resolution and a year at a time, each sorted by category, cell and month, so a
read of one resolution and period (the hexagon layer, the top cells) finds its rows in few row groups. A load writes
its own months' rows sorted the same way but after everything held: after many monthly loads a year of one
resolution lies in a run per load, each sharing row groups with the load's other resolutions, and a read of it
opens more row groups (the zone maps of `res` and `month` decide which). `measure` counts, per resolution and year
(a block), the row groups whose zone maps admit the block against those its rows span when laid out together (at
most one more than they fill); `optimize` rewrites the years where a block drifted, each block in the migration's
order, in one transaction (the store is as it was when it fails), and the checkpoint after it drops the emptied row
groups.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
from duckdb import DuckDBPyConnection as Connection

log = logging.getLogger("aim.store")

ROW_GROUP_ROWS = 122_880  # DuckDB's rows per row group (its default, which AIM's stores keep)
# a block drifted when a read of it opens more than this many times the row groups its rows span laid out together
# (the migration's order gives at most that, so 1.0 flags any load's run not yet merged into its block)
DRIFT = 1.5


@dataclass(frozen=True)
class Block:
    """One resolution and year of cell_counts: its rows, the row groups a read of it opens, and those laid together."""

    res: int
    year: int
    rows: int
    row_groups: int  # row groups whose zone maps (res, month) admit a row of this block
    together: int  # row groups its rows span at most when laid out together: ceil(rows / ROW_GROUP_ROWS), plus the one
    # a block shares with the one before it

    @property
    def drift(self) -> float:
        """Row groups opened over those of the rows laid out together (1.0 or less: as the migration lays them out)."""
        return self.row_groups / self.together


@dataclass(frozen=True)
class Layout:
    """The blocks of cell_counts, its row groups, and per resolution the row groups whose zone maps admit it."""

    blocks: tuple[Block, ...]
    row_groups: int
    res_row_groups: dict[int, int]

    def per_res(self) -> dict[int, tuple[int, int, int]]:
        """Per resolution: rows, row groups whose zone maps admit it, and those its rows span laid out together."""
        rows: dict[int, int] = {}
        for b in self.blocks:
            rows[b.res] = rows.get(b.res, 0) + b.rows
        return {
            r: (n, self.res_row_groups.get(r, 0), math.ceil(n / ROW_GROUP_ROWS) + 1) for r, n in sorted(rows.items())
        }

    def drifted(self, limit: float = DRIFT) -> tuple[Block, ...]:
        """The blocks whose reads open more than `limit` times the row groups of their rows laid out together."""
        return tuple(b for b in self.blocks if b.drift > limit)

    def drift(self) -> float:
        """Row groups opened by a read of every block, over those laid out together (1.0 or less: the migration's)."""
        together = sum(b.together for b in self.blocks)
        return sum(b.row_groups for b in self.blocks) / together if together else 1.0


def _zone_maps(con: Connection) -> list[tuple[int, int, int, date, date]]:
    """(row group, min res, max res, min month, max month) of every row group of cell_counts holding rows."""
    rows = con.execute(
        """SELECT row_group_id, column_name, stats FROM pragma_storage_info('cell_counts')
           WHERE column_name IN ('res', 'month') AND stats['min'] IS NOT NULL AND count > 0"""
    ).fetchall()
    found: dict[int, dict[str, tuple[object, object]]] = {}
    for group, column, stats in rows:
        low, high = found.setdefault(int(group), {}).get(column, (stats["min"], stats["max"]))
        found[int(group)][column] = (min(low, stats["min"]), max(high, stats["max"]))  # type: ignore[type-var]
    out = []
    for group, columns in sorted(found.items()):
        if "res" in columns and "month" in columns:
            (r0, r1), (m0, m1) = columns["res"], columns["month"]
            out.append((group, int(r0), int(r1), _as_date(m0), _as_date(m1)))  # type: ignore[call-overload]
    return out


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def measure(con: Connection, years: tuple[int, ...] | None = None) -> Layout:
    """cell_counts' blocks (resolution and year; only those of `years` when given, whose rows alone are read):
    rows, row groups a read of each opens, and those laid out together."""
    span = [date(min(years), 1, 1), date(max(years) + 1, 1, 1)] if years else []
    within = "WHERE month >= ? AND month < ?" if years else ""  # a range, so the zone maps skip the other years
    per_month = con.execute(f"SELECT res, month, count(*) FROM cell_counts {within} GROUP BY ALL", span).fetchall()  # noqa: S608
    rows_of: dict[tuple[int, int], int] = {}
    for res, month, n in per_month:  # months folded into years here: grouping on the columns as stored is quicker
        key = (int(res), _as_date(month).year)
        if years is None or key[1] in years:
            rows_of[key] = rows_of.get(key, 0) + int(n)
    counts = sorted((res, year, n) for (res, year), n in rows_of.items())
    zones = _zone_maps(con)
    blocks = []
    for res, year, rows in counts:
        start, end = date(int(year), 1, 1), date(int(year), 12, 31)
        opened = sum(1 for _, r0, r1, m0, m1 in zones if r0 <= res <= r1 and m0 <= end and m1 >= start)
        together = math.ceil(int(rows) / ROW_GROUP_ROWS) + 1
        blocks.append(Block(int(res), int(year), int(rows), opened, together))
    per_res = {r: sum(1 for _, r0, r1, _, _ in zones if r0 <= r <= r1) for r in {b.res for b in blocks}}
    return Layout(tuple(blocks), len(zones), per_res)


def optimize(
    con: Connection,
    limit: float = DRIFT,
    done: Callable[[Block], None] | None = None,
    years: tuple[int, ...] | None = None,
) -> tuple[Block, ...]:
    """Rewrite every block of each year (of `years`, when given) where a block drifted past `limit` (0: every year),
    each sorted by category, cell and month as the migration writes them, in one transaction: the store is as it was
    if any step fails. `done` is told each block once it is rewritten. Returns the blocks rewritten (none: the table is
    left untouched)."""
    layout = measure(con, years)
    # a year's blocks share the row groups its loads wrote: rewritten together, those row groups empty and are
    # dropped (one left behind would keep them, with zone maps that still span the resolutions moved out)
    hit = {b.year for b in (layout.drifted(limit) if limit > 0 else layout.blocks)}
    blocks = tuple(b for b in layout.blocks if b.year in hit)
    if not blocks:
        return ()
    con.execute("BEGIN")
    try:
        # rows written in this transaction have row ids past every committed one, so the old rows are these
        last = int(con.execute("SELECT coalesce(max(rowid), -1) FROM cell_counts").fetchall()[0][0])
        for b in blocks:
            con.execute(
                """INSERT INTO cell_counts SELECT * FROM cell_counts
                   WHERE res = ? AND month >= ? AND month < ? AND rowid <= ? ORDER BY category, cell, month""",
                [b.res, date(b.year, 1, 1), date(b.year + 1, 1, 1), last],
            )
            con.execute(
                "DELETE FROM cell_counts WHERE res = ? AND month >= ? AND month < ? AND rowid <= ?",
                [b.res, date(b.year, 1, 1), date(b.year + 1, 1, 1), last],
            )
            if done is not None:
                done(b)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    try:
        con.execute("CHECKPOINT")  # drops the emptied row groups and merges the thinned ones
    except duckdb.TransactionException:  # a reader's transaction is open: the next checkpoint does it
        log.info("cell_counts rewritten; its emptied row groups are dropped at the next checkpoint")
    return blocks


def keep_layout(con: Connection, limit: float, partitions: list[str]) -> tuple[Block, ...]:
    """After a load that wrote these partitions: rewrite the blocks of their years that drifted past `limit` (0:
    never; the other years' blocks are as the last check left them, and are not read). The load has committed, so a
    failure here is logged and leaves cell_counts as the load left it (answers are the same either way)."""
    if limit <= 0 or not partitions:
        return ()
    marks = ", ".join("?" for _ in partitions)
    years = con.execute(
        f"SELECT DISTINCT year(month) FROM count_months WHERE partition_key IN ({marks}) ORDER BY 1",  # noqa: S608
        partitions,
    ).fetchall()
    try:
        return optimize(con, limit, years=tuple(int(y[0]) for y in years))
    except duckdb.Error as exc:
        log.warning("cell_counts not rewritten after the load (it answers the same, a little slower): %s", exc)
        return ()
