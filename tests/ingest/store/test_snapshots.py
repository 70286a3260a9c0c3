"""Published snapshots: readers move to a new one between requests, never during one; loads publish, failures don't."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from ingest.errors import IngestError
from ingest.pipeline import run
from ingest.registry import resolve_feed
from ingest.store.connection import count, open_served_store
from ingest.store.faults import StoreFull
from ingest.store.snapshots import (
    BUSY,
    KEEP,
    POINTER,
    Snapshots,
    changed_outside,
    ensure_published,
    follow_outside_changes,
    snapshot_folder,
    writer_lock,
    writing,
)
from tests.conftest import new_store, police_file, three_forces_file, write_csv
from tests.disk import fill, small_disk

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


HOLDER = """
import sys
from pathlib import Path
from ingest.pipeline import run
from ingest.registry import resolve_feed
from ingest.store.connection import open_served_store
from tests.conftest import police_file
con = open_served_store(Path(sys.argv[1]), "1GB")  # no writer lock, nothing published
run(resolve_feed("police"), police_file("cleveland", "02"), con)
print("loaded", flush=True)
sys.stdin.readline()  # held open read-write until told
con.close()
"""


def test_a_store_changed_outside_the_group_is_published_or_reported_stale(store: Path) -> None:
    snapshots = Snapshots(store, "1GB")
    with snapshots.reading() as cursor:
        january = count(cursor, INCIDENTS)
    assert snapshots.check().status == "ok" and not changed_outside(store)
    root = Path(__file__).parents[3]
    command = [sys.executable, "-c", HOLDER, str(store)]
    with subprocess.Popen(command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as outside:
        assert outside.stdout is not None and outside.stdin is not None
        assert outside.stdout.readline().strip() == "loaded"
        stale = snapshots.check()  # held open read-write by another process: it cannot be published, and says so
        assert stale.status == "stale" and stale.summary and "cannot be now" in str(stale.detail)
        with snapshots.reading() as cursor:
            assert count(cursor, INCIDENTS) == january  # served as last published, and reported as such
        outside.stdin.write("\n")
        outside.stdin.flush()
        assert outside.wait(120) == 0
    assert snapshots.check().status == "ok" and not changed_outside(store)
    with snapshots.reading() as cursor:
        assert count(cursor, INCIDENTS) > january
    published = snapshots.snapshot()
    _load(store, "03")  # a load of the group after it publishes once, as before
    assert snapshots.check().status == "ok" and snapshots.snapshot() > published
    snapshots.close()


def test_a_failed_load_of_the_group_is_not_taken_for_a_change_outside_it(store: Path, tmp_path: Path) -> None:
    current = (snapshot_folder(store) / POINTER).read_text()
    broken = write_csv(tmp_path / "broken.csv", ["Crime ID,Month", "1,2025-01"])
    with pytest.raises(IngestError), writing(store, lambda: open_served_store(store, "1GB")) as con:
        run(resolve_feed("police"), broken, con)
    assert not changed_outside(store) and follow_outside_changes(store, "1GB") is None
    with writer_lock(store):  # a writer at work: not looked at now
        assert follow_outside_changes(store, "1GB") == BUSY
    assert (snapshot_folder(store) / POINTER).read_text() == current


@pytest.mark.bulk  # 88,000 rows
@pytest.mark.parametrize(
    ("headroom_mb", "kept"),
    [(2, 0), (8, 0), (40, 87952)],  # refused; refused; loaded, then the copy into a snapshot fails
)
def test_a_full_disk_under_a_served_group_keeps_what_is_served_and_publishes_once_there_is_room(
    store: Path, tmp_path: Path, headroom_mb: int, kept: int
) -> None:
    with small_disk(tmp_path / "disk", "128m") as disk:  # once freed, room for the store and a copy of it
        served = disk / "aim.duckdb"
        shutil.copyfile(store, served)
        ensure_published(served, "1GB")
        snapshots = Snapshots(served, "1GB")
        with snapshots.reading() as cursor:
            january = count(cursor, INCIDENTS)
        upload = three_forces_file(tmp_path / "three-forces.csv.gz")
        filler = fill(disk, headroom_mb * 1024 * 1024)
        try:
            with snapshots.writing() as con:
                loaded = run(resolve_feed("police"), upload, con).loaded
        except StoreFull:
            loaded = 0  # refused: nothing kept
        with snapshots.reading() as cursor:
            assert count(cursor, INCIDENTS) in (january, january + loaded)  # what was published, never half
        assert loaded == kept
        assert snapshots.check().status == "stale"  # the store holds what is not served yet (if only a failed load's
        # blocks) and cannot be published while the disk is full; served as it was, and said to be
        filler.unlink()
        assert snapshots.check().status == "ok"  # published now, if it was not
        with snapshots.reading() as cursor:
            assert count(cursor, INCIDENTS) == january + loaded
        snapshots.close()
        check = duckdb.connect(str(served), read_only=True)  # the store itself holds the same
        assert count(check, INCIDENTS) == january + loaded
        check.close()
