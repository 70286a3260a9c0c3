"""kill -9 at points through a migration of the deployment database (SQLite and PostgreSQL, from nothing and from
the first revision): nothing half-applied; the next opening migrates it to the same tables as a clean one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from api.database import MIGRATIONS, head, open_engine
from api.database import schema as t
from tests.api.database.killed import killed_at
from tests.api.tasking.conftest import drop_every_table

POINTS = (2, 5, 12, 25, 40)  # statements sent before the kill: inside the first, middle and last tables' DDL
WHEN = datetime(2025, 7, 1, tzinfo=UTC)
PROBLEM = {
    "title": "Nuisance in Albert Park",
    "description": "",
    "category_group": "asb",
    "status": "scanning",
    "owner": "CSP",
    "partners": [],
    "sources": [],
    "opened": date(2025, 7, 1),
    "baseline_start": date(2025, 1, 1),
    "baseline_end": date(2025, 6, 1),
    "created_by": "analyst",
    "created_at": WHEN,
    "updated_at": WHEN,
}


def _state(url: str) -> tuple[list[str], list[object]]:
    """The database's migration versions, and how its tables differ from schema.py's."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            versions = [str(v) for v in c.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()]
            differences = compare_metadata(MigrationContext.configure(c), t.metadata)
    finally:
        engine.dispose()
    return versions, differences


@pytest.mark.slow
@pytest.mark.parametrize("start", [None, "0001"])
def test_a_migration_killed_part_way_is_finished_by_the_next_opening(empty_url: str, start: str | None) -> None:
    killed = 0
    for point in POINTS:
        drop_every_table(empty_url)
        if start:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            engine = sa.create_engine(empty_url)
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, start)  # as the last release left it
                connection.execute(t.problems.insert().values(**PROBLEM))  # a record it must keep
            engine.dispose()
        code = killed_at(empty_url, point)
        assert code in (-9, 0), code
        killed += code == -9
        engine = open_engine(empty_url)  # the next start
        engine.dispose()
        versions, differences = _state(empty_url)
        assert versions == [head()] and differences == [], (point, versions, differences)
        if start:
            engine = sa.create_engine(empty_url)
            with engine.connect() as c:
                assert c.execute(sa.select(t.problems.c.title)).scalars().all() == [PROBLEM["title"]]
            engine.dispose()
    assert killed >= 3  # most points fell inside the migration
