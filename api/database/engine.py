"""Engines on the deployment database: an SQLite file or a database server (PostgreSQL), from a URL or a path.

On SQLite every call opens a new connection to the existing file (never creating it); a write takes the write lock
first (BEGIN IMMEDIATE: a writer waits for another, up to the timeout, rather than failing), and foreign keys are
enforced in every transaction. On PostgreSQL the connections are pooled, checked before use, and give up connecting
after CONNECT_SECONDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import NullPool

from api.database import sqlite

WRITE = "aim_write"  # execution option: this connection's transaction writes (SQLite: BEGIN IMMEDIATE)
CONNECT_SECONDS = 5


@dataclass(frozen=True)
class Location:
    """Where the database is: its URL, and its file when it is SQLite (None for a server)."""

    url: URL
    path: Path | None

    @property
    def shown(self) -> str:
        """The file, or the server's URL with its password hidden (for messages and logs)."""
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)


def locate(where: str | Path) -> Location:
    """An SQLAlchemy URL, or the path of an SQLite file; an in-memory SQLite database is refused."""
    url = sa.engine.make_url(f"sqlite:///{where}" if isinstance(where, Path) else where)
    if url.get_backend_name() != "sqlite":
        return Location(url, None)
    if not url.database or url.database == ":memory:":
        raise ValueError("the deployment database must be a file or a server, not an in-memory SQLite database")
    return Location(url, Path(url.database))


def sqlite_engine(path: Path, as_it_is: bool = False, read_only: bool = False, every: bool = False) -> Engine:
    """An engine on the existing file: a new connection per call, never creating the file. A transaction is begun
    for a write (WRITE) only, unless `every` (for code that reads several statements as one)."""
    engine = sa.create_engine(
        "sqlite://", creator=lambda: sqlite.connect(path, as_it_is, read_only), poolclass=NullPool
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


def engine_for(location: Location, every: bool = False) -> Engine:
    """The engine for a location (SQLite: see sqlite_engine for `every`)."""
    return sqlite_engine(location.path, every=every) if location.path else server_engine(location.url)
