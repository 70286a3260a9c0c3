"""Onboarding a council feed while the service runs: send a profile of your own, check a file through it (nothing
kept), load it; and the CLI does the same through a running `aim serve`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import PROJECT_DATA, Settings
from ingest.profiles import shipped_profiles
from tests.api.render.browser import serving
from tests.conftest import sign_in

SAMPLE = PROJECT_DATA / "feeds" / "cleveland-wardens.csv"


def own_profile(name: str = "redcar-wardens") -> str:
    """The shipped wardens profile as a council of its own would send it: another name."""
    return shipped_profiles()["cleveland-wardens"].replace('name = "cleveland-wardens"', f'name = "{name}"', 1)


def feed_rows(client: TestClient, feed: str) -> int:
    con = client.app.state.con.cursor()  # type: ignore[attr-defined]
    try:
        return int(con.execute("SELECT count(*) FROM incidents WHERE feed = ?", [feed]).fetchall()[0][0])
    finally:
        con.close()


def test_a_profile_of_your_own_is_checked_then_loaded_while_serving(cleveland_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    with TestClient(create_app(Settings(store=store))) as client:
        sign_in(client)
        bad = client.put("/api/v1/profiles/redcar-wardens", content=b'name = "redcar-wardens"\nsource = ')
        assert bad.status_code == 422 and "TOML" in bad.text
        assert (
            client.put(
                "/api/v1/profiles/cleveland-wardens", content=shipped_profiles()["cleveland-wardens"].encode()
            ).status_code
            == 422
        )
        assert client.put("/api/v1/profiles/other-name", content=own_profile().encode()).status_code == 422
        kept = client.put("/api/v1/profiles/redcar-wardens", content=own_profile().encode())
        assert kept.status_code == 200 and kept.json()["source"] == "warden"
        listed = {p["name"]: p["kind"] for p in client.get("/api/v1/profiles").json()["profiles"]}
        assert listed["redcar-wardens"] == "sent" and listed["cleveland-wardens"] == "shipped"
        params = {"filename": SAMPLE.name}
        checked = client.post(
            "/api/v1/ingest/redcar-wardens", params={**params, "dry_run": "true"}, content=SAMPLE.read_bytes()
        )
        assert checked.status_code == 200, checked.text
        report = checked.json()
        assert report["loaded"] > 1000 and report["quarantined"] > 0 and report["quarantine_reasons"]
        assert feed_rows(client, "redcar-wardens") == 0  # a check keeps nothing
        loaded = client.post("/api/v1/ingest/redcar-wardens", params=params, content=SAMPLE.read_bytes())
        assert loaded.status_code == 200 and feed_rows(client, "redcar-wardens") == report["loaded"]
        public = TestClient(client.app)
        assert public.put("/api/v1/profiles/x-y", content=own_profile("x-y").encode()).status_code == 401


@pytest.mark.server
def test_the_cli_checks_and_loads_through_a_running_service(cleveland_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    profile = tmp_path / "hartlepool-wardens.toml"
    profile.write_text(own_profile("hartlepool-wardens"))
    from api.access.principals import Role
    from api.access.store import AccessStore

    token = AccessStore(Settings(store=store).tasking_url()).create_token("cli", Role.ANALYST)
    with serving(store) as url:
        env = {**os.environ, "AIM_TOKEN": token, "AIM_SERVER": url}
        locked = subprocess.run(
            [sys.executable, "-m", "api", "feeds", "check", str(profile), str(SAMPLE), "--store", str(store)],
            capture_output=True,
            text=True,
            env={k: v for k, v in env.items() if k != "AIM_SERVER"},
        )
        assert locked.returncode != 0  # the service holds the store: the CLI says so
        for command in ("check", "load"):
            done = subprocess.run(
                [sys.executable, "-m", "api", "feeds", command, str(profile), str(SAMPLE)],
                capture_output=True,
                text=True,
                env=env,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            assert '"loaded"' in done.stdout
    con = duckdb.connect(str(store), read_only=True)
    try:
        held = con.execute("SELECT count(*) FROM incidents WHERE feed = 'hartlepool-wardens'").fetchall()[0][0]
    finally:
        con.close()
    assert held > 1000  # loaded once, by the load; the check kept nothing
