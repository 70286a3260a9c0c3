"""A load of many files checkpoints once, at the end: each file is kept from its own COMMIT (a process that dies
part-way leaves every file committed before it, replayed from the log), a file that fails leaves nothing, and the
store is checkpointed with DuckDB's threshold put back when the load ends."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingest.errors import FeedFileError
from ingest.store.connection import Connection, open_store
from ingest.store.write.checkpoints import checkpoint_at_end
from tests.conftest import load_police, new_store, police_file, write_csv

MONTHS = ("01", "02", "03")


def _incidents(con: Connection) -> int:
    return int(con.execute("SELECT count(*) FROM incidents").fetchall()[0][0])


def _threshold(con: Connection) -> str:
    return str(con.execute("SELECT current_setting('checkpoint_threshold')").fetchall()[0][0])


def _wal(store: Path) -> int:
    wal = store.with_name(store.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def test_files_are_kept_from_their_commit_and_checkpointed_once_at_the_end(tmp_path: Path) -> None:
    store, crashed = tmp_path / "aim.duckdb", tmp_path / "crashed.duckdb"
    con = new_store(store)
    con.execute("CHECKPOINT")
    default = _threshold(con)
    loaded, logged = [], []
    with checkpoint_at_end(con):
        assert _threshold(con) == "1.0 GiB"
        for month in MONTHS:
            loaded.append(load_police(con, police_file("cleveland", month)).loaded)
            logged.append(_wal(store))
            if month == "02":  # as if the process died here: the store file and its log as they are on disk
                shutil.copyfile(store, crashed)
                shutil.copyfile(store.with_name(store.name + ".wal"), crashed.with_name(crashed.name + ".wal"))
        with pytest.raises(FeedFileError):  # a file that fails keeps nothing, and the load goes on
            load_police(con, write_csv(tmp_path / "bad.csv", ["Crime ID,Month"]))
        assert _incidents(con) == sum(loaded)
    assert logged == sorted(logged) and logged[-1] > 16 * 2**20  # past DuckDB's threshold, and never checkpointed
    assert _threshold(con) == default
    assert _wal(store) == 0  # checkpointed once, at the end
    con.close()
    replayed = open_store(crashed)
    assert _incidents(replayed) == loaded[0] + loaded[1]  # both files committed before the crash, from the log
    replayed.close()


def test_a_load_that_fails_is_checkpointed_as_far_as_it_committed(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    con = new_store(store)
    default = _threshold(con)
    with pytest.raises(duckdb.Error), checkpoint_at_end(con):
        first = load_police(con, police_file("cleveland", "01")).loaded
        con.execute("SELECT error('a failure between files')")
    assert _threshold(con) == default and _wal(store) == 0
    assert _incidents(con) == first
    con.close()
