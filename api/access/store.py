"""Who may use AIM and what they did: API tokens (hashed), login sessions and the audit log, in SQLite.

Access state lives apart from the incident store because it is written while the service runs (sessions, audit)
and by the CLI at the same time (`aim users create`); SQLite in WAL mode takes writers from several processes,
which a DuckDB file held by one process cannot.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from api.access.principals import Principal, Role

TOKEN_PREFIX = "aim_"
SCHEMA = """
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


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class AccessStore:
    """Tokens, sessions and audit rows in one SQLite file (a new connection per call: safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=10)
        con.row_factory = sqlite3.Row
        return con

    def create_token(self, name: str, role: Role, sources: tuple[str, ...] = ()) -> str:
        """Create a token for a named holder; returns the token (only its hash is kept)."""
        role = Role(role)
        if role == Role.PUBLIC:
            raise ValueError("the public needs no token")
        if role == Role.PARTNER and not sources:
            raise ValueError("a partner token needs the sources its agreement covers")
        if role != Role.PARTNER and sources:
            raise ValueError("only partner tokens are limited to sources")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._connect() as con:
            con.execute(
                "INSERT INTO tokens (name, role, sources, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                [name, role.value, json.dumps(list(sources)), _hash(token), _now().isoformat()],
            )
        return token

    def tokens(self) -> list[dict[str, Any]]:
        """Every token's id, holder, role, sources and dates (never the token)."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT token_id, name, role, sources, created_at, revoked_at FROM tokens ORDER BY token_id"
            ).fetchall()
        return [{**dict(r), "sources": json.loads(r["sources"])} for r in rows]

    def revoke(self, token_id: int) -> bool:
        """Revoke a token and end its sessions; False when there is no such live token."""
        with self._connect() as con:
            done = con.execute(
                "UPDATE tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                [_now().isoformat(), token_id],
            ).rowcount
            con.execute("DELETE FROM sessions WHERE token_id = ?", [token_id])
        return bool(done)

    def _principal(self, row: sqlite3.Row | None) -> Principal | None:
        if row is None:
            return None
        return Principal(row["name"], Role(row["role"]), tuple(json.loads(row["sources"])), row["token_id"])

    def by_token(self, token: str) -> Principal | None:
        """The live token's holder, or None."""
        with self._connect() as con:
            row = con.execute(
                "SELECT * FROM tokens WHERE token_hash = ? AND revoked_at IS NULL", [_hash(token)]
            ).fetchone()
        return self._principal(row)

    def start_session(self, principal: Principal, hours: float) -> str:
        """A new login session for a token holder; returns the session secret for the cookie."""
        session = secrets.token_urlsafe(32)
        expires = (_now() + timedelta(hours=hours)).isoformat()
        with self._connect() as con:
            con.execute("DELETE FROM sessions WHERE expires_at < ?", [_now().isoformat()])
            con.execute("INSERT INTO sessions VALUES (?, ?, ?)", [_hash(session), principal.token_id, expires])
        return session

    def by_session(self, session: str) -> Principal | None:
        """The holder of a live, unexpired session, or None."""
        with self._connect() as con:
            row = con.execute(
                """SELECT t.* FROM sessions s JOIN tokens t USING (token_id)
                   WHERE s.session_hash = ? AND s.expires_at > ? AND t.revoked_at IS NULL""",
                [_hash(session), _now().isoformat()],
            ).fetchone()
        return self._principal(row)

    def end_session(self, session: str) -> None:
        """Log out."""
        with self._connect() as con:
            con.execute("DELETE FROM sessions WHERE session_hash = ?", [_hash(session)])

    def audit(self, principal: Principal, action: str, filters: dict[str, Any], rows: int, fmt: str) -> None:
        """Record an access to incident-level data."""
        with self._connect() as con:
            con.execute(
                "INSERT INTO audit (at, who, role, action, filters, rows, format) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [_now().isoformat(), principal.name, principal.role.value, action, json.dumps(filters), rows, fmt],
            )

    def audit_log(
        self, who: str | None = None, since: datetime | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """The latest audit rows, newest first (optionally one holder's, or since a time)."""
        clauses: list[str] = []
        params: list[object] = []
        if who:
            clauses.append("who = ?")
            params.append(who)
        if since:
            clauses.append("at >= ?")
            params.append(since.astimezone(UTC).isoformat())
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._connect() as con:
            rows = con.execute(
                f"SELECT * FROM audit {where} ORDER BY audit_id DESC LIMIT ?",  # noqa: S608 (fixed fragments)
                [*params, limit],
            ).fetchall()
        return [{**dict(r), "filters": json.loads(r["filters"])} for r in rows]
