"""Open an AIM store (a DuckDB file) and bring its schema up to date."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.errors import StoreError, StoreHeldError
from ingest.store.faults import StoreFull, StoreHealth, StoreUnavailable, disk_full, invalidates, now_iso
from ingest.store.keys import store_secret
from ingest.store.memo import Memo, remembering

log = logging.getLogger("aim.store")

Connection = duckdb.DuckDBPyConnection


def scalar(con: Connection, sql: str, params: list[object] | None = None) -> object:
    """The first column of the first row of a query (None when there is no row)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def arrow(con: Connection, sql: str, params: list[object] | None = None) -> pa.Table:
    """A query's result as an Arrow table."""
    return con.sql(sql, params=params or None).to_arrow_table()


def count(con: Connection, sql: str, params: list[object] | None = None) -> int:
    """An integer-valued query (a count or an id); 0 when it returns nothing."""
    value = scalar(con, sql, params)
    return int(value) if isinstance(value, int) else 0


def run_version(con: Connection) -> int:
    """The store's version: its latest ingest run (every load adds one)."""
    return count(con, "SELECT coalesce(max(run_id), 0) FROM ingest_runs")


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("ingest.store") / "migrations"
    found = [(int(f.name.split("_", 1)[0]), f.read_text()) for f in folder.iterdir() if f.name.endswith(".sql")]
    return sorted(found)


def _version(con: Connection) -> int:
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return count(con, "SELECT coalesce(max(version), 0) FROM schema_version") if "schema_version" in tables else 0


def _filled_after() -> dict[int, Callable[[Connection], None]]:
    """Migrations whose new table is filled afterwards a part at a time (too large for one transaction at national
    scale); imported here, as the writers import this module."""
    from ingest.store.write.cell_counts import fill_cell_counts

    return {10: fill_cell_counts}


