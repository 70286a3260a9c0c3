"""A file loads the same whether it is written to the store in one batch or in many (bounded memory)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from ingest.pipeline import IngestOptions
from ingest.store.connection import Connection
from tests.conftest import load_police, new_store, police_file, write_csv
from tests.ingest.test_identity_golden import GOLDEN, PLACED, digest


def _with_bad_rows(path: Path) -> Path:
    """Cleveland 2025-01 with rows spoilt throughout the file (bad month, outside the UK, not a number, swapped)."""
    with gzip.open(police_file("cleveland", "01"), "rt") as fh:
        lines = fh.read().splitlines()
    for n, line in enumerate(lines[1:], start=1):
        fields = line.split(",")
        if len(fields) != 12 or n % 400:
            continue
        kind = (n // 400) % 4
        if kind == 0:
            fields[1] = "2025-13"
        elif kind == 1:
            fields[4], fields[5] = "-20.5", "40.1"
        elif kind == 2:
            fields[4] = "west"
        else:
            fields[4], fields[5] = fields[5], fields[4]
        lines[n] = ",".join(fields)
    return write_csv(path, lines)


def _state(con: Connection) -> tuple[object, ...]:
    """Everything a load leaves that batching could change: ids and placement, counts, quarantine, the run log."""
    return (
        digest(con, PLACED),
        con.execute("SELECT * FROM incident_counts ORDER BY ALL").fetchall(),
        con.execute("SELECT line, raw, reason, month FROM quarantine ORDER BY line").fetchall(),
        con.execute("SELECT partition_key, row_count FROM partitions ORDER BY 1").fetchall(),
        con.execute("SELECT rows_read, loaded, quarantined FROM ingest_runs").fetchall(),
    )


@pytest.mark.bulk
# 50 and 700 spill the file's rows to disk; 2,500 and 6,000 keep their three and two batches in memory
@pytest.mark.parametrize("batch_rows", [50, 700, 2500, 6000])
def test_a_file_loads_identically_in_one_batch_or_many(tmp_path: Path, batch_rows: int) -> None:
    path = _with_bad_rows(tmp_path / "2025-01-cleveland-street.csv")
    whole, parts = new_store(tmp_path / "whole.duckdb"), new_store(tmp_path / "parts.duckdb")
    one = load_police(whole, path)
    many = load_police(parts, path, IngestOptions(batch_rows=batch_rows))
    assert one.quarantined > 10 and one.loaded + one.quarantined == one.rows_read
    assert (many.loaded, many.quarantined, many.distinct_points) == (one.loaded, one.quarantined, one.distinct_points)
    assert many.reasons == one.reasons
    assert _state(parts) == _state(whole)


def test_many_batches_give_the_frozen_ids_of_a_real_file(tmp_path: Path) -> None:
    rows, ids, placed, _ = GOLDEN[("cleveland", "01")]
    con = new_store(tmp_path / "aim.duckdb")
    assert load_police(con, police_file("cleveland", "01"), IngestOptions(batch_rows=333)).loaded == rows
    assert digest(con, "incident_id") == ids
    assert digest(con, PLACED) == placed


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_rows"):
        IngestOptions(batch_rows=0)
