"""The access file of the old layout (<store stem>-access.sqlite, or AIM_ACCESS_DB), carried over on first start.

Before access moved into the deployment's database, tokens, sessions and the audit log lived in an SQLite file of
their own. When the database holds no token, session or audit row yet and that file is there, its rows are copied
in one transaction, keeping their ids (councillors' wards refer to token ids) and the token and session hashes as
they are (the same SHA-256): every token and live session keeps working. The old file is only read (checked first,
as the database is) and stays where it is; once the database holds rows it is not read again.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.access import sqlite_file
from api.access.errors import AccessUnavailable
from api.database import Connection, sqlite
from api.database.rows import empty, insert_keeping_ids

LABEL = "the access database of the old layout"
LEGACY_TABLES = ("tokens", "sessions", "audit")


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _tables(con: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    con.row_factory = sqlite3.Row
    held = {str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {
        name: [dict(r) for r in con.execute(f"SELECT * FROM {name}")]  # noqa: S608 (fixed names)
        for name in LEGACY_TABLES
        if name in held
    }


def read_legacy(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of the old file's tables, as the new tables take them; the file is checked first and only read."""
    sqlite_file.inspect(path, LABEL, ("tokens",), read_only=True)
    try:
        try:
            with closing(sqlite.connect(path, read_only=True)) as con:
                rows = _tables(con)
        except sqlite3.Error as exc:  # a WAL file on a full disk: read as it is when nothing is pending beside it
            if not sqlite_file.errorname(exc).startswith(sqlite_file.UNOPENED) or sqlite.pending(path):
                raise
            with closing(sqlite.connect(path, as_it_is=True)) as con:
                rows = _tables(con)
    except sqlite3.Error as exc:
        raise AccessUnavailable(f"cannot read {LABEL} {path}: {sqlite_file.cause(exc, path)}") from exc
    return {
        "tokens": [
            {
                **r,
                "sources": json.loads(r["sources"] or "[]"),
                "created_at": _when(r["created_at"]),
                "revoked_at": _when(r["revoked_at"]),
            }
            for r in rows.get("tokens", [])
        ],
        "sessions": [{**r, "expires_at": _when(r["expires_at"])} for r in rows.get("sessions", [])],
        "audit": [{**r, "at": _when(r["at"]), "filters": json.loads(r["filters"])} for r in rows.get("audit", [])],
    }


def is_empty(connection: Connection) -> bool:
    """The database holds no token, session or audit row."""
    return empty(connection, LEGACY_TABLES)


def carry_over(connection: Connection, found: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Insert the old rows with their ids (in the caller's transaction); how many of each were carried over."""
    return insert_keeping_ids(connection, {name: found[name] for name in LEGACY_TABLES})
