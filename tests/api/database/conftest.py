"""An empty deployment database of each kind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.api.tasking.conftest import _postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind: an SQLite file with no tables, a PostgreSQL database with none."""
    if request.param == "postgresql":
        return _postgres_url()
    path = tmp_path / "aim.sqlite"
    sqlite3.connect(path).close()
    return f"sqlite:///{path}"
