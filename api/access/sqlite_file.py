"""An SQLite database file checked without writing to it, and read as it is when it must be (its connections and
its creation: api/database/sqlite.py).

The checks: its size against its header, SQLite's `quick_check`, and AIM's tables. A file that fails is left exactly
as it is and `AccessDamaged` says which file, what is wrong and what to do.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from api.access.errors import AccessDamaged, AccessUnavailable
from api.database.sqlite import RESTORE, connect, pending

SQLITE_MAGIC = b"SQLite format 3\x00"
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
UNOPENED = ("SQLITE_IOERR", "SQLITE_CANTOPEN")  # a WAL file on a full disk cannot make its -shm file


def errorname(exc: BaseException) -> str:
    """SQLite's extended error name ("" when it is not SQLite's error)."""
    return str(getattr(exc, "sqlite_errorname", "") or "")


def cause(exc: BaseException, path: Path) -> str:
    """SQLite's error in words, with SQLite's own message."""
    name = errorname(exc)
    said = next((text for prefix, text in CAUSES.items() if name.startswith(prefix)), None)
    if name.startswith(UNOPENED) and disk_full(path):
        said = "the disk is full"  # a WAL file's -shm cannot grow: SQLite says I/O error
    return f"{said} (SQLite: {exc})" if said else f"SQLite: {exc}"


def disk_full(path: Path) -> bool:
    """Less than 64 KB free where the file is."""
    try:
        found = os.statvfs(path.parent)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return found.f_bavail * found.f_frsize < 65536


def read(path: Path, sql: str, read_only: bool = False) -> list[tuple[object, ...]]:
    """A read; when the file cannot be opened the usual way and nothing is pending beside it, read as it is."""
    try:
        with closing(connect(path, read_only=read_only)) as con:
            return con.execute(sql).fetchall()
    except sqlite3.Error as exc:
        if not errorname(exc).startswith(UNOPENED) or pending(path):
            raise
    with closing(connect(path, as_it_is=True)) as con:
        return con.execute(sql).fetchall()


def damaged(what: str, path: Path, label: str) -> AccessDamaged:
    """The error for a damaged file."""
    return AccessDamaged(f"{label} {path} is damaged: {what}; {RESTORE}")


def inspect(path: Path, label: str, needs: tuple[str, ...], read_only: bool = False) -> None:
    """Check the file without writing to it: its header and size, SQLite's quick check, and that it has one of the
    tables in `needs` (AIM's)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise AccessUnavailable(f"cannot read {label} {path}: {exc}") from exc
    if size == 0:
        raise damaged("it is empty (0 bytes)", path, label)
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise damaged("it is not an SQLite database (cut short, overwritten, or another kind of file)", path, label)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] == header[92:96] and pages and not pending(path) and size < pages * page_size:
        raise damaged(f"it is cut short: {size:,} bytes where its header says {pages * page_size:,}", path, label)
    try:
        problems = [str(r[0]) for r in read(path, "PRAGMA quick_check", read_only)]
        tables = {str(r[0]) for r in read(path, "SELECT name FROM sqlite_master WHERE type = 'table'", read_only)}
    except sqlite3.Error as exc:
        if errorname(exc).startswith(DAMAGE):
            raise damaged(f"SQLite says {exc}", path, label) from exc
        raise AccessUnavailable(f"cannot read {label} {path}: {cause(exc, path)}") from exc
    if problems != ["ok"]:
        raise damaged(f"SQLite's check finds {'; '.join(problems[:3])}", path, label)
    if not tables & set(needs):
        raise damaged(f"it is not an AIM database (it has no {' or '.join(needs)} table)", path, label)


def to_rollback_journal(path: Path) -> str:
    """Convert a WAL file to the rollback journal when it is in WAL mode; the journal mode it is in after."""
    mode = str(read(path, "PRAGMA journal_mode")[0][0]).lower()
    if mode == "wal":
        with closing(connect(path)) as con:
            mode = str(con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]).lower()
    return mode