def _migrate(con: Connection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    current = _version(con)
    filled_after = _filled_after()
    for version, sql in _migrations():
        if version > current:
            con.execute("BEGIN")
            con.execute(sql)
            if version in filled_after:  # filled in bounded transactions of its own, the version recorded last
                con.execute("COMMIT")
                filled_after[version](con)
                con.execute("BEGIN")
            con.execute("INSERT INTO schema_version VALUES (?)", [version])
            con.execute("COMMIT")
    store_secret(con)  # drawn once per store; rows written before it existed are re-keyed


# DuckDB keeps memory it freed for reuse; past these it hands it back after a task, so a server that has loaded a
# large file does not stay at its peak (loading 1,000,000 rows left 950 MB resident without them, 550 MB with them)
ALLOCATOR = {"allocator_flush_threshold": "64MB", "allocator_bulk_deallocation_flush_threshold": "64MB"}


_LIMITS: dict[str, str] = {}  # the memory limit each store was opened with in this process, by its path


def configured_memory_limit(con: Connection) -> str | None:
    """The memory limit this process opened the connection's store with (DuckDB reports it only rounded)."""
    path = scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    return _LIMITS.get(str(path))


def store_config(memory_limit: str, threads: int = 0) -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB's settings for a store connection: its memory limit, and its threads when given (0: all cores)."""
    config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": memory_limit, **ALLOCATOR}
    if threads > 0:
        config["threads"] = threads
    return config


def _connect(path: Path, memory_limit: str, threads: int = 0) -> Connection:
    try:
        con = duckdb.connect(str(path), config=store_config(memory_limit, threads))
        _LIMITS[str(path)] = memory_limit
        return con
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreHeldError(
                f"cannot open store {path}: another process holds it (a running `aim serve`?): {exc}"
            ) from exc
        raise StoreError(f"cannot open store {path}: {exc}") from exc


def open_store(path: Path, memory_limit: str = "2GB") -> Connection:
    """Open the store at path, creating it when absent, and bring its schema up to date."""
    con = _connect(path, memory_limit)
    _migrate(con)
    return con


def open_served_store(path: Path, memory_limit: str = "2GB", threads: int = 0) -> Connection:
    """Open an existing AIM store for a service: writable (uploaded files load through it), migrated, checked."""
    if not path.exists():
        raise StoreError(f"no AIM store at {path}: run `aim ingest` or `aim demo` first")
    con = _connect(path, memory_limit, threads)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "incidents" not in tables:
        con.close()
        raise StoreError(f"{path} is not an AIM store")
    _migrate(con)
    return con


class HeldStore:
    """One process holding the store read-write: each request reads a cursor on its connection, loads take turns.

    A store DuckDB gives up on (a fatal error, e.g. a checkpoint that could not be written to a full disk, invalidates
    the database object for good) is reopened by the next request or /healthz check, at most every `REOPEN_SECONDS`;
    until then requests get `StoreUnavailable` (503)."""

    REOPEN_SECONDS = 1.0

    def __init__(self, path: Path, memory_limit: str = "2GB", threads: int = 0) -> None:
        self.path = path
        self._opening = (memory_limit, threads)
        self._con = open_served_store(path, memory_limit, threads)
        self._writer = threading.Lock()
        self._state = threading.Lock()
        self._version = run_version(self._con)
        self._failure: StoreHealth | None = None
        self._tried = 0.0
        self.memo = Memo()  # small facts about the contents, read once per version of them (ingest.store.memo)

    @property
    def con(self) -> Connection:
        """The connection held now (a new one once a failed store is reopened)."""
        return self._con

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A cursor for one request (a load commits in one transaction: a cursor sees all of it or none)."""
        cursor = self._cursor()
        try:
            with remembering(cursor, self.memo):
                yield cursor
        except Exception as exc:
            if invalidates(exc):
                self._fail(exc)
            raise
        finally:
            with suppress(duckdb.Error):
                cursor.close()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A cursor for one load; one load at a time, readers never blocked. A load refused for want of disk space
        raises `StoreFull` (nothing from it is kept)."""
        with self._writer, self.memo.loading():
            with self.reading() as cursor:
                try:
                    yield cursor
                except Exception as exc:
                    if invalidates(exc):
                        self._fail(exc)
                    if disk_full(exc):
                        raise StoreFull(StoreFull.public) from exc
                    raise
                finally:
                    self._count_runs(cursor)

    def version(self) -> int:
        """The store's version, as its readers see it (only this process writes the store)."""
        return self._version

    def check(self) -> StoreHealth:
        """The store's state after a query of it (a failed store is reopened first when it is time to try again)."""
        try:
            with self.reading() as cursor:
                run_version(cursor)
        except (StoreError, duckdb.Error):
            pass  # recorded
        with self._state:
            return self._failure or StoreHealth("ok")

    def close(self) -> None:
        """Close the store."""
        with suppress(duckdb.Error):
            self._con.close()

    def _count_runs(self, cursor: Connection) -> None:
        try:
            self._version = run_version(cursor)
        except duckdb.Error as exc:
            if invalidates(exc):
                self._fail(exc)

    def _cursor(self) -> Connection:
        try:
            return self._usable().cursor()
        except duckdb.Error as exc:
            if not invalidates(exc):
                raise
            self._fail(exc)
            raise StoreUnavailable(StoreUnavailable.public) from exc

    def _fail(self, exc: BaseException) -> None:
        """Record that DuckDB gave up on the store: the next request or check reopens it."""
        with self._state:
            if self._failure is None:
                log.error("store %s failed, to be reopened: %s", self.path, exc)
                self._failure = StoreHealth("unavailable", str(exc), now_iso())
                self._tried = 0.0

    def _usable(self) -> Connection:
        """The connection; a failed store is reopened first (at most every REOPEN_SECONDS; StoreUnavailable until
        it opens)."""
        with self._state:
            failure = self._failure
            if failure is None:
                return self._con
            now = time.monotonic()
            if now - self._tried < self.REOPEN_SECONDS:
                raise StoreUnavailable(StoreUnavailable.public)
            self._tried = now
            with suppress(duckdb.Error):
                self._con.close()
            try:
                self._con = open_served_store(self.path, *self._opening)
                self._version = run_version(self._con)
            except (StoreError, duckdb.Error) as exc:
                self._failure = StoreHealth("unavailable", str(exc), failure.since)
                raise StoreUnavailable(StoreUnavailable.public) from exc
            log.warning("store %s reopened (failed since %s)", self.path, failure.since)
            self.memo.changed()
            self._failure = None
            return self._con
