"""The tasking tests run against SQLite and PostgreSQL (AIM_TEST_DATABASE_URL). Without a reachable server the
PostgreSQL cases are skipped, except under CI (CI set), where they fail."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings


def drop_every_table(url: str) -> None:
    """Drop every table of the database at url: an empty database, as one dropped and created again."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as c:
            meta = sa.MetaData()
            meta.reflect(c)
            meta.drop_all(c)
    finally:
        engine.dispose()


def _postgres_url() -> str:
    url = os.environ.get("AIM_TEST_DATABASE_URL")
    why = None
    if not url:
        why = "AIM_TEST_DATABASE_URL is not set"
    else:
        try:
            drop_every_table(url)  # a clean database for each test
        except sa.exc.SQLAlchemyError as exc:
            why = f"no PostgreSQL server at AIM_TEST_DATABASE_URL: {exc.__class__.__name__}"
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL for the tasking tests: {why}")
        pytest.skip(why)
    assert url
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty tasking database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tasking.sqlite'}"
    return _postgres_url()


@pytest.fixture()
def tasking_client(demo_store: Path, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The demo store served with a fresh tasking database (and its own access database)."""
    settings = Settings(store=demo_store, database_url=database_url, access_db=tmp_path / "access.sqlite")
    with TestClient(create_app(settings)) as c:
        yield c
