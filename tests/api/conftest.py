"""An app over the session's real-data store; an access database that cannot be written, and a disk that fills."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from ingest.delivery import DeliveryOptions, load_delivery
from ingest.registry import MOVEMENT
from ingest.store.connection import open_served_store
from tests.conftest import sign_in

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "delivery"  # the demo's sample patrols, as shipped


@pytest.fixture(scope="session")
def client(cleveland_store: Path) -> Iterator[TestClient]:
    """A test client for create_app over the Cleveland + Nottinghamshire store, signed in as an analyst (no basemap:
    printed plans fetch no tiles)."""
    with TestClient(create_app(Settings(store=cleveland_store, tile_url="none"))) as c:
        sign_in(c)
        yield c


class SqliteWrites:
    """Every SQLite file this process opens refuses writes with SQLite's own error (PRAGMA query_only) while
    blocked: an access database that can be read but not written, as on a read-only file system."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self._real = sqlite3.connect

    def block(self) -> None:
        real = self._real

        def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            con = real(*args, **kwargs)
            con.execute("PRAGMA query_only = ON")
            return con

        self._monkeypatch.setattr(sqlite3, "connect", connect)

    def allow(self) -> None:
        self._monkeypatch.setattr(sqlite3, "connect", self._real)


@pytest.fixture()
def sqlite_writes(monkeypatch: pytest.MonkeyPatch) -> SqliteWrites:
    """Switch SQLite writes off and on again (on at the end of the test whatever happens)."""
    return SqliteWrites(monkeypatch)


class SmallDisk:
    """A small tmpfs file system that can be filled to the last byte, and emptied again."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._filler = root / "filler"

    def fill(self) -> None:
        """Write a file until the file system says it is full (ENOSPC)."""
        with self._filler.open("ab", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == 28, exc  # No space left on device
        with self._filler.open("ab", buffering=0) as fh:  # the last few bytes too
            try:
                while True:
                    fh.write(b"\0")
            except OSError:
                pass

    def free(self) -> None:
        """Delete the filler."""
        self._filler.unlink(missing_ok=True)


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 1 MB tmpfs mounted for the test (needs root on Linux, and the right to mount: skipped otherwise)."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root on Linux")
    root = tmp_path / "small-disk"
    root.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(root)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield SmallDisk(root)
    finally:
        subprocess.run(["umount", "-l", str(root)], check=False)


def with_demo_problems(demo_store: Path, folder: Path) -> Path:
    """A copy of the demo store in `folder` with the demo's two Cleveland problems opened in the tasking database
    beside it (as `aim demo` leaves it; tokens go in that database too); the copy's path."""
    from api.database.tasking import TaskingStore
    from api.services.tasking_demo import open_demo_problems
    from ingest.store.connection import open_served_store

    store = folder / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    con = open_served_store(store, "1GB")
    tasking = TaskingStore.open(Settings(store=store).tasking_url())
    try:
        assert len(open_demo_problems(con, tasking)) == 2
    finally:
        tasking.close()
        con.close()
    return store


@pytest.fixture(scope="session")
def pack_demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo store with the demo's two Cleveland problems opened (with_demo_problems)."""
    return with_demo_problems(demo_store, tmp_path_factory.mktemp("pack"))


@pytest.fixture(scope="session")
def delivered_store(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo store with the shipped sample patrols loaded as the police's delivery."""
    store = tmp_path_factory.mktemp("delivery") / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    files = [(s, p) for s in MOVEMENT.values() for p in s.files([SAMPLES])]
    assert len(files) == 3
    con = open_served_store(store, "1GB")
    try:
        report = load_delivery(con, files, "police", DeliveryOptions())
    finally:
        con.close()
    assert report.quarantined == 0 and report.compliant_visits > 0
    return store
