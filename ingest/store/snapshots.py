"""Published snapshots of a store: one writer, any number of reading processes, every load atomic for each of them.

DuckDB lets one process open a file read-write, or many open it read-only, never both. So a store served by several
processes is read from snapshots: after every committed load the writer checkpoints the store, copies the file
into `<store>.snapshots/` and points `CURRENT` at the copy with an atomic rename. A reader checks `CURRENT` (one
stat) when a request starts and opens the new snapshot read-only for new requests; requests already running finish
on the snapshot they started on, which is closed when the last of them ends. A reader therefore sees the store as it
was before a load or after it, never part of one.

Loads take an exclusive OS lock on `<store>.lock` (one writer at a time across every process of every server on the
machine), open the store read-write for the load only, then publish. Snapshots other than the newest `KEEP` are
deleted when a new one is published: a reader still holding one keeps it open (POSIX keeps a deleted file's data
while it is open), and a reader that races a deletion reads `CURRENT` again.

A change made outside this protocol (a tool writing the store without the writer lock, or without publishing) is
noticed: `publish` records the store file as it was published (`SEEN`: its size and modification time), and every
reading process checks it every `WATCH_SECONDS` under the writer lock (skipped while a writer works). A store changed
since is published then; one that cannot be (another process holds it open read-write) is reported `stale` until it
can. A second `aim serve` of a served store is refused (ingest.store.serving), so loads through the API always
publish.

More machines: readers on other machines open the same published files (a shared or replicated folder: copy a
snapshot, then `CURRENT`, so the pointer never names a file not there yet), or the Parquet layout of the store; one
machine loads. There is no distributed layer of our own.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.errors import StoreError
from ingest.store.connection import Connection, open_served_store, run_version, store_config
from ingest.store.faults import StoreFull, StoreHealth, disk_full, now_iso
from ingest.store.memo import Memo, remembering

log = logging.getLogger("aim.store")
POINTER = "CURRENT"
SEEN = "SEEN"  # the store file as last published or written by the group: "<size> <mtime_ns>"
WATCH_SECONDS = 2.0  # how often each reading process looks for a change made outside the group
KEEP = 3  # snapshots kept: the newest and the two before it (a reader may be opening one just replaced)


def snapshot_folder(store: Path) -> Path:
    """Where a store's snapshots are published."""
    return store.with_name(f"{store.name}.snapshots")


