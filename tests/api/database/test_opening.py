"""Processes opening the deployment database at once (SQLite and PostgreSQL): each succeeds and the migrations are
applied once, by whichever takes the lock first."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from api.database import DatabaseUnavailable, head, open_engine
from tests.api.database.at_once import PROCESSES, at_once, migrating, opening
from tests.api.tasking.conftest import _postgres_url as postgres_url


def _versions(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as c:
        found = [str(v) for v in c.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()]
        tables = set(sa.inspect(c).get_table_names())
    engine.dispose()
    assert {"problems", "tokens", "sessions", "audit"} <= tables
    return found


def test_processes_migrating_at_once_apply_the_migrations_once(empty_url: str) -> None:
    outcomes = at_once(migrating, empty_url)
    assert outcomes == [("current", "")] * (PROCESSES - 1) + [("migrated", "")]
    assert _versions(empty_url) == [head()]


def test_processes_opening_a_missing_sqlite_file_at_once_all_open_the_one_file(tmp_path: Path) -> None:
    """Each builds a file of its own beside the place; the first moved in is the database, the others are dropped."""
    path = tmp_path / "aim.sqlite"
    url = f"sqlite:///{path}"
    assert at_once(opening, url) == [("opened", head())] * PROCESSES
    assert _versions(url) == [head()]
    assert list(tmp_path.iterdir()) == [path]  # no file left behind


@pytest.mark.postgres
def test_processes_opening_a_server_database_at_once_all_open_it() -> None:
    url = postgres_url()
    assert at_once(opening, url) == [("opened", head())] * PROCESSES
    assert _versions(url) == [head()]


def test_a_database_that_cannot_be_opened_says_which_and_why(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(DatabaseUnavailable, match="cannot create the AIM database"):
        open_engine(f"sqlite:///{blocked / 'aim.sqlite'}")
