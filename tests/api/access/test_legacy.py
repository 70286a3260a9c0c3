"""A deployment of the old layout (tokens, sessions and audit in <store stem>-access.sqlite) moving to the database:
on first start its rows are carried over, on SQLite and on PostgreSQL, and its file is only read.

The old file is made here with the old code's own DDL and rows as it wrote them (ISO 8601 text, JSON text, SHA-256)."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.access.store import AccessDamaged, AccessStore
from api.http.app import create_app
from api.settings import Settings

OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token_id    INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    sources     TEXT NOT NULL DEFAULT '[]',   -- JSON list: the sources a partner's agreement covers
    token_hash  TEXT NOT NULL UNIQUE,         -- SHA-256 of the token; the token itself is shown once
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    session_hash TEXT PRIMARY KEY,
    token_id     INTEGER NOT NULL REFERENCES tokens(token_id),
    expires_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    audit_id  INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    who       TEXT NOT NULL,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,               -- the route, e.g. GET /api/v1/incidents
    filters   TEXT NOT NULL,               -- the request's query parameters, JSON
    rows      INTEGER NOT NULL,
    format    TEXT NOT NULL
);
"""
ANALYST, PARTNER, REVOKED, SESSION = "aim_old-analyst", "aim_old-partner", "aim_old-revoked", "old-session-secret"


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def old_layout_file(path: Path) -> Path:
    """An access file as the old AccessStore wrote it: three tokens (ids 3, 7, 9), a live session, 40 audit rows."""
    with closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA application_id = 1095322945")
        con.executescript(OLD_SCHEMA)
        con.executemany(
            "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (3, "Jo Bloggs", "analyst", "[]", _sha(ANALYST), "2025-01-02T09:00:00+00:00", None),
                (7, "Wardens", "partner", '["wardens"]', _sha(PARTNER), "2025-02-03T10:00:00+00:00", None),
                (9, "Gone", "analyst", "[]", _sha(REVOKED), "2025-03-04T11:00:00+00:00", "2025-04-01T08:00:00+00:00"),
            ],
        )
        con.execute("INSERT INTO sessions VALUES (?, 3, ?)", (_sha(SESSION), "2999-01-01T00:00:00+00:00"))
        con.executemany(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    f"2025-05-01T12:00:{i:02d}+00:00",
                    "Jo Bloggs",
                    "analyst",
                    "GET /api/v1/incidents",
                    f'{{"ward": ["E0500{i:04d}"]}}',
                    i,
                    "csv",
                )  # fmt: skip
                for i in range(1, 41)
            ],
        )
        con.commit()
    return path


def test_the_old_files_rows_are_carried_over_on_first_start(tmp_path: Path, access_url: str) -> None:
    old = old_layout_file(tmp_path / "aim-access.sqlite")
    before = old.read_bytes()
    store = AccessStore(access_url, old)
    jo, wardens = store.by_token(ANALYST), store.by_token(PARTNER)
    assert jo is not None and jo.name == "Jo Bloggs" and jo.role == Role.ANALYST and jo.token_id == 3
    assert wardens is not None and wardens.sources == ("wardens",) and wardens.token_id == 7
    assert store.by_token(REVOKED) is None and store.by_session(SESSION) == jo  # signed-in users stay signed in
    listed = store.tokens()
    assert [t["token_id"] for t in listed] == [3, 7, 9]
    assert listed[2]["revoked_at"] == "2025-04-01T08:00:00+00:00" and listed[0]["created_at"].startswith("2025-01-02")
    log = store.audit_log(limit=100)
    assert [r["audit_id"] for r in log] == list(range(40, 0, -1))
    assert log[0]["filters"] == {"ward": ["E05000040"]} and log[0]["at"] == "2025-05-01T12:00:40+00:00"

    store.audit(jo, "GET /api/v1/incidents", {}, 1, "geojson")  # new rows go after the old ids
    new = store.by_token(store.create_token("New", Role.ANALYST))
    assert new is not None and (new.token_id or 0) > 9 and store.audit_log(limit=1)[0]["audit_id"] == 41
    again = AccessStore(access_url, old)  # a second start: nothing carried over twice
    assert len(again.tokens()) == 4 and len(again.audit_log(limit=100)) == 41
    assert old.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir() if "access" in p.name) == [
        "aim-access.sqlite"
    ]  # only read
    for s in (store, again):
        s.engine.dispose()


def test_a_damaged_old_file_is_refused_and_left_as_it_is(tmp_path: Path, access_url: str) -> None:
    old = old_layout_file(tmp_path / "aim-access.sqlite")
    with old.open("r+b") as fh:
        fh.truncate(100)
    before = old.read_bytes()
    with pytest.raises(AccessDamaged) as caught:
        AccessStore(access_url, old)
    assert "old layout" in str(caught.value) and str(old) in str(caught.value) and "restore" in str(caught.value)
    served = AccessStore.serving(access_url, old)  # the service: public-only, and says why
    assert served.health().status == "damaged" and str(old) in (served.health().detail or "")
    assert old.read_bytes() == before


def test_the_service_carries_the_old_layout_over_beside_the_store(demo_store: Path, tmp_path: Path) -> None:
    """The default layout: the old file beside the store, the new database beside it too."""
    store = tmp_path / "aim.duckdb"
    store.symlink_to(demo_store)
    old_layout_file(tmp_path / "aim-access.sqlite")
    with TestClient(create_app(Settings(store=store)), headers={"Authorization": f"Bearer {ANALYST}"}) as analyst:
        assert analyst.get("/api/v1/incidents", params={"limit": 1}).status_code == 200
        assert analyst.app.state.access.audit_log(limit=1)[0]["audit_id"] == 41  # type: ignore[attr-defined]
    assert (tmp_path / "aim-tasking.sqlite").exists()
