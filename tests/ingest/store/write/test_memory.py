"""A large file's commit runs under a share of the store's memory limit, which is put back exactly as given."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.store.connection import open_store
from ingest.store.write.memory import load_memory, restore_memory, size_bytes


def _limit(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])


@pytest.mark.parametrize(
    ("text", "size"),
    [("2GB", 2 * 10**9), ("1.5 GiB", 3 * 2**29), ("512MB", 512 * 10**6), ("10 kb", 10_000), ("lots", None)],
)
def test_sizes_read_as_duckdb_reads_them(text: str, size: int | None) -> None:
    assert size_bytes(text) == size


def test_the_limit_is_lowered_then_put_back(tmp_path: Path) -> None:
    con = open_store(tmp_path / "aim.duckdb", "1GB")
    before = _limit(con)
    with load_memory(con, 0.5):
        assert _limit(con) == "476.8 MiB"
        assert _limit(con.cursor()) == "476.8 MiB"  # one limit for the whole store
    assert _limit(con) == before
    with pytest.raises(RuntimeError), load_memory(con.cursor(), 0.5):  # a cursor finds its store's limit too
        assert _limit(con) == "476.8 MiB"
        raise RuntimeError("a failed load")
    assert _limit(con) == before
    con.close()


def test_a_store_opened_elsewhere_keeps_its_limit(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "other.duckdb"), config={"memory_limit": "1GB"})
    with load_memory(con):
        assert _limit(con) == "953.6 MiB"
    con.close()


def test_running_out_of_memory_under_the_lowered_limit_is_reported_as_itself(tmp_path: Path) -> None:
    con = open_store(tmp_path / "aim.duckdb", "64MB")
    before = _limit(con)
    con.execute("BEGIN")
    with pytest.raises(duckdb.OutOfMemoryException, match="Out of Memory"), load_memory(con, 0.5):
        con.execute("SELECT list(range) FROM range(20000000)").fetchall()  # a list is never spilled
    # the aborted transaction refused to put the limit back: the rollback's clean-up does
    con.execute("ROLLBACK")
    restore_memory(con)
    assert _limit(con) == before
    con.close()
