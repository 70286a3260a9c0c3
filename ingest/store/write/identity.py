"""Incident identity: a stable id from source and reference (or content and ordinal), and the placed insert."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ingest.schema import SERVED_RES
from ingest.store.connection import Connection

# What identifies an incident: its source reference where the source gives one, else its content.
CONTENT_COLUMNS = ("lon", "lat", "location_text", "lsoa_code", "source_category")
INCIDENT_COLUMNS = (
    "incident_id, source, partition_key, source_ref, line, month, category, source_category, lon, lat, "
    "location_precision, location_text, lsoa_code, lsoa_name, lad_code, reported_by, outcome, h3_cell, place_cell, "
    "run_id, occurred_at, feed, ward_code, duplicate_of, " + ", ".join(f"cell_{r}" for r in SERVED_RES)
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
    return _Grouped(keys).ordinals()


class _Grouped:
    """A batch's keys sorted once: the distinct keys (sorted), how many rows each has, and each row's group."""

    def __init__(self, keys: np.ndarray) -> None:
        self.order = np.argsort(keys, kind="stable")
        ordered = keys[self.order]
        starts = np.ones(len(keys), dtype=bool)
        starts[1:] = ordered[1:] != ordered[:-1]
        self.first = np.flatnonzero(starts)  # sorted position of each distinct key's first row
        self.distinct = ordered[self.first]
        self.group = np.cumsum(starts) - 1  # each sorted row's distinct key
        self.counts = np.diff(np.append(self.first, len(keys))).astype(np.int32)

    def ordinals(self, before: np.ndarray | None = None) -> np.ndarray:
        """Each row's ordinal (in row order), after `before[k]` rows of distinct key k met earlier."""
        sorted_ordinals = np.arange(len(self.order), dtype=np.int64) - self.first[self.group] + 1
        if before is not None:
            sorted_ordinals += before[self.group]
        ordinals = np.empty(len(self.order), dtype=np.int64)
        ordinals[self.order] = sorted_ordinals
        return ordinals


class RunningOrdinals:
    """Each identity key's count so far across a file's batches, so ordinals run on from batch to batch.

    Holds the distinct keys seen (12 bytes each) as a few sorted runs, merged as they grow (no per-row Python); a
    batch looks up its distinct keys only, in sorted order (a national file's keys are nearly all distinct, and
    looking each row up unsorted in runs of millions was a tenth of its load).
    """

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted distinct keys, their counts so far)

    def next(self, keys: np.ndarray) -> np.ndarray:
        """1-based ordinals of a batch's keys (in row order) among every key seen in this and earlier batches."""
        if len(keys) == 0:
            return np.empty(0, dtype=np.int64)
        grouped = _Grouped(keys)
        before = np.zeros(len(grouped.distinct), dtype=np.int64)
        for known, counts in self.runs:
            at = np.minimum(np.searchsorted(known, grouped.distinct), len(known) - 1)
            hit = known[at] == grouped.distinct
            before[hit] += counts[at[hit]]
        ordinals = grouped.ordinals(before)
        self._push(grouped.distinct, grouped.counts)
        return ordinals

    def _push(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self.runs.append((keys, counts))
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            small, big = self.runs.pop(), self.runs.pop()
            self.runs.append(_merged(big, small))


def _merged(big: tuple[np.ndarray, np.ndarray], small: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two runs as one: the small run's keys found in the big one add their counts to it (in place: the runs are
    discarded), the others are inserted where they sort (memory: the big run twice, not a sort of both)."""
    (big_keys, big_counts), (small_keys, small_counts) = big, small
    at = np.searchsorted(big_keys, small_keys)
    hit = at < len(big_keys)
    hit[hit] = big_keys[at[hit]] == small_keys[hit]
    big_counts[at[hit]] += small_counts[hit]
    new = ~hit
    return np.insert(big_keys, at[new], small_keys[new]), np.insert(big_counts, at[new], small_counts[new])


def identity_keys(con: Connection, batch: pa.Table) -> np.ndarray:
    """A 64-bit hash of each row's identity columns, in row order (rows of one identity share it)."""
    staging_batch = batch  # noqa: F841 - read by name in the query (a scan: no view for the transaction to keep)
    got = con.execute(f"SELECT line, {IDENTITY_HASH} AS h FROM staging_batch").fetchnumpy()  # noqa: S608 (fixed)
    lines, keys = np.asarray(got["line"]), np.asarray(got["h"], dtype=np.uint64)
    if len(lines) > 1 and not (np.diff(lines) > 0).all():  # the scan did not keep the batch's order
        keys = keys[np.argsort(lines, kind="stable")]
    return keys


def insert_incidents(con: Connection, run_id: int, rows: pa.Table | None = None) -> None:
    """Insert the rows (with their ordinals and placements) of `rows`, or else of the view `staging_ordered`, in the
    partitions of `_write`, with their ids.

    The ordinal makes identical rows (police.uk ASB rows at one map point in one month) distinct and stable; the id
    is the MD5 (as a 128-bit integer) of the identity text and the ordinal.
    """
    held_rows = rows  # noqa: F841 - read by name in the query (a scan: no view for the transaction to keep)
    source = "staging_ordered" if rows is None else "held_rows"
    con.execute(
        f"""INSERT INTO incidents ({INCIDENT_COLUMNS})
            SELECT md5_number({IDENTITY} || '|' || s.ordinal),
                   s.source, s.partition_key, s.source_ref, s.line, s.month, s.category, s.source_category,
                   s.lon, s.lat, s.location_precision, s.location_text, s.lsoa_code, s.lsoa_name,
                   s.lad_code, s.reported_by, s.outcome, s.h3_cell, s.place_cell, ?,
                   s.occurred_at, s.feed, s.ward_code, NULL, {", ".join(f"s.cell_{r}" for r in SERVED_RES)}
            FROM {source} s SEMI JOIN _write w ON w.partition_key = s.partition_key""",  # noqa: S608 (fixed fragments)
        [run_id],
    )
