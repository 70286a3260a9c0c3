"""Who may use AIM and what they did: API tokens (hashed), login sessions and the audit log, in SQLite.

Access state lives apart from the incident store because it is written while the service runs (sessions, audit)
and by the CLI at the same time (`aim users create`); SQLite takes writers from several processes, which a DuckDB
file held by one process cannot.

When the file or its disk fails, nothing is lost silently and a damaged file is never written to:

* **A missing file** is created: built beside its place and moved in whole, so a file cut short while it was being
  created is never there to be taken for a new one. Nothing else creates it: every connection opens it read-write
  without creating, so a file deleted while the service runs is reported, not replaced by an empty one.
* **An existing file is checked** when it is opened, without writing: its size against its header, SQLite's
  `quick_check`, and AIM's tables. A file that fails (cut short, emptied, corrupted, or not an access database) is
  left exactly as it is and `AccessDamaged` says which file, what is wrong and what to do: restore it from a backup,
  or move it aside to start a new one (every token must then be issued again). `aim users` and `aim audit` stop with
  that message; the service starts with **token sign-in off** (the public view only, `AccessStore.serving`), and
  says so in its log and on /healthz until it is restarted with a sound file (so it does when the file cannot be
  created or read at all at start). When SQLite finds the file damaged while the service runs, the file is not
  touched again either.
* **A file that can be read but not written** (a full disk, a read-only file system, a lock held too long): tokens
  and live sessions keep working, read-only; what needs a write raises `AccessUnavailable` saying why (new map
  sign-ins, token changes, audit records). The HTTP layer decides what a failed audit write means
  (`api/http/audit.py`: incident rows are refused, other reads go ahead and the record goes to the log). The state
  is kept (`health()`), logged when it changes, and checked again with a one-page write at most every
  `PROBE_SECONDS` when /healthz asks (`check()`), so it clears once the disk has room again.
* **The journal is SQLite's rollback journal, not WAL.** A WAL database cannot even be read once its -shm file has
  gone (the last connection closed) and the disk is full: measured, every token request failed with "disk I/O
  error" and a restart failed. A WAL file from an older AIM is converted when it is opened and can be written; until
  then, a read that cannot open it the usual way reads the file as it is (SQLite's `immutable`), which is exact
  while no WAL or hot journal holds anything, and is not tried otherwise.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from api.access.principals import Principal, Role

log = logging.getLogger("aim.access")

TOKEN_PREFIX = "aim_"
APPLICATION_ID = 0x41494D41  # "AIMA" in the file's header: AIM's access database (rewritten by the health check)
SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token_id    INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    sources     TEXT NOT NULL DEFAULT '[]',   -- JSON list: the sources a partner's agreement covers
    token_hash  TEXT NOT NULL UNIQUE,         -- SHA-256 of the token; the token itself is shown once
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    session_hash TEXT PRIMARY KEY,
    token_id     INTEGER NOT NULL REFERENCES tokens(token_id),
    expires_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    audit_id  INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    who       TEXT NOT NULL,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,               -- the route, e.g. GET /api/v1/incidents
    filters   TEXT NOT NULL,               -- the request's query parameters, JSON
    rows      INTEGER NOT NULL,
    format    TEXT NOT NULL
);
"""
TABLES = ("tokens", "sessions", "audit")
SQLITE_MAGIC = b"SQLite format 3\x00"
RESTORE = (
    "it is left as it is: restore it from a backup, or move it aside to start a new one (every token must then be "
    "issued again), and start AIM again"
)

# SQLite's (extended) error names, by prefix, in words
CAUSES = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the file or its file system is read-only",
    "SQLITE_BUSY": "another process has held it locked for too long",
    "SQLITE_LOCKED": "another connection has held it locked for too long",
    "SQLITE_CANTOPEN": "the file cannot be opened",
    "SQLITE_PERM": "permission denied",
    "SQLITE_AUTH": "permission denied",
    "SQLITE_IOERR": "the disk reported an input/output error",
}
DAMAGE = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
Status = Literal["ok", "read-only", "unavailable", "damaged"]
SUMMARY: dict[Status, str] = {
    "read-only": "the access database cannot be written: new sign-ins, token changes and the audit log are "
    "unavailable, so incident rows are not served",
    "unavailable": "the access database cannot be read: tokens cannot be checked, so only the public view is served",
    "damaged": "the access database is damaged: token sign-in is off, so only the public view is served",
}


