"""What the deployment database raises, and a database server's error in words."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

DatabaseError = SQLAlchemyError  # what a driver's failure is raised as, whatever the database

# PostgreSQL's SQLSTATE classes and codes, in words
SERVER_CAUSES = {
    "08": "the database server cannot be reached",
    "57P": "the database server is shutting down or restarting",
    "25006": "the database is read-only",
    "53100": "the database server's disk is full",
    "53": "the database server is short of resources",
    "42501": "permission denied",
    "40": "the transaction was rolled back by the server",
}


class DatabaseUnavailable(Exception):
    """The deployment database cannot be created, opened or migrated (the message says which and why)."""


class DatabaseDamaged(DatabaseUnavailable):
    """An SQLite file that is not a sound AIM database; it is left as it is."""


class UnknownRevision(DatabaseUnavailable):
    """The database is at a migration this AIM does not know: a newer AIM wrote it."""


def missing_tables(exc: BaseException | None) -> bool:
    """The driver says a table is missing (SQLite's "no such table", PostgreSQL's undefined table)."""
    orig = getattr(exc, "orig", exc)
    return orig is not None and ("no such table" in str(orig) or type(orig).__name__ == "UndefinedTable")


def server_cause(exc: BaseException) -> tuple[str, bool]:
    """A server's error in words, and whether it means the server cannot be reached (so nothing can be read)."""
    orig = getattr(exc, "orig", None) or exc
    state = str(getattr(orig, "sqlstate", "") or "")
    if not state and isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        state = "08"  # no SQLSTATE: the connection itself failed
    said = next((text for prefix, text in SERVER_CAUSES.items() if state.startswith(prefix)), None)
    message = " ".join(str(orig).split())
    unreachable = state.startswith(("08", "57P"))
    return (f"{said} ({type(orig).__name__}: {message})" if said else f"{type(orig).__name__}: {message}"), unreachable
