"""An app over the session's real-data store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from tests.conftest import sign_in


@pytest.fixture(scope="session")
def client(cleveland_store: Path) -> Iterator[TestClient]:
    """A test client for create_app over the Cleveland + Nottinghamshire store, signed in as an analyst."""
    with TestClient(create_app(Settings(store=cleveland_store))) as c:
        sign_in(c)
        yield c
