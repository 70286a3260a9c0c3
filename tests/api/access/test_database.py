"""Tokens, sessions and the audit log on each database (SQLite and PostgreSQL): what they keep, the migration from a
database with only the tasking tables, writers at once, and a server that cannot be reached."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from api.access.principals import Role
from api.access.store import AccessStore, AccessUnavailable
from api.database import MIGRATIONS, head
from api.database.tasking import TaskingStore
from tests.api.access.conftest import closed_port, postgres_url
from tests.api.tasking.cuttable import Cuttable


def test_tokens_sessions_and_audit(access_url: str) -> None:
    store = AccessStore(access_url)
    token = store.create_token("Jo Bloggs", Role.ANALYST)
    partner = store.create_token("Wardens", Role.PARTNER, ("wardens", "casework"))
    with sa.create_engine(access_url).connect() as c:
        hashes = set(c.execute(sa.text("SELECT token_hash FROM tokens")).scalars())
    assert hashes == {hashlib.sha256(t.encode()).hexdigest() for t in (token, partner)}  # only the hashes are kept
    jo = store.by_token(token)
    wardens = store.by_token(partner)
    assert jo is not None and jo.name == "Jo Bloggs" and jo.role == Role.ANALYST and jo.sources == ()
    assert wardens is not None and wardens.sources == ("wardens", "casework")
    assert store.by_token("aim_not-a-token") is None
    listed = store.tokens()
    assert [t["name"] for t in listed] == ["Jo Bloggs", "Wardens"] and listed[1]["sources"] == ["wardens", "casework"]
    assert datetime.fromisoformat(listed[0]["created_at"]).tzinfo is not None and listed[0]["revoked_at"] is None

    session = store.start_session(jo, 1)
    expired = store.start_session(jo, -1)
    assert store.by_session(session) == jo and store.by_session(expired) is None
    store.end_session(session)
    assert store.by_session(session) is None
    again = store.start_session(wardens, 1)
    assert store.revoke(wardens.token_id or 0) and not store.revoke(wardens.token_id or 0)
    assert store.by_token(partner) is None and store.by_session(again) is None  # its sessions end with it
    assert store.tokens()[1]["revoked_at"] is not None

    for i in range(5):
        store.audit(jo, "GET /api/v1/incidents", {"ward": [f"E0500000{i}"], "limit": i}, i, "geojson")
    store.audit(wardens, "GET /api/v1/incidents", {}, 2, "csv")
    log = store.audit_log()
    assert [r["who"] for r in log] == ["Wardens", *["Jo Bloggs"] * 5]  # newest first
    assert log[1]["filters"] == {"ward": ["E05000004"], "limit": 4} and log[1]["rows"] == 4
    assert len(store.audit_log(who="Jo Bloggs", limit=3)) == 3
    assert store.audit_log(since=datetime.now(UTC) + timedelta(minutes=1)) == []
    assert len(store.audit_log(since=datetime.now(UTC) - timedelta(minutes=1))) == 6
    assert datetime.fromisoformat(log[0]["at"]).tzinfo is not None
    store.engine.dispose()


def test_a_database_with_only_the_tasking_tables_is_migrated(access_url: str) -> None:
    engine = sa.create_engine(access_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")  # as a deployment of the last release left it
    assert "tokens" not in sa.inspect(engine).get_table_names()
    store = AccessStore(access_url)
    token = store.create_token("Jo", Role.ANALYST)
    assert store.by_token(token) is not None
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == head()
    tasking = TaskingStore.open(access_url)  # the same database serves tasking
    assert tasking.problems() == []
    tasking.close()
    engine.dispose()
    store.engine.dispose()


def test_writers_at_once_lose_no_audit_rows(access_url: str) -> None:
    """Partners' requests at once, each writer with its own store as separate processes would have."""
    first = AccessStore(access_url)
    token = first.create_token("hub", Role.ANALYST)
    writers, each = 8, 25
    failures: list[BaseException] = []

    def write(n: int) -> None:
        store = AccessStore(access_url)
        who = store.by_token(token)
        assert who is not None
        try:
            for i in range(each):
                store.audit(who, "GET /api/v1/incidents", {"writer": n, "i": i}, i, "geojson")
                if i % 5 == 0:
                    store.start_session(who, 1)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)
        store.engine.dispose()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    log = first.audit_log(limit=10_000)
    assert len(log) == writers * each and len({r["audit_id"] for r in log}) == writers * each
    assert {(r["filters"]["writer"], r["filters"]["i"]) for r in log} == {
        (n, i) for n in range(writers) for i in range(each)
    }
    first.engine.dispose()


