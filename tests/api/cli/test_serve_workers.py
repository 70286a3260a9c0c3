"""`aim serve --workers 2`: two processes serve one store; loads sent to either stay atomic for every reader."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.access.store import AccessStore
from api.http.app import create_app
from api.settings import Settings
from ingest.pipeline import run
from ingest.registry import resolve_feed
from tests.api.render.browser import serving
from tests.conftest import new_store, police_file, sign_in, three_forces_file

pytestmark = pytest.mark.server


HEXES = {"res": 6, "category": "all", "from": "2025-01", "to": "2025-03"}


@pytest.fixture()
def two_workers(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Path]]:
    """(URL, analyst headers, store) of `aim serve --workers 2` over a store holding Cleveland's January."""
    store = tmp_path / "aim.duckdb"
    con = new_store(store)
    run(resolve_feed("police"), police_file("cleveland", "01"), con)
    con.close()
    token = AccessStore(Settings(store=store).tasking_url()).create_token("test", Role.ANALYST)
    with serving(store, "--workers", "2") as url:
        yield url, {"Authorization": f"Bearer {token}"}, store


def _total(url: str, headers: dict[str, str]) -> int:
    """The hexagon counts summed, asked on a new connection (so either worker may answer)."""
    response = httpx.get(f"{url}/api/v1/hexes", params=HEXES, headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    return sum(f["properties"]["count"] for f in response.json()["features"])


def _february_alone(tmp_path: Path) -> int:
    """The hexagon total of Cleveland's January and February, from a store of its own served in this process."""
    return _reference_total(tmp_path / "february.duckdb", ["01", "02"])


def _march_too(tmp_path: Path) -> int:
    """What Cleveland's March adds to the hexagon total."""
    return _reference_total(tmp_path / "march.duckdb", ["01", "03"]) - _reference_total(
        tmp_path / "january.duckdb", ["01"]
    )


def _reference_total(store: Path, months: list[str]) -> int:
    """The hexagon total of these Cleveland months, from a store of their own served in this process."""
    con = new_store(store)
    for month in months:
        run(resolve_feed("police"), police_file("cleveland", month), con)
    con.close()
    with TestClient(create_app(Settings(store=store))) as client:
        sign_in(client)
        response = client.get("/api/v1/hexes", params=HEXES)
    return sum(f["properties"]["count"] for f in response.json()["features"])


def test_readers_of_every_worker_see_before_or_after_a_load(
    two_workers: tuple[str, dict[str, str], Path], tmp_path: Path
) -> None:
    url, headers, store = two_workers
    before = _total(url, headers)
    seen: list[int] = []
    failures: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                seen.append(_total(url, headers))
            except (AssertionError, httpx.HTTPError) as exc:
                failures.append(str(exc)[:200])

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    big = three_forces_file(tmp_path / "three-forces.csv.gz").read_bytes()
    february = police_file("cleveland", "02").read_bytes()
    with ThreadPoolExecutor(2) as pool:  # two loads at once, each through whichever worker takes it
        posted = [
            pool.submit(
                httpx.post,
                f"{url}/api/v1/ingest/police",
                params={"filename": name},
                content=body,
                headers=headers,
                timeout=300,
            )
            for name, body in (("three-forces.csv.gz", big), ("feb.csv.gz", february))
        ]
        results = [p.result() for p in posted]
    time.sleep(0.5)
    done.set()
    for t in readers:
        t.join()
    assert all(r.status_code == 200 and r.json()["status"] == "loaded" for r in results), [r.text for r in results]
    after = {_total(url, headers) for _ in range(20)}  # every worker has moved to the newest snapshot
    assert len(after) == 1
    final = after.pop()
    only_february = _february_alone(tmp_path)  # the total had February loaded first
    assert not failures, failures[:3]
    assert len(seen) >= 10, "the readers were not answered while the files loaded"
    possible = {before, only_february, final - (only_february - before), final}
    assert set(seen) <= possible, sorted(set(seen) - possible)
    assert final in seen and before in seen and final - before > 50_000
    snapshots = sorted(p.name for p in (store.parent / f"{store.name}.snapshots").glob("*.duckdb"))
    assert len(snapshots) == 3 and snapshots[-1].startswith("00000003-")  # start, two loads; older ones deleted
    march = [
        sys.executable,
        "-m",
        "api",
        "ingest",
        "police",
        str(police_file("cleveland", "03")),
        "--store",
        str(store),
    ]
    subprocess.run(march, check=True, capture_output=True)  # loaded from the command line while served
    assert {_total(url, headers) for _ in range(10)} == {final + _march_too(tmp_path)}
