"""Clients on the demo store (police.uk data plus council feeds) for the disclosure tests; a fresh database of each
kind (SQLite, PostgreSQL) for the access store's own tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from tests.api.tasking.conftest import _postgres_url as postgres_url
from tests.conftest import sign_in


@pytest.fixture(scope="module")
def app_client(demo_store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=demo_store))) as c:
        yield c


@pytest.fixture(scope="module")
def analyst(app_client: TestClient) -> TestClient:
    return sign_in(TestClient(app_client.app))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def public(app_client: TestClient) -> TestClient:
    return TestClient(app_client.app)


@pytest.fixture(params=["sqlite", "postgresql"])
def access_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind (PostgreSQL at AIM_TEST_DATABASE_URL: skipped without a server, except
    under CI, where it fails)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'aim.sqlite'}"
    return postgres_url()


def closed_port() -> int:
    """A local TCP port nothing listens on (bound and closed again)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