def _published(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.duckdb"))


def publish(store: Path) -> Path:
    """Copy the (closed, checkpointed) store into a new snapshot, check it opens, point CURRENT at it; the writer
    lock must be held. Returns the snapshot's path."""
    folder = snapshot_folder(store)
    folder.mkdir(exist_ok=True)
    done = _published(folder)
    sequence = int(done[-1].name.split("-", 1)[0]) + 1 if done else 1
    partial = folder / f".{sequence:08d}.partial"
    try:
        shutil.copyfile(store, partial)
        with duckdb.connect(str(partial), read_only=True) as check:
            version = run_version(check)
    except BaseException:
        partial.unlink(missing_ok=True)  # a full disk: nothing half-copied is left behind
        raise
    target = folder / f"{sequence:08d}-v{version}.duckdb"
    os.replace(partial, target)
    pointer = folder / f".{POINTER}.partial"
    pointer.write_text(target.name)
    os.replace(pointer, folder / POINTER)
    remember(store)
    for old in _published(folder)[:-KEEP]:
        old.unlink(missing_ok=True)
    return target


@contextmanager
def writer_lock(store: Path) -> Iterator[None]:
    """The exclusive OS lock every writer of this store takes (released on exit, or when the process dies)."""
    with store.with_name(f"{store.name}.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def writer_lock_if_free(store: Path) -> Iterator[bool]:
    """The writer lock when no other writer holds it (True), else nothing (False) without waiting."""
    with store.with_name(f"{store.name}.lock").open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fingerprint(store: Path) -> str:
    stat = store.stat()
    return f"{stat.st_size} {stat.st_mtime_ns}"


def remember(store: Path) -> None:
    """Record the store file as the group leaves it (after a publish, or a write that needed none); the writer lock
    must be held."""
    seen = snapshot_folder(store) / SEEN
    partial = seen.with_name(f".{SEEN}.partial")
    try:
        partial.write_text(_fingerprint(store))
        os.replace(partial, seen)
    except OSError as exc:  # a full disk: at worst the store is published once more when the watch sees it
        partial.unlink(missing_ok=True)
        log.warning("%s: not recorded as published (%s)", store, exc)


def changed_outside(store: Path) -> bool:
    """Whether the store differs from what the group last published or wrote (a write-ahead log left beside it, or
    its size or modification time changed); the writer lock must be held."""
    folder = snapshot_folder(store)
    wal = store.with_name(f"{store.name}.wal")
    try:
        seen = (folder / SEEN).read_text().strip()
    except FileNotFoundError:
        return True
    pending = wal.exists() and wal.stat().st_size > 0
    return pending or not (folder / POINTER).exists() or _fingerprint(store) != seen


def _publish_as_it_is(store: Path, memory_limit: str) -> None:
    """Open the store (a write-ahead log left by a process that died is replayed into it), checkpoint it, publish it;
    the writer lock must be held."""
    con = open_served_store(store, memory_limit)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    publish(store)


def ensure_published(store: Path, memory_limit: str) -> None:
    """Publish the store unless its newest snapshot holds it as it is (the store migrated and checkpointed first)."""
    with writer_lock(store):
        if changed_outside(store):
            _publish_as_it_is(store, memory_limit)


BUSY = "busy"  # follow_outside_changes: a writer of the group is at work (it publishes); not looked at now


def follow_outside_changes(store: Path, memory_limit: str) -> str | None:
    """Publish the store when it was changed outside the group: None when the snapshots hold it as it is (now), BUSY
    when a writer of the group is at work, else why it could not be published (it stays stale)."""
    with writer_lock_if_free(store) as free:
        if not free:
            return BUSY
        if not changed_outside(store):
            return None
        try:
            _publish_as_it_is(store, memory_limit)
        except (StoreError, duckdb.Error, OSError) as exc:
            return f"changed and not yet published to this serving group's workers, and cannot be now: {exc}"
        log.warning("%s held a change its serving group did not serve: published", store)
        return None


@contextmanager
def writing(store: Path, opener: Callable[[], Connection], every: bool = False) -> Iterator[Connection]:
    """The store, opened read-write by `opener`, for one change under the writer lock. When the store has published
    snapshots, a change is published as a new one: every change (`every`), else one that added a load (a failed or
    dry-run load changes nothing and publishes nothing)."""
    with writer_lock(store):
        served = (snapshot_folder(store) / POINTER).exists()
        outside = served and changed_outside(store)  # published with this change, whatever it does
        con = opener()
        changed = False
        try:
            before = run_version(con)
            try:
                yield con
            except Exception as exc:
                if disk_full(exc):
                    raise StoreFull(StoreFull.public) from exc
                raise
            changed = every or outside or run_version(con) != before
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            if not changed:
                raise
            log.error("%s: a change made but not checkpointed (published once it can be): %s", store, exc)
            served = False  # the readers' watch publishes it (its write-ahead log is left beside it)
        finally:
            with suppress(duckdb.Error):
                con.close()
            if served and not changed and not outside:
                remember(store)  # what this writer left is what is published (a failed load kept nothing)
        if changed and served:
            try:
                publish(store)
            except OSError as exc:  # a full disk: the readers' watch publishes it once there is room
                log.error("%s: a change made but not published (published once it can be): %s", store, exc)


@dataclass
class _Held:
    """One open snapshot and how many requests are reading it."""

    name: str
    con: Connection
    readers: int = 0
    retired: bool = False
    memo: Memo = field(default_factory=Memo)  # a snapshot never changes: its facts are read once


class Snapshots:
    """A reading process's view of a store's published snapshots: each request reads the newest when it starts."""

    def __init__(self, store: Path, memory_limit: str, threads: int = 0) -> None:
        self.store = store
        self.memory_limit = memory_limit
        self.folder = snapshot_folder(store)
        self._pointer = self.folder / POINTER
        self._config = store_config(memory_limit, threads)
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._held: _Held | None = None
        with self._lock:
            self._refresh()
        self._stale: StoreHealth | None = None  # changed outside the group and not yet published
        self._following = threading.Lock()  # one look at a time in this process (the watch, or /healthz after it)
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="aim-store-watch", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        """Every WATCH_SECONDS: publish the store if it was changed outside the group, or record why it cannot be."""
        while not self._stop.wait(WATCH_SECONDS):
            self.follow()

    def follow(self) -> StoreHealth | None:
        """Look for a change made outside the group now (published when it can be); the stale state, or None."""
        with self._following:
            why = follow_outside_changes(self.store, self.memory_limit)
        with self._lock:
            if why == BUSY:
                return self._stale  # as last seen
            if why is None:
                self._stale = None
            elif self._stale is None:
                log.error("%s %s", self.store, why)
                self._stale = StoreHealth("stale", why, now_iso())
            return self._stale

    def _refresh(self) -> _Held:
        """The newest snapshot, opened if CURRENT changed since last seen (the lock is held)."""
        for _ in range(5):
            try:
                stat = self._pointer.stat()
                seen = (stat.st_ino, stat.st_mtime_ns)
                if self._held is not None and seen == self._seen:
                    return self._held
                name = self._pointer.read_text().strip()
                if self._held is not None and name == self._held.name:
                    self._seen = seen
                    return self._held
                con = duckdb.connect(str(self.folder / name), read_only=True, config=self._config)
            except (FileNotFoundError, duckdb.IOException):
                continue  # a snapshot replaced and deleted between reading CURRENT and opening it: read it again
            old, self._held, self._seen = self._held, _Held(name, con), seen
            if old is not None:
                old.retired = True
                if old.readers == 0:
                    old.con.close()
            return self._held
        if self._held is None:
            raise StoreError(f"no published snapshot in {self.folder}")
        return self._held

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A cursor on the newest snapshot for one request; the snapshot stays open until the request ends."""
        with self._lock:
            held = self._refresh()
            held.readers += 1
        cursor = held.con.cursor()
        try:
            with remembering(cursor, held.memo):
                yield cursor
        finally:
            cursor.close()
            with self._lock:
                held.readers -= 1
                if held.retired and held.readers == 0:
                    held.con.close()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """The store, read-write, for one load (one writer across processes); published when the load changed it."""
        with writing(self.store, lambda: open_served_store(self.store, self.memory_limit)) as con:
            yield con

    def check(self) -> StoreHealth:
        """The state of the store this process serves: a change made outside the group looked for (and published)
        now, then a query of the newest snapshot."""
        self.follow()
        try:
            with self.reading() as cursor:
                run_version(cursor)
        except (StoreError, duckdb.Error) as exc:
            return StoreHealth("unavailable", str(exc), now_iso())
        with self._lock:
            return self._stale or StoreHealth("ok")

    def snapshot(self) -> str:
        """The name of the snapshot new requests read."""
        with self._lock:
            return self._refresh().name

    def version(self) -> int:
        """The store version of the snapshot new requests read (its name ends -v<version>.duckdb)."""
        return int(self.snapshot().rsplit("-v", 1)[1].split(".", 1)[0])

    def close(self) -> None:
        """Close the snapshot held (requests still reading it close it as they end)."""
        self._stop.set()
        with self._lock:
            if self._held is not None:
                self._held.retired = True
                if self._held.readers == 0:
                    self._held.con.close()
                self._held = None
