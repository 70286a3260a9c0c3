"""Published snapshots: readers move to a new one between requests, never during one; loads publish, failures don't."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.pipeline import run
from ingest.registry import resolve_feed
from ingest.store.connection import count, open_served_store
from ingest.store.snapshots import KEEP, POINTER, Snapshots, ensure_published, snapshot_folder, writer_lock, writing
from tests.conftest import new_store, police_file, write_csv

INCIDENTS = "SELECT count(*) FROM incidents"


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    """A closed store holding Cleveland's January, published once."""
    path = tmp_path / "aim.duckdb"
    con = new_store(path)
    run(resolve_feed("police"), police_file("cleveland", "01"), con)
    con.close()
    ensure_published(path, "1GB")
    return path


def _load(store: Path, month: str) -> None:
    with writing(store, lambda: open_served_store(store, "1GB")) as con:
        run(resolve_feed("police"), police_file("cleveland", month), con)


def test_a_request_finishes_on_its_snapshot_and_the_next_one_reads_the_new_one(store: Path) -> None:
    snapshots = Snapshots(store, "1GB")
    first = snapshots.snapshot()
    with snapshots.reading() as before:
        january = count(before, INCIDENTS)
        _load(store, "02")
        assert count(before, INCIDENTS) == january  # the request started before the load sees none of it
        with snapshots.reading() as after:
            assert count(after, INCIDENTS) > january
        assert snapshots.snapshot() != first and snapshots.version() > int(first.split("-v")[1][:-7])
        assert count(before, INCIDENTS) == january
    with pytest.raises(Exception, match="closed"):  # the old snapshot closed when its last request ended
        count(before, INCIDENTS)
    snapshots.close()


def test_a_failed_load_publishes_nothing_and_old_snapshots_are_deleted(store: Path, tmp_path: Path) -> None:
    folder = snapshot_folder(store)
    current = (folder / POINTER).read_text()
    broken = write_csv(tmp_path / "broken.csv", ["Crime ID,Month", "1,2025-01"])
    with pytest.raises(IngestError), writing(store, lambda: open_served_store(store, "1GB")) as con:
        run(resolve_feed("police"), broken, con)
    assert (folder / POINTER).read_text() == current and len(list(folder.glob("*.duckdb"))) == 1
    for month in ("02", "03", "04"):
        _load(store, month)
    published = sorted(p.name for p in folder.glob("*.duckdb"))
    assert len(published) == KEEP and published[-1] == (folder / POINTER).read_text()
    assert published[-1].startswith("00000004-") and not list(folder.glob(".*partial"))


def test_a_reader_keeps_its_snapshot_when_current_names_one_already_gone(store: Path) -> None:
    snapshots = Snapshots(store, "1GB")
    with snapshots.reading() as con:
        held = count(con, INCIDENTS)
    (snapshot_folder(store) / POINTER).write_text("00000099-v9.duckdb")
    with snapshots.reading() as con:
        assert count(con, INCIDENTS) == held
    snapshots.close()


def test_one_writer_at_a_time(store: Path) -> None:
    order: list[str] = []

    def second() -> None:
        with writer_lock(store):
            order.append("second")

    with writer_lock(store):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        order.append("first")
    thread.join()
    assert order == ["first", "second"]


def test_readers_run_on_the_threads_given(store: Path) -> None:
    snapshots = Snapshots(store, "1GB", threads=1)
    with snapshots.reading() as con:
        assert con.execute("SELECT current_setting('threads')").fetchall() == [(1,)]
    snapshots.close()
