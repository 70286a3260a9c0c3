"""Clients on the demo store (police.uk data plus council feeds) for the disclosure tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
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
