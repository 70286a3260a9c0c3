"""An app over the session's real-data store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings


@pytest.fixture(scope="session")
def client(cleveland_store: Path) -> Iterator[TestClient]:
    """A test client for create_app over the Cleveland + Nottinghamshire store."""
    with TestClient(create_app(Settings(store=cleveland_store))) as c:
        yield c