def _unreachable() -> str:
    return f"postgresql+psycopg://aim_ci:secret-password@127.0.0.1:{closed_port()}/aim_ci"


def test_an_unreachable_server_fails_closed() -> None:
    url = _unreachable()
    with pytest.raises(AccessUnavailable) as caught:
        AccessStore(url)  # what `aim users` does: exit 1 with this message
    message = str(caught.value)
    assert "cannot be reached" in message and "127.0.0.1" in message and "secret-password" not in message
    store = AccessStore.serving(url)  # what the service does: start, public-only
    health = store.health()
    assert health.status == "unavailable" and "cannot be reached" in (health.detail or "")
    assert "tokens cannot be checked" in (health.summary or "")
    for call in (lambda: store.by_token("aim_x"), lambda: store.by_session("x"), lambda: store.tokens()):
        with pytest.raises(AccessUnavailable):
            call()
    assert store.check().status == "unavailable"


@pytest.mark.postgres
def test_a_server_unreachable_at_start_is_opened_once_it_can_be(monkeypatch: pytest.MonkeyPatch) -> None:
    real = sa.engine.make_url(postgres_url())
    server = Cuttable(real.port or 5432)  # the database server, down at first
    store = AccessStore.serving(real.set(port=server.port).render_as_string(hide_password=False))
    assert store.health().status == "unavailable"
    with pytest.raises(AccessUnavailable):
        store.by_token("aim_x")
    monkeypatch.setattr(AccessStore, "PROBE_SECONDS", 0)
    server.up()  # the server coming back at its address
    try:
        assert store.by_token("aim_x") is None  # opened and migrated: the token is checked, and is not one
        assert store.check().status == "ok"
        token = store.create_token("Jo", Role.ANALYST)
        assert store.by_token(token) is not None
        store.engine.dispose()
    finally:
        server.cut()


@pytest.mark.postgres
def test_a_read_only_server_keeps_tokens_working_and_says_what_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL refusing writes (default_transaction_read_only, as on a standby or a server put in read-only):
    tokens and sessions keep working, what needs a write fails and says why, and the check sees it clear."""
    url = postgres_url()
    store = AccessStore(url)
    token = store.create_token("Jo", Role.ANALYST)
    jo = store.by_token(token)
    assert jo is not None
    session = store.start_session(jo, 1)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")

    def read_only(on: bool) -> None:
        with admin.connect() as c:
            name = c.execute(sa.text("SELECT current_database()")).scalar_one()
            setting = "SET default_transaction_read_only = on" if on else "RESET default_transaction_read_only"
            c.execute(sa.text(f'ALTER DATABASE "{name}" {setting}'))
        store.engine.dispose()  # new connections take the setting

    monkeypatch.setattr(AccessStore, "PROBE_SECONDS", 0)
    read_only(True)
    try:
        assert store.by_token(token) == jo and store.by_session(session) == jo and len(store.tokens()) == 1
        for write in (
            lambda: store.create_token("Sam", Role.ANALYST),
            lambda: store.audit(jo, "GET /api/v1/incidents", {}, 1, "geojson"),
            lambda: store.start_session(jo, 1),
        ):
            with pytest.raises(AccessUnavailable, match="cannot be written .*the database is read-only"):
                write()
        assert store.health().status == "read-only" and store.check().status == "read-only"
    finally:
        read_only(False)
    assert store.check().status == "ok"
    store.audit(jo, "GET /api/v1/incidents", {}, 1, "geojson")
    assert len(store.audit_log()) == 1
    admin.dispose()
    store.engine.dispose()
