"""One serving group per store: a second `aim serve` of a served store is refused and says which serves it; a change
made to the store outside the group is published to every worker, or reported (never `ok` while stale)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from ingest.store.connection import open_store
from tests.api.render.browser import free_port, serving
from tests.conftest import load_police, new_store, police_file

pytestmark = pytest.mark.server

WAIT_SECONDS = 90.0  # generous: two busy cores


def _store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A store holding Cleveland's January, and an analyst's headers for it."""
    store = tmp_path / "aim.duckdb"
    con = new_store(store)
    load_police(con, police_file("cleveland", "01"))
    con.close()
    token = AccessStore(Settings(store=store).tasking_url()).create_token("test", Role.ANALYST)
    return store, {"Authorization": f"Bearer {token}"}


def _wait_for(what: str, condition: Callable[[], bool]) -> float:
    """Poll until the condition holds; the seconds it took."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < WAIT_SECONDS, f"not within {WAIT_SECONDS} s: {what}"
        time.sleep(0.2)
    return time.monotonic() - started


@pytest.mark.parametrize(("first", "second"), [(["--workers", "2"], []), ([], ["--workers", "2"])])
def test_a_second_aim_serve_of_a_served_store_is_refused(tmp_path: Path, first: list[str], second: list[str]) -> None:
    store, headers = _store(tmp_path)
    with serving(store, *first) as url:
        command = [sys.executable, "-m", "api", "serve", "--store", str(store), "--port", str(free_port()), *second]
        refused = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        said = " ".join((refused.stdout + refused.stderr).split())
        assert refused.returncode != 0, said
        assert "is already served by `aim serve` (process" in said and url.rsplit(":", 1)[1] in said, said
        health = httpx.get(f"{url}/healthz", headers=headers, timeout=60).json()
        assert health["status"] == "ok" and health["incidents"] == 6494  # the first serves on, undisturbed
    with serving(store, *second) as url:  # once the first has stopped, the store may be served again
        assert httpx.get(f"{url}/healthz", timeout=60).json()["status"] == "ok"


def test_a_change_made_outside_the_group_is_published_or_reported(tmp_path: Path) -> None:
    store, headers = _store(tmp_path)
    with serving(store, "--workers", "2") as url:

        def health() -> dict[str, object]:
            answer: dict[str, object] = httpx.get(f"{url}/healthz", headers=headers, timeout=60).json()
            return answer

        assert health()["incidents"] == 6494
        outside = open_store(store)  # not through the group: no writer lock, nothing published
        loaded = load_police(outside, police_file("cleveland", "02")).loaded
        assert loaded > 5000
        # held open read-write by this process, the change cannot be published: every worker says so
        for _ in range(6):  # either worker may answer
            body = health()
            assert body["status"] == "degraded" and body["store"]["status"] == "stale", body  # type: ignore[index]
            assert body["incidents"] == 6494  # served as it was, and said to be
        public = httpx.get(f"{url}/healthz", timeout=60).json()
        assert any("a change this service does not serve yet" in p for p in public["problems"])
        outside.close()
        closed = time.monotonic()
        _wait_for(
            "the change served by every worker", lambda: {health()["incidents"] for _ in range(6)} == {6494 + loaded}
        )
        print(f"outside change served {time.monotonic() - closed:.2f} s after it was closed")  # noqa: T201
        assert health()["status"] == "ok"
