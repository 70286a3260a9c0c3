"""Opening the deployment database for a store that uses it as it is (tasking): created when it is a missing SQLite
file, migrated when behind, serialised with everyone else opening it at once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from api.database import sqlite
from api.database.engine import Location, engine_for, locate
from api.database.errors import DatabaseError, DatabaseUnavailable
from api.database.migrate import build_sqlite, upgrade


def create_missing(location: Location) -> None:
    """A missing SQLite file is created whole, at the latest version (a server's database must exist already)."""
    if location.path is not None and not location.path.exists():
        sqlite.create(location.path, build_sqlite)


def open_engine(where: str | Path) -> Engine:
    """An engine on the database at `where` (SQLAlchemy URL or SQLite path), created if it is a missing SQLite file
    and migrated to the latest version; every call in a transaction. Raises DatabaseUnavailable saying why not."""
    location = locate(where)
    create_missing(location)
    engine = engine_for(location, every=True)
    try:
        upgrade(engine)
    except DatabaseError as exc:
        engine.dispose()
        raise DatabaseUnavailable(
            f"{sqlite.LABEL} {location.shown} cannot be opened: {exc.__class__.__name__}: {exc}"
        ) from exc
    except DatabaseUnavailable:
        engine.dispose()
        raise
    return engine
