"""`aim users` and `aim audit` over an access database that is damaged or cannot be written: a clear message and a
nonzero exit, never a traceback, and the file left as it is; the old layout's access file carried over."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.access.store import AccessStore
from api.cli import app
from tests.api.access.conftest import closed_port, postgres_url
from tests.api.access.test_legacy import old_layout_file
from tests.api.access.test_store import holding
from tests.api.conftest import SqliteWrites

runner = CliRunner()


def test_a_damaged_access_database_stops_every_command_with_a_message(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    access = tmp_path / "aim-tasking.sqlite"  # beside the store, where the commands look for it
    holding(access)
    with access.open("r+b") as fh:
        fh.truncate(access.stat().st_size // 2)
    before = access.read_bytes()
    for args in (
        ["users", "list"],
        ["users", "create", "Jo", "--role", "analyst"],
        ["users", "revoke", "1"],
        ["audit"],
    ):
        result = runner.invoke(app, [*args, "--store", str(store)])
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "error" in result.output and "damaged" in result.output and "aim-tasking.sqlite" in result.output
    assert access.read_bytes() == before


def test_an_unwritable_access_database_lists_but_does_not_change(tmp_path: Path, sqlite_writes: SqliteWrites) -> None:
    store = tmp_path / "aim.duckdb"
    holding(tmp_path / "aim-tasking.sqlite", tokens=2, audits=3)
    sqlite_writes.block()
    listed = runner.invoke(app, ["users", "list", "--store", str(store)])
    assert listed.exit_code == 0 and "holder 1" in listed.output
    assert runner.invoke(app, ["audit", "--store", str(store)]).exit_code == 0
    for args in (["users", "create", "Jo", "--role", "analyst"], ["users", "revoke", "1"]):
        result = runner.invoke(app, [*args, "--store", str(store)])
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "cannot be written" in result.output


def test_the_old_layouts_access_file_is_carried_over(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    old_layout_file(tmp_path / "aim-access.sqlite")  # beside the store, where the old layout kept it
    listed = runner.invoke(app, ["users", "list", "--store", str(store)])
    assert listed.exit_code == 0 and "Jo Bloggs" in listed.output and "Wardens" in listed.output
    assert (tmp_path / "aim-tasking.sqlite").exists()
    audit = runner.invoke(app, ["audit", "--csv", "--limit", "100", "--store", str(store)])
    assert audit.exit_code == 0 and audit.output.count("GET /api/v1/incidents") == 40


def test_an_unreachable_database_server_stops_the_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIM_DATABASE_URL", f"postgresql+psycopg://aim_ci:aim_ci@127.0.0.1:{closed_port()}/aim_ci")
    for args in (["users", "list"], ["users", "create", "Jo", "--role", "analyst"], ["audit"]):
        result = runner.invoke(app, [*args, "--store", str(tmp_path / "aim.duckdb")])
        assert result.exit_code == 1 and "cannot be reached" in result.output, (args, result.output)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_users_and_audit_on_each_database(tmp_path: Path, kind: str) -> None:
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}" if kind == "sqlite" else postgres_url()
    where = ["--database", url, "--store", str(tmp_path / "aim.duckdb")]
    created = runner.invoke(app, ["users", "create", "Jo Bloggs", "--role", "analyst", *where])
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    store = AccessStore(url)
    jo = store.by_token(token)
    assert jo is not None and jo.name == "Jo Bloggs"
    store.audit(jo, "GET /api/v1/incidents", {"ward": ["E05001514"]}, 3, "csv")
    listed = runner.invoke(app, ["users", "list", *where])
    assert listed.exit_code == 0 and "Jo Bloggs" in listed.output
    audit = runner.invoke(app, ["audit", "--csv", *where])
    assert audit.exit_code == 0 and "ward=E05001514" in audit.output and "Jo Bloggs" in audit.output
    assert runner.invoke(app, ["users", "revoke", str(jo.token_id), *where]).exit_code == 0
    assert store.by_token(token) is None
    store.engine.dispose()
