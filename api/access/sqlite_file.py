"""An SQLite database file checked without writing to it, created whole, and read as it is when it must be.

The checks: its size against its header, SQLite's `quick_check`, and AIM's tables. A file that fails is left exactly
as it is and `AccessDamaged` says which file, what is wrong and what to do. Connections open the file read-write
without creating it, so a file deleted while the service runs is reported, not replaced by an empty one.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from api.access.errors import AccessDamaged, AccessUnavailable

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


def connect(path: Path, as_it_is: bool = False, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the existing file (never creates one), in autocommit (transactions begun explicitly);
    `read_only`: opened read-only; `as_it_is`: read-only and immutable (no journal is looked at)."""
    mode = "mode=ro&immutable=1" if as_it_is else "mode=ro" if read_only else "mode=rw"
    uri = f"{path.absolute().as_uri()}?{mode}"
    return sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False, isolation_level=None)


def pending(path: Path) -> bool:
    """A WAL file or a rollback journal beside the file holds something (the file alone is not the database)."""
    for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")):
        try:
            if side.stat().st_size > 0:
                return True
        except OSError:  # not there (or gone meanwhile)
            continue
    return False


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


def create(path: Path, label: str, build: Callable[[Path], None]) -> None:
    """A new database: `build` makes it at a new name beside its place, and it is moved in whole (a file cut short
    while it was being created is never there to be taken for a new one); never beside a journal left behind."""
    if pending(path):
        raise AccessDamaged(f"{label} {path} is missing but its journal is still beside it; {RESTORE}")
    new = path.with_name(f".{path.name}.{secrets.token_hex(4)}.new")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            sqlite3.connect(new).close()  # an empty file, which `build` opens without creating
            build(new)
            try:
                os.link(new, path)  # never replaces a file another process has just created
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links
                if not path.exists():
                    os.replace(new, path)
        finally:
            for leftover in (new, new.with_name(new.name + "-journal")):
                leftover.unlink(missing_ok=True)
    except (OSError, sqlite3.Error, AccessUnavailable) as exc:
        raise AccessUnavailable(f"cannot create {label} {path}: {exc}") from exc


def to_rollback_journal(path: Path) -> str:
    """Convert a WAL file to the rollback journal when it is in WAL mode; the journal mode it is in after."""
    mode = str(read(path, "PRAGMA journal_mode")[0][0]).lower()
    if mode == "wal":
        with closing(connect(path)) as con:
            mode = str(con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]).lower()
    return mode