class AccessUnavailable(Exception):
    """The access database cannot do what was asked: it cannot be written or read, or it is damaged.

    `str()` is the whole story for the operator (the file, the cause, what to do); `public` is what a caller over
    HTTP is told (no paths, no SQLite messages)."""

    public = "the access database is not available just now (see /healthz)"

    def __init__(self, message: str, public: str | None = None) -> None:
        super().__init__(message)
        if public is not None:
            self.public = public


class AccessDamaged(AccessUnavailable):
    """The file is not a sound access database (cut short, emptied, corrupted, or not AIM's); it is left as it is."""


@dataclass(frozen=True)
class AccessHealth:
    """The access database's state: ok, read-only (writes fail), unavailable (reads fail too), or damaged."""

    status: Status
    detail: str | None = None  # what failed, for the operator: the file and SQLite's error
    since: str | None = None  # when it was first seen, UTC, ISO 8601

    @property
    def summary(self) -> str | None:
        """What it means, in general terms (no paths, no SQLite messages); None when all is well."""
        return SUMMARY.get(self.status)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _name(exc: sqlite3.Error) -> str:
    return str(getattr(exc, "sqlite_errorname", "") or "")


def _cause(exc: sqlite3.Error) -> str:
    """SQLite's error in words, with SQLite's own message."""
    name = _name(exc)
    said = next((text for prefix, text in CAUSES.items() if name.startswith(prefix)), None)
    return f"{said} (SQLite: {exc})" if said else f"SQLite: {exc}"


