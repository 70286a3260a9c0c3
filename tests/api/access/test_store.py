"""The access database (tokens, sessions, audit) on SQLite when its file is cut short, corrupted, or cannot be written.

A damaged file is never recreated or written to; a file that can be read but not written keeps tokens working
read-only and says what fails. Reproduced with truncated and corrupted copies of a real file, SQLite's own refusal
to write (PRAGMA query_only), and a real full disk (a small tmpfs, when the tests may mount one).
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from api.access.principals import Role
from api.access.store import AccessDamaged, AccessStore, AccessUnavailable
from tests.api.conftest import SmallDisk, SqliteWrites


def holding(path: Path, tokens: int = 12, audits: int = 120) -> list[str]:
    """An access database with tokens and an audit log long enough to span many pages; every connection closed."""
    store = AccessStore(path)
    made = [store.create_token(f"holder {i}", Role.ANALYST) for i in range(tokens)]
    someone = store.by_token(made[0])
    assert someone is not None
    for i in range(audits):
        store.audit(someone, "GET /api/v1/incidents", {"ward": [f"E0500{i:04d}"]}, i, "csv")
    return made


def old_wal_database(path: Path) -> str:
    """A database in WAL mode (as an older AIM wrote its access file), holding one analyst token whose row is
    written directly (its hash as AIM keeps it); every connection closed."""
    token = "aim_old-token"
    AccessStore(path)
    with closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(
            "INSERT INTO tokens (name, role, sources, token_hash, created_at) VALUES (?, ?, '[]', ?, ?)",
            ["old analyst", "analyst", hashlib.sha256(token.encode()).hexdigest(), "2025-01-01 00:00:00.000000"],
        )
        con.commit()
    return token


@pytest.mark.parametrize("cut", ["half", "empty", "header only"])
def test_a_truncated_file_is_refused_and_left_exactly_as_it_is(tmp_path: Path, cut: str) -> None:
    path = tmp_path / "access.sqlite"
    holding(path)
    size = {"half": path.stat().st_size // 2, "empty": 0, "header only": 100}[cut]
    with path.open("r+b") as fh:
        fh.truncate(size)
    before = path.read_bytes()
    with pytest.raises(AccessDamaged) as caught:
        AccessStore(path)
    message = str(caught.value)
    assert str(path) in message and "restore" in message and "move it aside" in message
    assert path.read_bytes() == before  # not recreated, not repaired, not written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["access.sqlite"]


def test_a_corrupted_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "access.sqlite"
    holding(path)
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page : 5 * page] = b"\xa5" * (2 * page)  # two pages of the b-trees overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(AccessDamaged, match="damaged"):
        AccessStore(path)
    assert path.read_bytes() == bytes(data)


def test_a_file_that_is_not_an_access_database_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all\n" * 300)
    with pytest.raises(AccessDamaged, match="not an SQLite database"):
        AccessStore(text)
    other = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(other)) as con:
        con.execute("CREATE TABLE things (x)")
    with pytest.raises(AccessDamaged, match="not an AIM database"):
        AccessStore(other)


def test_a_missing_file_is_created_but_not_beside_a_journal_left_behind(tmp_path: Path) -> None:
    fresh = tmp_path / "new" / "access.sqlite"
    token = AccessStore(fresh).create_token("Jo", Role.ANALYST)
    assert AccessStore(fresh).by_token(token) is not None
    assert sorted(p.name for p in fresh.parent.iterdir()) == ["access.sqlite"]  # nothing half-built left beside it
    gone = tmp_path / "gone.sqlite"
    Path(f"{gone}-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\0" * 4088)
    with pytest.raises(AccessDamaged, match="missing"):
        AccessStore(gone)
    assert not gone.exists()


def test_a_damaged_file_turns_the_service_store_off_without_raising(tmp_path: Path) -> None:
    path = tmp_path / "access.sqlite"
    holding(path)
    path.write_bytes(path.read_bytes()[:4096])
    store = AccessStore.serving(path)
    health = store.health()
    assert health.status == "damaged" and str(path) in (health.detail or "")
    for call in (
        lambda: store.by_token("aim_x"),
        lambda: store.tokens(),
        lambda: store.create_token("Jo", Role.ANALYST),
    ):
        with pytest.raises(AccessDamaged):
            call()
    assert path.stat().st_size == 4096


def test_an_unwritable_file_keeps_tokens_working_and_says_what_fails(
    tmp_path: Path, sqlite_writes: SqliteWrites, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "access.sqlite"
    tokens = holding(path, tokens=3, audits=5)
    store = AccessStore(path)
    someone = store.by_token(tokens[0])
    assert someone is not None
    session = store.start_session(someone, 1)
    sqlite_writes.block()
    again = AccessStore(path)  # opening needs no write
    for s in (store, again):
        assert s.by_token(tokens[1]) is not None and s.by_session(session) == someone
        assert len(s.tokens()) == 3 and len(s.audit_log()) == 5
    for write in (
        lambda: store.create_token("Jo", Role.ANALYST),
        lambda: store.start_session(someone, 1),
        lambda: store.audit(someone, "GET /api/v1/incidents", {}, 1, "geojson"),
        lambda: store.revoke(1),
        lambda: store.end_session(session),
    ):
        with pytest.raises(AccessUnavailable) as caught:
            write()
        assert "cannot be written" in str(caught.value) and str(path) in str(caught.value)
        assert not isinstance(caught.value, AccessDamaged)
    health = store.health()
    assert health.status == "read-only" and "read-only" in (health.detail or "")
    assert health.since is not None
    monkeypatch.setattr(AccessStore, "PROBE_SECONDS", 0)
    assert store.check().status == "read-only"  # the check writes, and still cannot
    sqlite_writes.allow()
    assert store.check().status == "ok"  # writes work again: the check says so
    assert len(store.audit_log(limit=1000)) == 5  # nothing lost, nothing half-written


def test_a_full_disk_after_the_last_connection_closed(tmp_path: Path, small_disk: SmallDisk) -> None:
    """Measured: a WAL database whose -shm file is gone cannot even be read on a full disk ("disk I/O error"), so
    every token request failed and a restart failed. Now the file is read as it is, and converted when it can be."""
    path = small_disk.root / "access.sqlite"
    token = old_wal_database(path)
    small_disk.fill()
    store = AccessStore(path)  # a restart on the full disk
    principal = store.by_token(token)
    assert principal is not None and principal.name == "old analyst"
    with pytest.raises(AccessUnavailable, match="disk is full"):
        store.audit(principal, "GET /api/v1/incidents", {}, 1, "geojson")
    assert store.health().status == "read-only"
    small_disk.free()
    converted = AccessStore(path)
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    converted.audit(principal, "GET /api/v1/incidents", {}, 1, "geojson")
    small_disk.fill()
    # a rollback-journal database on a full disk: reads as usual, and writes fail with SQLite's "disk is full"
    assert converted.by_token(token) is not None and len(converted.audit_log()) == 1
    with pytest.raises(AccessUnavailable, match="disk is full"):
        converted.start_session(principal, 1)
    with pytest.raises(AccessUnavailable, match="disk is full"):
        converted.create_token("Jo", Role.ANALYST)
    small_disk.free()
    assert converted.check().status == "ok"
