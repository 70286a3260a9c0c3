"""The service over an access database that cannot be written, is damaged, or sits on a disk that fills.

Read paths keep being answered; tokens work read-only; incident rows are never served without their audit record
(503), while aggregate reads and exports go ahead with the lost audit record written to the log; /healthz says what
is wrong (in general terms below analyst); a damaged file is left alone and the service serves the public view, as
it does while a database server cannot be reached.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.access.store import AccessStore
from api.database.tasking import TaskingUnavailable
from api.http.app import create_app
from api.settings import Settings
from tests.api.access.conftest import closed_port
from tests.api.access.test_store import holding, old_wal_database
from tests.api.conftest import SmallDisk, SqliteWrites

LAD = "E06000002"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_unwritable_access_database_keeps_reads_and_refuses_rows_without_audit(
    demo_store: Path,
    tmp_path: Path,
    sqlite_writes: SqliteWrites,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(AccessStore, "PROBE_SECONDS", 0)
    access = tmp_path / "access.sqlite"
    with TestClient(
        create_app(Settings(store=demo_store, database_url=f"sqlite:///{access}", cookie_secure=False))
    ) as app_client:
        store: AccessStore = app_client.app.state.access  # type: ignore[attr-defined]
        token = store.create_token("Jo Bloggs", Role.ANALYST)
        analyst = TestClient(app_client.app, headers=_bearer(token))
        browser = TestClient(app_client.app)
        assert browser.post("/login", data={"token": token, "next": "/"}, follow_redirects=False).status_code == 303
        assert analyst.get("/api/v1/incidents", params={"limit": 1}).status_code == 200
        audited = len(store.audit_log(limit=1000))

        sqlite_writes.block()
        caplog.set_level(logging.INFO)
        assert analyst.get("/api/v1/wards").status_code == 200  # token auth works read-only
        assert "Jo Bloggs (analyst)" in browser.get("/").text  # and so does a live session
        export = analyst.get("/api/v1/trends", params={"lad": LAD, "format": "csv"})
        assert export.status_code == 200  # an aggregate export goes ahead ...
        lost = [r for r in caplog.records if "audit record not written" in r.getMessage()]
        assert lost and "Jo Bloggs" in lost[-1].getMessage() and "format=csv" in lost[-1].getMessage()  # ... logged
        rows = analyst.get("/api/v1/incidents", params={"limit": 1})
        assert rows.status_code == 503 and "audit log cannot be written" in rows.json()["detail"]
        assert "features" not in rows.text and str(access) not in rows.text
        one = analyst.get("/api/v1/incidents/" + "0" * 32)
        assert one.status_code == 503
        login = TestClient(app_client.app).post("/login", data={"token": token, "next": "/"}, follow_redirects=False)
        assert login.status_code == 503 and "not available" in login.text
        assert browser.post("/logout", follow_redirects=False).status_code == 303  # the cookie goes whatever

        health = analyst.get("/healthz").json()
        assert health["status"] == "degraded" and health["access"]["status"] == "read-only"
        assert str(access) in health["access"]["detail"] and health["problems"]
        public = TestClient(app_client.app).get("/healthz")
        assert public.status_code == 200 and public.json()["status"] == "degraded"
        assert set(public.json()) == {"status", "problems"} and str(access) not in public.text
        assert any("cannot be written" in r.getMessage() and r.levelno >= logging.ERROR for r in caplog.records)

        sqlite_writes.allow()
        assert analyst.get("/healthz").json()["status"] == "ok"  # the check writes again and says so
        assert analyst.get("/api/v1/incidents", params={"limit": 1}).status_code == 200
        assert len(store.audit_log(limit=1000)) == audited + 1  # the refused read has no record; nothing else lost


def test_a_damaged_access_database_is_left_alone_and_the_public_view_is_served(
    demo_store: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    access = tmp_path / "access.sqlite"
    tokens = holding(access)
    with access.open("r+b") as fh:
        fh.truncate(access.stat().st_size // 2)
    before = access.read_bytes()
    caplog.set_level(logging.INFO)
    with TestClient(create_app(Settings(store=demo_store, database_url=f"sqlite:///{access}"))) as public:
        assert any("token sign-in is off until AIM is restarted" in r.getMessage() for r in caplog.records)
        assert public.get("/api/v1/wards").status_code == 200
        assert "Police.uk open data, counted as" in public.get("/").text
        refused = public.get("/api/v1/wards", headers=_bearer(tokens[0]))
        assert refused.status_code == 503 and "tokens cannot be checked" in refused.json()["detail"]
        assert str(access) not in refused.text
        assert public.post("/login", data={"token": tokens[0], "next": "/"}).status_code == 503
        assert public.get("/api/v1/incidents").status_code == 401
        health = public.get("/healthz").json()
        assert health["status"] == "degraded" and any("damaged" in p for p in health["problems"])
    assert access.read_bytes() == before


def test_a_full_disk_then_a_restart_on_it(
    demo_store: Path, small_disk: SmallDisk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured with the service before: once the disk filled (a failed upload), every token request and /login
    got a 500 and a restart failed with a traceback. The access database here is one an older AIM wrote (WAL)."""
    access = small_disk.root / "access.sqlite"
    token = old_wal_database(access)
    settings = Settings(store=demo_store, database_url=f"sqlite:///{access}", cookie_secure=False)
    with TestClient(create_app(settings), headers=_bearer(token)) as analyst:
        assert analyst.get("/api/v1/incidents", params={"limit": 1}).status_code == 200
        small_disk.fill()
        assert analyst.get("/api/v1/wards").status_code == 200
        assert analyst.get("/api/v1/incidents", params={"limit": 1}).status_code == 503
        assert TestClient(analyst.app).post("/login", data={"token": token}).status_code == 503
        assert "disk is full" in analyst.get("/healthz").json()["access"]["detail"]
    with TestClient(create_app(settings), headers=_bearer(token)) as restarted:  # a restart on the full disk
        assert restarted.get("/api/v1/wards").status_code == 200
        assert restarted.get("/api/v1/incidents", params={"limit": 1}).status_code == 503
        assert restarted.get("/healthz").json()["status"] == "degraded"
        small_disk.free()
        monkeypatch.setattr(AccessStore, "PROBE_SECONDS", 0)
        assert restarted.get("/healthz").json()["status"] == "ok"
        assert restarted.get("/api/v1/incidents", params={"limit": 1}).status_code == 200
    with closing(sqlite3.connect(access)) as con:
        assert con.execute("SELECT count(*) FROM audit").fetchone()[0] >= 2


