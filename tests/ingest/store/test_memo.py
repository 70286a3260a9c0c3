"""Facts about a served store read once per version of its contents: kept between a served store's requests,
forgotten when a load starts and ends, never kept while one runs, and never used outside a served store's cursors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import run
from ingest.registry import resolve_feed
from ingest.store import read
from ingest.store.connection import HeldStore
from ingest.store.memo import MAX_FACTS, Memo, per_version, remembering
from ingest.store.snapshots import Snapshots, ensure_published
from tests.conftest import new_store, police_file


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    """A closed store holding Cleveland's January."""
    path = tmp_path / "aim.duckdb"
    con = new_store(path)
    run(resolve_feed("police"), police_file("cleveland", "01"), con)
    con.close()
    return path


class Counted:
    """A stand-in cursor for the memo's own rules: its reads are counted."""

    def __init__(self) -> None:
        self.reads = 0


@per_version
def _fact(con: Counted, name: str) -> list[str]:
    con.reads += 1
    return [name, str(con.reads)]


def test_a_fact_is_read_once_per_generation_and_only_on_a_registered_cursor() -> None:
    memo, cursor = Memo(), Counted()
    assert _fact(cursor, "a") == ["a", "1"] and _fact(cursor, "a") == ["a", "2"]  # not registered: read each time
    with remembering(cursor, memo):  # type: ignore[arg-type]
        first = _fact(cursor, "a")
        first.append("changed by the caller")
        assert _fact(cursor, "a") == ["a", "3"]  # kept, and a copy: the caller's change is not in it
        assert _fact(cursor, "b") == ["b", "4"]  # another argument: another fact
        memo.changed()
        assert _fact(cursor, "a") == ["a", "5"]  # a cursor of the old generation reads again, and keeps nothing
        assert _fact(cursor, "a") == ["a", "6"]
    with remembering(cursor, memo):  # type: ignore[arg-type]
        assert _fact(cursor, "a") == ["a", "7"] and _fact(cursor, "a") == ["a", "7"]
    assert _fact(cursor, "a") == ["a", "8"]  # after the request: read as before


def test_nothing_is_kept_while_a_load_runs_and_everything_is_forgotten_after_it() -> None:
    memo, reader = Memo(), Counted()
    with remembering(reader, memo):  # type: ignore[arg-type]
        assert _fact(reader, "a") == ["a", "1"] and _fact(reader, "a") == ["a", "1"]
        with memo.loading():
            during = Counted()
            with remembering(during, memo):  # type: ignore[arg-type]
                assert _fact(during, "a") == ["a", "1"] and _fact(during, "a") == ["a", "2"]
            assert _fact(reader, "a") == ["a", "2"]  # began before the load: reads again
        assert _fact(reader, "a") == ["a", "3"]
    with remembering(reader, memo):  # type: ignore[arg-type]
        assert _fact(reader, "a") == ["a", "4"] and _fact(reader, "a") == ["a", "4"]


def test_the_memo_is_bounded_whatever_is_asked() -> None:
    memo, cursor = Memo(), Counted()
    with remembering(cursor, memo):  # type: ignore[arg-type]
        for i in range(MAX_FACTS + 10):
            _fact(cursor, f"name {i}")
        assert len(memo._values) <= MAX_FACTS


def test_a_held_store_serves_facts_of_the_contents_each_request_reads(store: Path) -> None:
    held = HeldStore(store)
    with held.reading() as cursor:
        january = read.month_extent(cursor)
        assert read.source_extents(cursor) == {"police": january}
    with held.writing() as cursor:
        run(resolve_feed("police"), police_file("cleveland", "02"), cursor)
    with held.reading() as cursor:
        first, last = read.month_extent(cursor)
        assert first == january[0] and last is not None and january[1] is not None and last > january[1]
        assert read.store_version(cursor) == held.version()
    held.close()


def test_each_published_snapshot_keeps_its_own_facts(store: Path) -> None:
    ensure_published(store, "1GB")
    snapshots = Snapshots(store, "1GB")
    with snapshots.reading() as cursor:
        january = read.month_extent(cursor)
        version = read.store_version(cursor)
    with snapshots.writing() as con:
        run(resolve_feed("police"), police_file("cleveland", "02"), con)
    with snapshots.reading() as cursor:
        assert read.month_extent(cursor)[1] > january[1]  # type: ignore[operator]
        assert read.store_version(cursor) > version
    snapshots.close()
