"""The deployment database's Alembic migrations (api/database/migrations), run only when behind and one process at
a time: the migrating transaction holds the database's lock first (SQLite: the write lock, BEGIN IMMEDIATE;
PostgreSQL: an advisory lock), so services and commands starting at once migrate one after the other."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine

from api.database.engine import WRITE, sqlite_engine
from api.database.errors import UnknownRevision

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x41494D  # "AIM": PostgreSQL advisory lock held while migrating


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str | None:
    """The latest migration's revision."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def revision(connection: Connection) -> str | None:
    """The database's migration revision (None before the first)."""
    return MigrationContext.configure(connection).get_current_revision()


def behind(connection: Connection) -> bool:
    """The database is not at the latest migration (a read; nothing is written)."""
    return revision(connection) != head()


def migrate(connection: Connection) -> bool:
    """`alembic upgrade head` in the connection's transaction, which holds the database's lock first (on SQLite the
    caller's WRITE transaction holds the write lock; on PostgreSQL an advisory lock is taken here); True when it
    applied a migration (False: another process had already). A revision this AIM does not know raises
    UnknownRevision."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    before = revision(connection)
    config = _config()
    config.attributes["connection"] = connection
    try:
        command.upgrade(config, "head")
    except CommandError as exc:
        raise UnknownRevision(str(exc)) from exc
    return before != head()


def upgrade(engine: Engine) -> bool:
    """Migrate the engine's database to the latest version when it is behind, in a writing transaction that holds
    the lock (a second process waits, then finds nothing left to do); True when this call applied a migration."""
    with engine.connect() as connection:
        if not behind(connection):
            return False
    with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
        return migrate(connection)


def build_sqlite(new: Path) -> None:
    """A new SQLite database (an empty file) at the latest version."""
    engine = sqlite_engine(new)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def probe(connection: Connection) -> None:
    """A write that changes nothing: the migration version, rewritten as it is."""
    connection.execute(sa.text("UPDATE alembic_version SET version_num = version_num"))
