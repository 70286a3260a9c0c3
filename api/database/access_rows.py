"""The access store's rows: tokens, login sessions and the audit log, read and written in the caller's transaction.

Plain values in, plain rows out: the access store (api/access/store.py) hashes secrets, decides roles and says what a
failure means; this module holds its SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from api.database.schema import audit, sessions, tokens

LIVE = tokens.c.revoked_at.is_(None)
BY_TOKEN = tokens.select().where(tokens.c.token_hash == sa.bindparam("hash"), LIVE)
BY_SESSION = (
    sa.select(tokens)
    .join(sessions, sessions.c.token_id == tokens.c.token_id)
    .where(sessions.c.session_hash == sa.bindparam("hash"), sessions.c.expires_at > sa.bindparam("now"), LIVE)
)


def insert_token(con: Connection, row: Mapping[str, Any]) -> None:
    """Add a token row (its hash, never the token)."""
    con.execute(tokens.insert().values(**row))


def token_rows(con: Connection) -> Sequence[RowMapping]:
    """Every token's id, holder, role, sources and dates, by id."""
    c = tokens.c
    query = sa.select(c.token_id, c.name, c.role, c.sources, c.created_at, c.revoked_at).order_by(c.token_id)
    return con.execute(query).mappings().all()


def revoke_token(con: Connection, token_id: int, now: datetime) -> int:
    """Revoke a live token and end its sessions; how many tokens were revoked (0 or 1)."""
    live = (tokens.c.token_id == token_id) & LIVE
    done = con.execute(tokens.update().where(live).values(revoked_at=now)).rowcount
    con.execute(sessions.delete().where(sessions.c.token_id == token_id))
    return int(done)


def live_token(con: Connection, token_hash: str) -> Any:
    """The live token row with this hash, or None."""
    return con.execute(BY_TOKEN, {"hash": token_hash}).first()


def start_session(con: Connection, session_hash: str, token_id: int | None, now: datetime, expires: datetime) -> None:
    """Drop expired sessions, then add one for the token."""
    con.execute(sessions.delete().where(sessions.c.expires_at < now))
    con.execute(sessions.insert().values(session_hash=session_hash, token_id=token_id, expires_at=expires))


def session_token(con: Connection, session_hash: str, now: datetime) -> Any:
    """The live token row behind an unexpired session with this hash, or None."""
    return con.execute(BY_SESSION, {"hash": session_hash, "now": now}).first()


def end_session(con: Connection, session_hash: str) -> None:
    """Remove a session."""
    con.execute(sessions.delete().where(sessions.c.session_hash == session_hash))


def insert_audit(con: Connection, record: Mapping[str, Any]) -> None:
    """Add an audit record."""
    con.execute(audit.insert().values(**record))


def audit_rows(con: Connection, who: str | None, since: datetime | None, limit: int) -> Sequence[RowMapping]:
    """The latest audit rows, newest first (one holder's, or since a time, when given)."""
    a = audit.c
    query = audit.select().order_by(a.audit_id.desc()).limit(limit)
    if who:
        query = query.where(a.who == who)
    if since:
        query = query.where(a.at >= since)
    return con.execute(query).mappings().all()