def test_an_unreachable_database_server_serves_the_public_view_and_says_so(
    demo_store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL out of reach at start (nothing listens on its port): token checks fail closed."""
    url = f"postgresql+psycopg://aim_ci:secret-password@127.0.0.1:{closed_port()}/aim_ci"
    caplog.set_level(logging.INFO)
    with TestClient(create_app(Settings(store=demo_store, database_url=url))) as public:
        assert any("until the database server can be reached" in r.getMessage() for r in caplog.records)
        assert public.get("/api/v1/wards").status_code == 200
        refused = public.get("/api/v1/wards", headers=_bearer("aim_any-token"))
        assert refused.status_code == 503 and "tokens cannot be checked" in refused.json()["detail"]
        assert public.get("/api/v1/incidents").status_code == 401
        assert public.post("/login", data={"token": "aim_any-token", "next": "/"}).status_code == 503
        health = public.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert any("cannot be read" in p for p in health.json()["problems"]) and "127.0.0.1" not in health.text


def test_a_database_file_deleted_while_serving_is_reported_not_replaced(demo_store: Path, tmp_path: Path) -> None:
    """Tokens and tasking share the file; neither makes an empty one in its place."""
    access = tmp_path / "aim.sqlite"
    with TestClient(create_app(Settings(store=demo_store, database_url=f"sqlite:///{access}"))) as app_client:
        store: AccessStore = app_client.app.state.access  # type: ignore[attr-defined]
        analyst = TestClient(app_client.app, headers=_bearer(store.create_token("Jo", Role.ANALYST)))
        assert analyst.get("/api/v1/problems").status_code == 200
        access.unlink()
        assert analyst.get("/api/v1/wards").status_code == 503  # the token cannot be checked
        assert TestClient(app_client.app).get("/api/v1/wards").status_code == 200
        assert TestClient(app_client.app).get("/healthz").json()["status"] == "degraded"
        with pytest.raises(TaskingUnavailable):
            app_client.app.state.tasking.problems()  # type: ignore[attr-defined]
        assert not access.exists()
