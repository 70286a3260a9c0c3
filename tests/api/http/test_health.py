"""/healthz: ok or degraded (and why, in general terms) for everyone; what the store holds, when each source was last
loaded and the access database's state for analysts only (exact totals and load times would give away the size of
each upload by differencing)."""

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


@pytest.mark.parametrize("role", ["public", "councillor", "partner"])
def test_below_analyst_healthz_says_only_whether_the_service_is_ok(app_client: TestClient, role: str) -> None:
    c = TestClient(app_client.app)
    if role != "public":
        sign_in(c, role, ("warden",) if role == "partner" else ())
    response = c.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "problems": []}
    assert "last_loaded" not in response.text and "incidents" not in response.text


def test_an_analyst_gets_the_full_report(app_client: TestClient) -> None:
    body = sign_in(TestClient(app_client.app)).get("/healthz").json()  # type: ignore[attr-defined]
    assert body["status"] == "ok" and body["problems"] == [] and body["access"]["status"] == "ok"
    assert body["sources"]["warden"]["incidents"] > 0 and body["sources"]["warden"]["last_loaded"]
    assert body["incidents"] == sum(s["incidents"] for s in body["sources"].values())
    assert body["boundary_sets"] and body["categories"]
