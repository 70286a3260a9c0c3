"""The deployment's database as the access store uses it: SQLAlchemy engines for an SQLite file or a PostgreSQL
server, the Alembic migrations (the chain shared with tasking, in api/tasking/migrations) run only when behind, and
what a driver's error means.

On SQLite every call opens a new connection to the existing file (never creating it); a write takes the write lock
first (BEGIN IMMEDIATE: a writer waits for another, up to the timeout, rather than failing), and a read is a single
statement outside a transaction. On PostgreSQL the connections are pooled, checked before use, and give up
connecting after CONNECT_SECONDS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import NullPool

from api.access import sqlite_file
from api.tasking.store import MIGRATIONS

WRITE = "aim_write"  # execution option: this connection's transaction writes (SQLite: BEGIN IMMEDIATE)
CONNECT_SECONDS = 5
MIGRATION_LOCK = 0x41494D  # "AIM": PostgreSQL advisory lock held while migrating

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


def sqlite_path(url: URL) -> Path | None:
    """The file of an SQLite URL; None for a server."""
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise ValueError("the access database must be a file or a server, not an in-memory SQLite database")
    return Path(url.database)


def sqlite_engine(path: Path, as_it_is: bool = False, read_only: bool = False, every: bool = False) -> Engine:
    """An engine on the existing file: a new connection per call, never creating the file. A transaction is begun
    for a write (WRITE) only, unless `every` (for code that reads several statements as one)."""
    engine = sa.create_engine(
        "sqlite://", creator=lambda: sqlite_file.connect(path, as_it_is, read_only), poolclass=NullPool
    )

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE):
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")  # outside a transaction, or it does nothing
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif every:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.exec_driver_sql("BEGIN")

    return engine


def server_engine(url: URL) -> Engine:
    """An engine on a database server (pooled; connections checked before use)."""
    args: dict[str, Any] = {"connect_timeout": CONNECT_SECONDS} if url.get_backend_name() == "postgresql" else {}
    return sa.create_engine(url, pool_pre_ping=True, connect_args=args)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def behind(connection: Connection) -> bool:
    """The database is not at the latest migration (a read; nothing is written)."""
    current = MigrationContext.configure(connection).get_current_revision()
    return current != ScriptDirectory.from_config(_config()).get_current_head()


def migrate(connection: Connection) -> None:
    """`alembic upgrade head` in the connection's transaction, which holds the database's lock first (SQLite: the
    write lock; PostgreSQL: an advisory lock), so services starting at once migrate one after the other."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    config = _config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def build_sqlite(new: Path) -> None:
    """A new SQLite database (an empty file) at the latest version."""
    engine = sqlite_engine(new)
    with engine.connect().execution_options(**{WRITE: True}) as c, c.begin():
        migrate(c)


def probe(connection: Connection) -> None:
    """A write that changes nothing: the migration version, rewritten as it is."""
    connection.execute(sa.text("UPDATE alembic_version SET version_num = version_num"))


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
