"""The deployment database: tokens, sessions, the audit log and tasking, in an SQLite file beside the store
(<store stem>-tasking.sqlite) or on a PostgreSQL server (AIM_DATABASE_URL) for a hub.

The only package that makes engines and runs migrations, and the only one that imports SQLAlchemy and Alembic: every
query on its tables is here (tasking.py, access_rows.py); tests/test_layout.py holds both rules.
`open_engine` is the way in for a store that uses the database as it is (tasking: the CLI, the demo, `aim serve
--workers` before its workers start); the access store opens it with the same parts (`locate`, `engine_for`,
`create_missing`, `behind` and `migrate`) and says what a failure means for token sign-in (api/access/connection.py).
See docs/dev/deployment-database.md.
"""

from sqlalchemy.engine import Connection, Engine

from api.database.engine import WRITE, Location, engine_for, locate, sqlite_engine
from api.database.errors import (
    DatabaseDamaged,
    DatabaseError,
    DatabaseUnavailable,
    UnknownRevision,
    missing_tables,
    server_cause,
)
from api.database.migrate import MIGRATIONS, behind, head, migrate, probe, revision, upgrade
from api.database.opening import create_missing, open_engine
from api.database.sqlite import LABEL

__all__ = [
    "LABEL",
    "MIGRATIONS",
    "WRITE",
    "Connection",
    "DatabaseDamaged",
    "DatabaseError",
    "DatabaseUnavailable",
    "Engine",
    "Location",
    "UnknownRevision",
    "behind",
    "create_missing",
    "engine_for",
    "head",
    "locate",
    "migrate",
    "missing_tables",
    "open_engine",
    "probe",
    "revision",
    "server_cause",
    "sqlite_engine",
    "upgrade",
]
