"""Who may use AIM and what they did: API tokens (hashed), login sessions and the audit log.

They live in the deployment's database with tasking (an SQLite file beside the store, or PostgreSQL at
AIM_DATABASE_URL); api/access/connection.py opens it and says what happens when it fails. A token and a session
secret are shown once and kept only as their SHA-256. Times are UTC; they leave as ISO 8601 text.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from api.access.connection import AccessDatabase
from api.access.errors import AccessDamaged, AccessHealth, AccessUnavailable
from api.access.principals import Principal, Role
from api.database import Connection, access_rows

__all__ = ["TOKEN_PREFIX", "AccessDamaged", "AccessHealth", "AccessStore", "AccessUnavailable"]

TOKEN_PREFIX = "aim_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(value: datetime | None) -> str | None:
    """A stored time as ISO 8601 text in UTC (SQLite gives it back without its zone)."""
    if value is None:
        return None
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat()


def _principal(row: Any) -> Principal | None:
    if row is None:
        return None
    return Principal(row.name, Role(row.role), tuple(row.sources), row.token_id)


class AccessStore(AccessDatabase):
    """Tokens, sessions and audit rows (see AccessDatabase for opening, failures and health)."""

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
        row = {
            "name": name,
            "role": role.value,
            "sources": list(sources),
            "token_hash": _hash(token),
            "created_at": _now(),
        }
        self._change(lambda c: access_rows.insert_token(c, row), "create a token")
        return token

    def tokens(self) -> list[dict[str, Any]]:
        """Every token's id, holder, role, sources and dates (never the token)."""
        found = self._rows(access_rows.token_rows)
        return [
            {
                **dict(r),
                "sources": list(r["sources"]),
                "created_at": _iso(r["created_at"]),
                "revoked_at": _iso(r["revoked_at"]),
            }
            for r in found
        ]

    def revoke(self, token_id: int) -> bool:
        """Revoke a token and end its sessions; False when there is no such live token."""
        return bool(self._change(lambda con: access_rows.revoke_token(con, token_id, _now()), "revoke a token"))

    def by_token(self, token: str) -> Principal | None:
        """The live token's holder, or None."""
        return _principal(self._rows(lambda con: access_rows.live_token(con, _hash(token))))

    def start_session(self, principal: Principal, hours: float) -> str:
        """A new login session for a token holder; returns the session secret for the cookie."""
        session = secrets.token_urlsafe(32)
        now = _now()

        def run(con: Connection) -> None:
            access_rows.start_session(con, _hash(session), principal.token_id, now, now + timedelta(hours=hours))

        self._change(run, "start a session")
        return session

    def by_session(self, session: str) -> Principal | None:
        """The holder of a live, unexpired session, or None."""
        return _principal(self._rows(lambda con: access_rows.session_token(con, _hash(session), _now())))

    def end_session(self, session: str) -> None:
        """Log out."""
        self._change(lambda c: access_rows.end_session(c, _hash(session)), "end a session")

    def audit(self, principal: Principal, action: str, filters: dict[str, Any], rows: int, fmt: str) -> None:
        """Record an access to incident-level data."""
        record = {
            "at": _now(),
            "who": principal.name,
            "role": principal.role.value,
            "action": action,
            "filters": filters,
            "rows": rows,
            "format": fmt,
        }
        self._change(lambda c: access_rows.insert_audit(c, record), "write an audit record")

    def audit_log(
        self, who: str | None = None, since: datetime | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """The latest audit rows, newest first (optionally one holder's, or since a time)."""
        start = since.astimezone(UTC) if since else None
        found = self._rows(lambda con: access_rows.audit_rows(con, who, start, limit))
        return [{**dict(r), "at": _iso(r["at"]), "filters": dict(r["filters"])} for r in found]
