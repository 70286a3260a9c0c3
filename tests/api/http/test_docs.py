"""/docs and /redoc work offline: their pages load only AIM's own assets, and Swagger UI and ReDoc render every route
in real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def test_the_pages_load_only_assets_aim_serves(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
        assert sources and all(s.startswith("/static/") for s in sources), sources
        assert "<script>" not in response.text  # nothing inline: works under a CSP without 'unsafe-inline'
        for source in sources:
            assert client.get(source).status_code == 200, source


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(cleveland_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`aim serve` on a loopback port over a copy of the real-data store."""
    store = tmp_path_factory.mktemp("served") / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def _rendered(url: str, tmp_path: Path) -> str:
    assert CHROMIUM is not None
    out = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path}", "--virtual-time-budget=15000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.stdout


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium not installed (CI installs it)")
def test_swagger_ui_and_redoc_render_every_route_in_a_real_browser(server: str, tmp_path: Path) -> None:
    paths = httpx.get(f"{server}/openapi.json").json()["paths"]
    swagger = _rendered(f"{server}/docs", tmp_path / "a")
    shown = set(re.findall(r'data-path="([^"]+)"', swagger))
    assert shown == set(paths), set(paths) ^ shown
    redoc = _rendered(f"{server}/redoc", tmp_path / "b")
    assert "ASB intelligence mapping" in redoc and redoc.count("/api/v1/wards") >= 1