class AccessStore:
    """Tokens, sessions and audit rows in one SQLite file (a new connection per call: safe across threads).

    Opening checks the file and raises `AccessDamaged` or `AccessUnavailable` when it cannot be used;
    `AccessStore.serving` never raises and turns token sign-in off instead."""

    PROBE_SECONDS = 30.0  # /healthz writes to the file at most this often to see whether writes work

    def __init__(self, path: Path) -> None:
        self._start(path)
        self._open_file()

    def _start(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._problems: dict[str, tuple[str, str]] = {}  # "read" | "write" | "damage" -> (message, since)
        self._off: AccessUnavailable | None = None  # the file is not used: every call raises this
        self._probed = 0.0
        self._logs = False  # a service's store logs its problems as they change; a command's caller reports them

    def _open_file(self) -> None:
        if not self.path.exists():
            self._create()
        self._inspect()
        self._upgrade()

    @classmethod
    def serving(cls, path: Path) -> AccessStore:
        """The store for a running service. When the file cannot be used it is left alone, token sign-in is off
        (every call raises the reason) and the log says so; when it cannot be written, the log says that."""
        store = cls.__new__(cls)
        store._start(path)
        try:
            store._open_file()
        except AccessUnavailable as exc:
            store._off = exc
            store._note("damage" if isinstance(exc, AccessDamaged) else "read", str(exc))
            log.error("token sign-in is off until AIM is restarted, only the public view is served: %s", exc)
        else:
            health = store.health()
            if health.status != "ok":
                log.error("%s: %s", health.summary, health.detail)
        store._logs = True
        return store

    # --- the file -------------------------------------------------------------------------------------------------

    def _beside(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    def _pending(self) -> bool:
        """A WAL file or a rollback journal beside the file holds something (the file alone is not the database)."""
        for side in (self._beside("-wal"), self._beside("-journal")):
            try:
                if side.stat().st_size > 0:
                    return True
            except OSError:  # not there (or gone meanwhile)
                continue
        return False

    def _create(self) -> None:
        """A new, empty access database, built beside its place and moved in whole."""
        if self._pending():
            raise AccessDamaged(
                f"the access database {self.path} is missing but its journal is still beside it; {RESTORE}"
            )
        new = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.new")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with closing(sqlite3.connect(new)) as con:
                    con.executescript(SCHEMA)
                    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    con.commit()
                try:
                    os.link(new, self.path)  # never replaces a file another process has just created
                except FileExistsError:
                    pass
                except OSError:  # a file system without hard links
                    if not self.path.exists():
                        os.replace(new, self.path)
            finally:
                new.unlink(missing_ok=True)
        except (OSError, sqlite3.Error) as exc:
            raise AccessUnavailable(f"cannot create the access database {self.path}: {exc}") from exc
        log.info("created the access database %s", self.path)

    def _damaged(self, what: str) -> AccessDamaged:
        return AccessDamaged(f"the access database {self.path} is damaged: {what}; {RESTORE}")

    def _inspect(self) -> None:
        """Check the file without writing to it: its header and size, SQLite's quick check, AIM's tables."""
        try:
            size = self.path.stat().st_size
            with self.path.open("rb") as fh:
                header = fh.read(100)
        except OSError as exc:
            raise AccessUnavailable(f"cannot read the access database {self.path}: {exc}") from exc
        if size == 0:
            raise self._damaged("it is empty (0 bytes)")
        if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
            raise self._damaged("it is not an SQLite database (cut short, overwritten, or another kind of file)")
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        if header[24:28] == header[92:96] and pages and not self._pending() and size < pages * page_size:
            raise self._damaged(f"it is cut short: {size:,} bytes where its header says {pages * page_size:,}")
        problems = [str(r[0]) for r in self._rows("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise self._damaged(f"SQLite's check finds {'; '.join(problems[:3])}")
        tables = {str(r[0]) for r in self._rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "tokens" not in tables:
            raise self._damaged("it is not an AIM access database (it has no tokens table)")

    def _upgrade(self) -> None:
        """Convert a WAL file to the rollback journal and add missing tables, when it needs it and can be written
        (when it cannot, the store opens read-only and says so)."""
        mode = str(self._rows("PRAGMA journal_mode")[0][0]).lower()
        if mode == "wal":
            try:
                with closing(self._open()) as con:
                    mode = str(con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]).lower()
            except sqlite3.Error as exc:
                self._failed(exc, "convert it from WAL to a rollback journal", write=True)
            else:
                if mode == "wal":
                    log.warning("%s stays in WAL mode while another process has it open", self.path)
                else:
                    log.info("converted the access database %s from WAL to a rollback journal", self.path)
        tables = {str(r[0]) for r in self._rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not set(TABLES) <= tables:
            statements = [s.strip() for s in SCHEMA.split(";") if s.strip()]
            try:
                self._write([(s, ()) for s in statements], "add its missing tables")
            except AccessUnavailable:
                pass  # recorded: the store is read-only until it can be written

    # --- reading and writing ---------------------------------------------------------------------------------------

    def _open(self, as_it_is: bool = False) -> sqlite3.Connection:
        """A connection to the existing file (never creates one); `as_it_is`: read-only, immutable."""
        mode = "mode=ro&immutable=1" if as_it_is else "mode=rw"
        con = sqlite3.connect(f"{self.path.absolute().as_uri()}?{mode}", uri=True, timeout=10)
        con.row_factory = sqlite3.Row
        return con

    def _refuse_when_off(self) -> None:
        if self._off is not None:
            raise type(self._off)(str(self._off), self._off.public)

    def _fetch(self, as_it_is: bool, sql: str, params: Sequence[object]) -> list[sqlite3.Row]:
        with closing(self._open(as_it_is)) as con:
            return con.execute(sql, params).fetchall()

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """A read. When the file cannot be opened the usual way (a WAL file on a full disk cannot make its -shm
        file) and nothing is pending beside it, the file is read as it is."""
        self._refuse_when_off()
        try:
            rows = self._fetch(False, sql, params)
        except sqlite3.Error as exc:
            if not _name(exc).startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or self._pending():
                raise self._failed(exc, "read it", write=False) from exc
            try:
                rows = self._fetch(True, sql, params)
            except sqlite3.Error as again:
                raise self._failed(again, "read it", write=False) from again
        self._cleared("read")
        return rows

    def _write(self, steps: Sequence[tuple[str, Sequence[object]]], doing: str) -> list[int]:
        """Statements in one transaction, which takes the write lock first (BEGIN IMMEDIATE: a writer waits for
        another, up to the timeout, rather than failing); the rows each changed."""
        self._refuse_when_off()
        try:
            with closing(self._open()) as con:
                con.isolation_level = None  # the transaction is begun and ended here
                con.execute("BEGIN IMMEDIATE")
                try:
                    counts = [con.execute(sql, params).rowcount for sql, params in steps]
                    con.execute("COMMIT")
                except sqlite3.Error:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise self._failed(exc, doing, write=True) from exc
        self._cleared("read", "write")
        return counts

    # --- state ----------------------------------------------------------------------------------------------------

    def _note(self, kind: str, message: str) -> bool:
        """Record a problem (the latest message, the time it was first seen); True when it is new."""
        with self._lock:
            known = self._problems.get(kind)
            self._problems[kind] = (message, known[1] if known is not None else _now().isoformat())
            return known is None

    def _cleared(self, *kinds: str) -> None:
        with self._lock:
            gone = [k for k in kinds if self._problems.pop(k, None) is not None]
        if gone and self._logs:
            log.warning(
                "the access database %s can be %s again",
                self.path,
                " and ".join("written" if k == "write" else "read" for k in gone),
            )

    def _disk_full(self) -> bool:
        """Less than 64 KB free where the file is."""
        try:
            found = os.statvfs(self.path.parent)
        except (OSError, AttributeError):  # no statvfs on Windows
            return False
        return found.f_bavail * found.f_frsize < 65536

    def _failed(self, exc: sqlite3.Error, doing: str, *, write: bool) -> AccessUnavailable:
        """The error to raise for SQLite's, recorded and logged (once per new problem)."""
        if _name(exc).startswith(DAMAGE):
            error: AccessUnavailable = self._damaged(f"SQLite says {exc}")
            self._off = error  # a damaged file is not touched again
            kind = "damage"
        else:
            verb = "written" if write else "read"
            cause = _cause(exc)
            if _name(exc).startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) and self._disk_full():
                cause = f"the disk is full (SQLite: {exc})"  # a WAL file's -shm cannot grow: SQLite says I/O error
            error = AccessUnavailable(f"the access database {self.path} cannot be {verb} ({doing}): {cause}")
            kind = "write" if write else "read"
        if self._note(kind, str(error)) and self._logs:
            log.error("%s", error)
        return error

    def health(self) -> AccessHealth:
        """The state as last seen."""
        with self._lock:
            problems = dict(self._problems)
        for kind, status in (("damage", "damaged"), ("read", "unavailable"), ("write", "read-only")):
            if kind in problems:
                message, since = problems[kind]
                return AccessHealth(status, message, since)  # type: ignore[arg-type]
        return AccessHealth("ok")

    def check(self) -> AccessHealth:
        """The state, after writing to the file (one header field, rewritten as it is) when the last check was
        longer than PROBE_SECONDS ago, so a disk that filled or has room again is seen."""
        now = time.monotonic()
        with self._lock:
            due = self._off is None and now - self._probed >= self.PROBE_SECONDS
            if due:
                self._probed = now
        if due:
            try:
                self._write([(f"PRAGMA application_id = {APPLICATION_ID}", ())], "check that it can be written")
            except AccessUnavailable:
                pass  # recorded
        return self.health()

    # --- tokens, sessions, audit -----------------------------------------------------------------------------------

    def create_token(self, name: str, role: Role, sources: tuple[str, ...] = ()) -> str:
        """Create a token for a named holder; returns the token (only its hash is kept)."""
        role = Role(role)
        if role == Role.PUBLIC:
            raise ValueError("the public needs no token")
        if role == Role.PARTNER and not sources:
            raise ValueError("a partner token needs the sources its agreement covers")
        if role != Role.PARTNER and sources:
            raise ValueError("only partner tokens are limited to sources")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self._write(
            [
                (
                    "INSERT INTO tokens (name, role, sources, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    [name, role.value, json.dumps(list(sources)), _hash(token), _now().isoformat()],
                )
            ],
            "create a token",
        )
        return token

    def tokens(self) -> list[dict[str, Any]]:
        """Every token's id, holder, role, sources and dates (never the token)."""
        rows = self._rows("SELECT token_id, name, role, sources, created_at, revoked_at FROM tokens ORDER BY token_id")
        return [{**dict(r), "sources": json.loads(r["sources"])} for r in rows]

    def revoke(self, token_id: int) -> bool:
        """Revoke a token and end its sessions; False when there is no such live token."""
        done, _ = self._write(
            [
                (
                    "UPDATE tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                    [_now().isoformat(), token_id],
                ),
                ("DELETE FROM sessions WHERE token_id = ?", [token_id]),
            ],
            "revoke a token",
        )
        return bool(done)

    def _principal(self, rows: list[sqlite3.Row]) -> Principal | None:
        if not rows:
            return None
        row = rows[0]
        return Principal(row["name"], Role(row["role"]), tuple(json.loads(row["sources"])), row["token_id"])

    def by_token(self, token: str) -> Principal | None:
        """The live token's holder, or None."""
        return self._principal(
            self._rows("SELECT * FROM tokens WHERE token_hash = ? AND revoked_at IS NULL", [_hash(token)])
        )

    def start_session(self, principal: Principal, hours: float) -> str:
        """A new login session for a token holder; returns the session secret for the cookie."""
        session = secrets.token_urlsafe(32)
        expires = (_now() + timedelta(hours=hours)).isoformat()
        self._write(
            [
                ("DELETE FROM sessions WHERE expires_at < ?", [_now().isoformat()]),
                ("INSERT INTO sessions VALUES (?, ?, ?)", [_hash(session), principal.token_id, expires]),
            ],
            "start a session",
        )
        return session

    def by_session(self, session: str) -> Principal | None:
        """The holder of a live, unexpired session, or None."""
        return self._principal(
            self._rows(
                """SELECT t.* FROM sessions s JOIN tokens t USING (token_id)
                   WHERE s.session_hash = ? AND s.expires_at > ? AND t.revoked_at IS NULL""",
                [_hash(session), _now().isoformat()],
            )
        )

    def end_session(self, session: str) -> None:
        """Log out."""
        self._write([("DELETE FROM sessions WHERE session_hash = ?", [_hash(session)])], "end a session")

    def audit(self, principal: Principal, action: str, filters: dict[str, Any], rows: int, fmt: str) -> None:
        """Record an access to incident-level data."""
        self._write(
            [
                (
                    "INSERT INTO audit (at, who, role, action, filters, rows, format) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [_now().isoformat(), principal.name, principal.role.value, action, json.dumps(filters), rows, fmt],
                )
            ],
            "write an audit record",
        )

    def audit_log(
        self, who: str | None = None, since: datetime | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """The latest audit rows, newest first (optionally one holder's, or since a time)."""
        clauses: list[str] = []
        params: list[object] = []
        if who:
            clauses.append("who = ?")
            params.append(who)
        if since:
            clauses.append("at >= ?")
            params.append(since.astimezone(UTC).isoformat())
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(
            f"SELECT * FROM audit {where} ORDER BY audit_id DESC LIMIT ?",  # noqa: S608 (fixed fragments)
            [*params, limit],
        )
        return [{**dict(r), "filters": json.loads(r["filters"])} for r in rows]
