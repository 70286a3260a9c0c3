"""Where the deployment database is, and engines on an SQLite file that never create it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from api.database import DatabaseError, engine_for, locate


def test_a_path_and_an_sqlite_url_name_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "aim.sqlite"
    assert locate(path).path == locate(f"sqlite:///{path}").path == path


def test_a_server_is_shown_without_its_password() -> None:
    where = locate("postgresql+psycopg://aim:secret-password@db.example:5432/aim")
    assert where.path is None
    assert "secret-password" not in where.shown and "db.example" in where.shown


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="in-memory"):
        locate(url)


def test_an_engine_never_creates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "aim.sqlite"
    engine = engine_for(locate(path), every=True)
    with pytest.raises(DatabaseError), engine.connect() as c:
        c.execute(sa.text("SELECT 1"))
    assert not path.exists()
