"""Nothing half-applied: a tasking write refused with 503 kept nothing (the database failed between its steps: a
PostgreSQL backend terminated, a SQLite file system filled), and a create retried with its Idempotency-Key is made
once, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.database import schema as t
from api.http.app import create_app
from api.settings import Settings
from tests.api.conftest import SmallDisk
from tests.api.tasking.conftest import _postgres_url, drop_every_table
from tests.api.tasking.test_problems import PROBLEM, _client, _top_cell
from tests.conftest import sign_in

ACTION = {
    "what": "Patrols",
    "owner_agency": "police",
    "start": "2025-07-01",
    "due": "2025-09-30",
    "measure": "ASB incidents",
    "target": "down 20% against control over 6 months",
}
EVALUATION = {"before_from": "2025-01", "before_to": "2025-06", "after_from": "2025-07", "after_to": "2025-12"}


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            tables = (t.problems, t.problem_areas, t.problem_profiles, t.actions, t.reviews, t.evaluations)
            counts = {
                table.name: int(c.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                for table in (*tables, t.tasking_audit)
            }
    finally:
        engine.dispose()
    return counts


class Fault:
    """Fails the tasking database the next time a statement starting with `before` is about to run."""

    def __init__(self, engine: sa.Engine, fail: Callable[[Any], None]) -> None:
        self.engine, self._fail, self.before, self.fired = engine, fail, "", 0
        sa.event.listen(engine, "before_cursor_execute", self._hook)

    def arm(self, before: str) -> None:
        self.before = before

    def _hook(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.before and statement.lstrip().upper().startswith(self.before.upper()):
            self.before = ""
            self.fired += 1
            self._fail(conn)


def _terminate(url: str) -> Callable[[Any], None]:
    """Terminate the PostgreSQL backend serving the connection (from another session), as a server restart would."""

    def fail(conn: Any) -> None:
        pid = conn.connection.dbapi_connection.info.backend_pid
        killer = sa.create_engine(url)
        with killer.connect() as c:
            c.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()

    return fail


@contextmanager
def _serving(demo_store: Path, url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(store=demo_store, database_url=url, access_db=tmp_path / "access.sqlite", tile_url="none")
    with TestClient(create_app(settings)) as c:
        sign_in(c)
        yield c


@pytest.fixture(params=["sqlite", "postgresql"])
def faulty(
    request: pytest.FixtureRequest, demo_store: Path, tmp_path: Path
) -> Iterator[tuple[TestClient, Fault, str, Callable[[], None]]]:
    """A served demo store whose tasking database can be failed mid-write: (client, fault, url, recover)."""
    if request.param == "sqlite":
        disk: SmallDisk = request.getfixturevalue("small_disk")
        url = f"sqlite:///{disk.root / 'tasking.sqlite'}"
        with _serving(demo_store, url, tmp_path) as client:
            fault = Fault(client.app.state.tasking.engine, lambda conn: disk.fill())  # type: ignore[attr-defined]
            yield client, fault, url, disk.free
        return
    url = _postgres_url()
    with _serving(demo_store, url, tmp_path) as client:
        fault = Fault(client.app.state.tasking.engine, _terminate(url))  # type: ignore[attr-defined]
        yield client, fault, url, lambda: None


def test_a_problem_refused_is_not_kept_and_its_retry_is_made_once(
    faulty: tuple[TestClient, Fault, str, Callable[[], None]],
) -> None:
    client, fault, url, recover = faulty
    analyst = _client(client, "analyst")
    body = {**PROBLEM, "area": {"cells": [_top_cell(analyst)["h3"]]}}
    key = {"Idempotency-Key": "3f1c8a52-problem"}
    before = _counts(url)

    fault.arm("INSERT INTO problem_profiles")  # after the problem, its area and its audit row
    refused = analyst.post("/api/v1/problems", json=body, headers=key)
    assert fault.fired == 1 and refused.status_code == 503, refused.text
    recover()
    assert _counts(url) == before  # nothing of it was kept
    assert analyst.get("/api/v1/problems").json()["count"] == 0

    made = analyst.post("/api/v1/problems", json=body, headers=key)
    assert made.status_code == 201, made.text
    again = analyst.post("/api/v1/problems", json=body, headers=key)  # the client did not hear the answer: retries
    assert again.status_code == 201 and again.json()["id"] == made.json()["id"]
    assert again.json()["profile"] == made.json()["profile"] and made.json()["profile"]["total"] > 0
    listed = analyst.get("/api/v1/problems").json()
    assert listed["count"] == 1
    other = analyst.post("/api/v1/problems", json={**body, "title": "Another"}, headers=key)
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    plain = analyst.post("/api/v1/problems", json=body)  # without a key each request makes a problem
    assert plain.status_code == 201 and plain.json()["id"] != made.json()["id"]
    audit = analyst.get(f"/api/v1/problems/{made.json()['id']}/audit").json()["changes"]
    assert [(a["change"], a["entity"]) for a in audit] == [("created", "problem"), ("frozen", "profile")]


@pytest.mark.parametrize(
    ("route", "body", "table"),
    [
        ("actions", ACTION, "actions"),
        ("reviews", {"note": "Patrols started"}, "reviews"),
        ("evaluation", EVALUATION, "evaluations"),
    ],
)
def test_a_problems_parts_refused_are_not_kept_and_are_made_once(
    faulty: tuple[TestClient, Fault, str, Callable[[], None]], route: str, body: dict[str, Any], table: str
) -> None:
    client, fault, url, recover = faulty
    analyst = _client(client, "analyst")
    problem = analyst.post("/api/v1/problems", json={**PROBLEM, "area": {"cells": [_top_cell(analyst)["h3"]]}})
    pid = problem.json()["id"]
    before = _counts(url)
    key = {"Idempotency-Key": f"key-{route}"}

    fault.arm("INSERT INTO tasking_audit")  # the part is written, its audit row fails
    refused = analyst.post(f"/api/v1/problems/{pid}/{route}", json=body, headers=key)
    assert fault.fired == 1 and refused.status_code == 503, refused.text
    recover()
    assert _counts(url) == before

    first = analyst.post(f"/api/v1/problems/{pid}/{route}", json=body, headers=key)
    second = analyst.post(f"/api/v1/problems/{pid}/{route}", json=body, headers=key)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert _counts(url)[table] == before[table] + 1 and first.json() == second.json()

    fault.arm("INSERT INTO tasking_audit")
    change = {"status": "analysis"}
    refused_change = analyst.patch(f"/api/v1/problems/{pid}", json=change)
    assert refused_change.status_code == 503
    recover()
    assert analyst.get(f"/api/v1/problems/{pid}").json()["status"] == "scanning"  # the change was not kept either


def test_a_database_emptied_while_serving_is_built_again(demo_store: Path, database_url: str, tmp_path: Path) -> None:
    with _serving(demo_store, database_url, tmp_path) as client:
        analyst = _client(client, "analyst")
        assert analyst.post("/api/v1/problems", json={**PROBLEM, "area": {"wards": ["Park"]}}).status_code == 201
        drop_every_table(database_url)  # the database dropped and created again, empty, while the service runs
        # its tokens went with it: the analyst's is refused (401, not 503), and the tables are back, empty
        assert analyst.get("/api/v1/problems").status_code == 401
        public = TestClient(client.app)
        listed = public.get("/api/v1/problems")
        assert listed.status_code == 200 and listed.json()["count"] == 0
        health = public.get("/healthz").json()
        assert health["status"] == "ok", health
        again = sign_in(TestClient(client.app))  # a token made again (`aim users add`) works without a restart
        made = again.post("/api/v1/problems", json={**PROBLEM, "area": {"wards": ["Park"]}})  # type: ignore[attr-defined]
        assert made.status_code == 201 and made.json()["id"] == 1


def test_a_tasking_store_emptied_under_it_is_built_again(database_url: str) -> None:
    from api.database.tasking import TaskingStore, TaskingUnavailable

    store = TaskingStore.open(database_url)
    try:
        drop_every_table(database_url)
        with pytest.raises(TaskingUnavailable, match="created again, empty"):
            store.problems()
        assert store.problems() == []
    finally:
        store.close()
