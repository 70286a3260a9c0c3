"""PostgreSQL stopping while the service runs, and starting again: requests are refused (503, nothing written) while
it is down, and served again within seconds of its return, without a restart; nothing is lost or half-written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from tests.api.tasking.conftest import _postgres_url
from tests.api.tasking.cuttable import cuttable
from tests.api.tasking.test_problems import PROBLEM
from tests.conftest import sign_in


def _back_within(client: TestClient, seconds: float) -> float:
    """Seconds until the problems list answers 200 again (fails after `seconds`)."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if client.get("/api/v1/problems").status_code == 200:
            return time.monotonic() - start
        time.sleep(0.1)
    pytest.fail(f"not served again within {seconds} s of PostgreSQL's return")


@pytest.mark.postgres
def test_postgresql_stopped_while_serving(demo_store: Path, tmp_path: Path) -> None:
    real = sa.engine.make_url(_postgres_url())
    with cuttable(real.port or 5432) as server:
        url = real.set(port=server.port).render_as_string(hide_password=False)
        settings = Settings(store=demo_store, database_url=url, access_db=tmp_path / "a.sqlite", tile_url="none")
        with TestClient(create_app(settings)) as client:
            sign_in(client)
            body = {**PROBLEM, "area": {"wards": ["Park"]}}
            first = client.post("/api/v1/problems", json=body)
            assert first.status_code == 201

            server.cut()  # PostgreSQL goes away
            assert client.get("/api/v1/problems").status_code == 503  # the token cannot be checked: not a 401
            refused = client.post("/api/v1/problems", json=body, headers={"Idempotency-Key": "while-down"})
            assert refused.status_code == 503
            assert client.get("/api/v1/wards").status_code == 503  # a bearer token that cannot be checked: 503
            assert TestClient(client.app).get("/api/v1/wards").status_code == 200  # the public view needs no token

            server.up()  # and comes back
            back = _back_within(client, 15)
            print(f"served again {back:.2f} s after PostgreSQL came back")
            made = client.post("/api/v1/problems", json=body, headers={"Idempotency-Key": "while-down"})
            assert made.status_code == 201
            listed = client.get("/api/v1/problems").json()
            assert listed["count"] == 2  # the one before, and the retried one: nothing from the refused request
            for problem in listed["problems"]:
                detail = client.get(f"/api/v1/problems/{problem['id']}").json()
                assert detail["profile"]["total"] >= 0  # each with its baseline profile
