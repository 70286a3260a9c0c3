"""The migrations build exactly the tables api/database/schema.py describes (alembic's own comparison)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from api.database import open_engine
from api.database import schema as t


def test_the_migrations_build_the_schema(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'aim.sqlite'}")
    try:
        with engine.connect() as c:
            differences = compare_metadata(MigrationContext.configure(c), t.metadata)
    finally:
        engine.dispose()
    assert differences == []
    assert "idempotency_keys" in t.metadata.tables
