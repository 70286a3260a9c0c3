"""The deployment database's SQLite file: connections that never create it, and its creation, whole.

Connections open the file read-write without creating it, so a file deleted while AIM runs is reported, not replaced
by an empty one; a missing file is built at a new name beside its place and moved in whole.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Callable
from pathlib import Path

from api.database.errors import DatabaseDamaged, DatabaseError, DatabaseUnavailable

LABEL = "the AIM database"
RESTORE = (
    "it is left as it is: restore it from a backup, or move it aside to start a new one (every token must then be "
    "issued again), and start AIM again"
)


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


def create(path: Path, build: Callable[[Path], None]) -> None:
    """A new database: `build` makes it at a new name beside its place, and it is moved in whole (a file cut short
    while it was being created is never there to be taken for a new one; of two processes creating it at once, the
    first to move its file in wins); never beside a journal left behind."""
    if pending(path):
        raise DatabaseDamaged(f"{LABEL} {path} is missing but its journal is still beside it; {RESTORE}")
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
    except (OSError, sqlite3.Error, DatabaseError, DatabaseUnavailable) as exc:
        raise DatabaseUnavailable(f"cannot create {LABEL} {path}: {exc}") from exc
