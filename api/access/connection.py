"""The access store's hold on the deployment's database (opened with api.database's engines, creation and migrations;
the tables are shared with tasking, api/database/schema.py): opening, checking, reading, writing, and what state it
is in.

One database per deployment: an SQLite file beside the store by default (<store stem>-tasking.sqlite), or a
PostgreSQL server (AIM_DATABASE_URL) for a hub where many partners write at once. Opening migrates it to the latest
version and carries over the rows of an access file of the old layout (api/access/legacy.py).

Nothing is lost silently, a damaged file is never written to, and token checks fail closed:

* **SQLite, a missing file** is created whole when the database is opened (api/database/sqlite.py); connections
  never create it, so a file deleted while the service runs is reported, not replaced by an empty one.
* **SQLite, an existing file is checked** when it is opened, without writing. A file that fails (cut short, emptied,
  corrupted, or not AIM's) is left exactly as it is and `AccessDamaged` says which file, what is wrong and what to
  do. `aim users` and `aim audit` stop with that message; the service starts with **token sign-in off** (the public
  view only, `AccessStore.serving`) and says so in its log and on /healthz until it is restarted with a sound file
  (so it does when the file cannot be created or read at all at start). When SQLite finds the file damaged while the
  service runs, the file is not touched again either.
* **A database that can be read but not written** (a full disk, a read-only file system or server, a lock held too
  long): tokens and live sessions keep working, read-only; what needs a write raises `AccessUnavailable` saying why
  (new map sign-ins, token changes, audit records). The HTTP layer decides what a failed audit write means
  (`api/http/audit.py`: incident rows are refused, other reads go ahead and the record goes to the log). The state
  is kept (`health()`), logged when it changes, and checked again with a one-row write at most every
  `PROBE_SECONDS` when /healthz asks (`check()`), so it clears once the disk has room again.
* **PostgreSQL, a server that cannot be reached** (at start or later): no token or session can be checked, so a
  bearer token gets 503 and a session browses as the public; /healthz says "unavailable" with the server (its
  password hidden) and the driver's error. At start, the service still starts, public-only, and tries to open and
  migrate the database again at most every PROBE_SECONDS, as /healthz and requests ask; it recovers by itself.
* **SQLite's journal is the rollback journal, not WAL.** A WAL database cannot even be read once its -shm file has
  gone and the disk is full; a WAL file is converted when it is opened and can be written, and until then a read
  that cannot open it the usual way reads the file as it is (SQLite's `immutable`) while nothing is pending beside it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Self, TypeVar

from api import database
from api.access import legacy, sqlite_file
from api.access.errors import AccessDamaged, AccessHealth, AccessUnavailable, Status
from api.database import Connection, DatabaseDamaged, DatabaseError, DatabaseUnavailable, Engine, UnknownRevision
from api.database.sqlite import pending

log = logging.getLogger("aim.access")

LABEL = database.LABEL
NEEDS = ("tokens", "alembic_version")  # an AIM database has its access tables, or at least its migrations' version
T = TypeVar("T")


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


class AccessDatabase:
    """The deployment's database as the access store uses it (safe across threads and processes).

    `where` is an SQLAlchemy URL, or the path of an SQLite file; `old` the access file of the old layout.
    Opening checks and migrates the database and raises `AccessDamaged` or `AccessUnavailable` when it cannot be
    used; `AccessStore.serving` never raises and turns token sign-in off instead."""

    PROBE_SECONDS = 30.0  # /healthz writes to the database at most this often to see whether writes work

    def __init__(self, where: str | Path, old: Path | None = None) -> None:
        self._start(where, old)
        self._open_database()

    def _start(self, where: str | Path, old: Path | None) -> None:
        self.location = database.locate(where)
        self.path = self.location.path  # None: a server
        self.where = self.location.shown
        self.legacy = old if old is not None and (self.path is None or old.absolute() != self.path.absolute()) else None
        self.engine: Engine = database.engine_for(self.location)
        self._as_it_is = database.sqlite_engine(self.path, as_it_is=True) if self.path else None
        self._lock = threading.Lock()
        self._opening = threading.Lock()  # one attempt to open it again at a time
        self._problems: dict[str, tuple[str, str]] = {}  # "read" | "write" | "damage" -> (message, since)
        self._off: AccessUnavailable | None = None  # the database is not used: every call raises this
        self._opened = False
        self._tried = time.monotonic()  # the last attempt to open it
        self._probed = 0.0
        self._logs = False  # a service's store logs its problems as they change; a command's caller reports them

    @classmethod
    def serving(cls, where: str | Path, old: Path | None = None) -> Self:
        """The store for a running service. When an SQLite file cannot be used it is left alone, token sign-in is
        off until a restart (every call raises the reason); when a server cannot be reached, sign-in is off until it
        can; the log says which, and says so too when the database cannot be written."""
        store = cls.__new__(cls)
        store._start(where, old)
        try:
            store._open_database()
        except AccessUnavailable as exc:
            if store.path is not None or isinstance(exc, AccessDamaged):
                store._off = exc
                store._note("damage" if isinstance(exc, AccessDamaged) else "read", str(exc))
                log.error("token sign-in is off until AIM is restarted, only the public view is served: %s", exc)
            else:
                log.error("token sign-in is off until the database server can be reached (public view only): %s", exc)
        else:
            health = store.health()
            if health.status != "ok":
                log.error("%s: %s", health.summary, health.detail)
        store._logs = True
        return store

    def shared_engine(self) -> Engine:
        """An engine on the same database for the other stores of a service (tasking): on SQLite, like the access
        store's (a new connection per call that never creates the file, so a file deleted while the service runs is
        not replaced by an empty one) with every call in a transaction; read-only when the file is damaged."""
        if self.path is None:
            return self.engine
        return database.sqlite_engine(self.path, read_only=isinstance(self._off, AccessDamaged), every=True)

    # --- opening -----------------------------------------------------------------------------------------------------

    def _open_database(self) -> None:
        """Check the file (SQLite), migrate to the latest version, carry the old layout's rows over."""
        self._tried = time.monotonic()
        if self.path is not None:
            if not self.path.exists():
                self._create()
                log.info("created %s %s", LABEL, self.path)
            sqlite_file.inspect(self.path, LABEL, NEEDS)
            self._to_rollback_journal()
        try:
            if self._read(database.behind):
                self._write(database.migrate, "migrate it to the latest version")
        except UnknownRevision as exc:  # a newer AIM wrote it
            raise AccessUnavailable(f"{LABEL} {self.where} cannot be migrated: {exc}") from exc
        except AccessUnavailable:
            if not self._readable():
                raise
            # recorded: read-only until it can be written (tables missing until then make reads fail)
        if self.legacy is not None and self.legacy.exists():
            self._carry_over(self.legacy)
        self._opened = True

    def _create(self) -> None:
        """The missing SQLite file, created whole at the latest version (api.database)."""
        try:
            database.create_missing(self.location)
        except DatabaseDamaged as exc:
            raise AccessDamaged(str(exc)) from exc
        except DatabaseUnavailable as exc:
            raise AccessUnavailable(str(exc)) from exc

    def _readable(self) -> bool:
        with self._lock:
            return "read" not in self._problems and "damage" not in self._problems

    def _to_rollback_journal(self) -> None:
        assert self.path is not None
        try:
            mode = sqlite_file.to_rollback_journal(self.path)
        except sqlite3.Error as exc:
            self._failed(exc, "convert it from WAL to a rollback journal", write=True)
            return
        if mode == "wal":
            log.warning("%s stays in WAL mode while another process has it open", self.path)

    def _carry_over(self, old: Path) -> None:
        """The old layout's rows, copied in when the database holds none yet."""
        if not self._read(legacy.is_empty):
            return
        rows = legacy.read_legacy(old)
        if not any(rows.values()):
            return
        counts = self._write(lambda c: legacy.carry_over(c, rows), "carry over the old access file's rows")
        log.warning(
            "carried over %d tokens, %d sessions and %d audit records from %s into %s; that file is no longer used "
            "(keep it as a backup until the tokens are seen to work)",
            counts["tokens"],
            counts["sessions"],
            counts["audit"],
            old,
            self.where,
        )

    # --- reading and writing ---------------------------------------------------------------------------------------

    def _ready(self) -> None:
        """Raise when the database is not in use; try to open it again when a server could not be reached."""
        if self._off is not None:
            raise type(self._off)(str(self._off), self._off.public)
        if self._opened:
            return
        with self._lock:
            due = time.monotonic() - self._tried >= self.PROBE_SECONDS
            if not due:
                message = self._problems.get("read", (f"{LABEL} {self.where} is not open yet", ""))[0]
                raise AccessUnavailable(message)
            self._tried = time.monotonic()
        with self._opening:
            if not self._opened:
                self._open_database()
        log.warning("%s %s can be used again: token sign-in is on", LABEL, self.where)

    def _read(self, run: Callable[[Connection], T]) -> T:
        """A read. When an SQLite file cannot be opened the usual way (a WAL file on a full disk cannot make its
        -shm file) and nothing is pending beside it, the file is read as it is."""
        try:
            with self.engine.connect() as c:
                found = run(c)
        except DatabaseError as exc:
            orig = getattr(exc, "orig", exc)
            usual = not sqlite_file.errorname(orig).startswith(sqlite_file.UNOPENED)
            if self._as_it_is is None or self.path is None or usual or pending(self.path):
                raise self._failed(exc, "read it", write=False) from exc
            try:
                with self._as_it_is.connect() as c:
                    found = run(c)
            except DatabaseError as again:
                raise self._failed(again, "read it", write=False) from again
        self._cleared("read")
        return found

    def _write(self, run: Callable[[Connection], T], doing: str) -> T:
        """A transaction that writes (on SQLite it takes the write lock first)."""
        try:
            with self.engine.connect().execution_options(**{database.WRITE: True}) as c, c.begin():
                done = run(c)
        except DatabaseError as exc:
            raise self._failed(exc, doing, write=True) from exc
        self._cleared("read", "write")
        return done

    def _rows(self, run: Callable[[Connection], T]) -> T:
        self._ready()
        try:
            return self._read(run)
        except AccessUnavailable as exc:
            if not self._rebuilt(exc):
                raise
        return self._read(run)

    def _change(self, run: Callable[[Connection], T], doing: str) -> T:
        self._ready()
        try:
            return self._write(run, doing)
        except AccessUnavailable as exc:
            if not self._rebuilt(exc):
                raise
        return self._write(run, doing)

    def _rebuilt(self, exc: AccessUnavailable) -> bool:
        """A database whose tables are gone (dropped and created again while serving) is migrated back to the latest
        version, empty, and the log says so: every token and session it held is gone with it."""
        if self._off is not None or not database.missing_tables(exc.__cause__):
            return False
        try:
            if not self._read(database.behind):
                return False
            self._write(database.migrate, "build its tables again")
        except AccessUnavailable:
            return False
        log.error(
            "%s %s had lost its tables: they are built again, empty (no token can sign in until `aim users add`)",
            LABEL,
            self.where,
        )
        return True

    # --- state ----------------------------------------------------------------------------------------------------

    def _note(self, kind: str, message: str) -> bool:
        """Record a problem (the latest message, the time it was first seen); True when it is new."""
        with self._lock:
            known = self._problems.get(kind)
            self._problems[kind] = (message, known[1] if known is not None else _now_iso())
            return known is None

    def _cleared(self, *kinds: str) -> None:
        with self._lock:
            gone = [k for k in kinds if self._problems.pop(k, None) is not None]
        if gone and self._logs:
            verbs = " and ".join("written" if k == "write" else "read" for k in gone)
            log.warning("%s %s can be %s again", LABEL, self.where, verbs)

    def _failed(self, exc: BaseException, doing: str, *, write: bool) -> AccessUnavailable:
        """The error to raise for the driver's, recorded and logged (once per new problem)."""
        orig = getattr(exc, "orig", None) or exc
        kind = "write" if write else "read"
        if self.path is None:
            cause, unreachable = database.server_cause(exc)
            kind = "read" if unreachable else kind
        else:
            cause = sqlite_file.cause(orig, self.path)
        verb = "written" if kind == "write" else "read"
        error = AccessUnavailable(f"{LABEL} {self.where} cannot be {verb} ({doing}): {cause}")
        if self.path is not None and sqlite_file.errorname(orig).startswith(sqlite_file.DAMAGE):
            error = sqlite_file.damaged(f"SQLite says {orig}", self.path, LABEL)
            self._off = error  # a damaged file is not touched again
            kind = "damage"
        if self._note(kind, str(error)) and self._logs:
            log.error("%s", error)
        return error

    def health(self) -> AccessHealth:
        """The state as last seen."""
        with self._lock:
            problems = dict(self._problems)
        found: tuple[tuple[str, Status], ...] = (("damage", "damaged"), ("read", "unavailable"), ("write", "read-only"))
        for kind, status in found:
            if kind in problems:
                message, since = problems[kind]
                return AccessHealth(status, message, since)
        return AccessHealth("ok")

    def check(self) -> AccessHealth:
        """The state, after a write (the migration version, rewritten as it is) when the last check was longer than
        PROBE_SECONDS ago, so a disk that filled or has room again, or a server that went or came back, is seen."""
        now = time.monotonic()
        with self._lock:
            due = self._off is None and now - self._probed >= self.PROBE_SECONDS
            if due:
                self._probed = now
        if due:
            try:
                self._change(database.probe, "check that it can be written")
            except AccessUnavailable:
                pass  # recorded
        return self.health()
