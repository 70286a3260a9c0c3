"""/docs and /redoc work offline: their pages load only AIM's own assets, and Swagger UI and ReDoc render every route
in real headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.render.browser import CHROMIUM, chromium, needs_chromium, serving

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


@pytest.fixture(scope="module")
def server(cleveland_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`aim serve` on a loopback port over a copy of the real-data store."""
    store = tmp_path_factory.mktemp("served") / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    with serving(store) as url:
        yield url


def _rendered(url: str, tmp_path: Path) -> str:
    assert CHROMIUM is not None
    out = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path}", "--virtual-time-budget=15000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return out.stdout


@needs_chromium
@pytest.mark.browser
def test_swagger_ui_and_redoc_render_every_route_in_a_real_browser(server: str, tmp_path: Path) -> None:
    """Swagger UI opens with its tags closed (opened all at once, it stops drawing after a few tags once the API
    has about 120 paths); opening each tag in turn shows every route."""
    paths = httpx.get(f"{server}/openapi.json").json()["paths"]
    shown: set[str] = set()
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{server}/docs")
        page.wait_for_selector(".opblock-tag")
        tags = page.locator(".opblock-tag")
        names = {page.evaluate("t => t.dataset.tag", tags.nth(i).element_handle()) for i in range(tags.count())}
        assert len(names) == tags.count() >= 10
        for i in range(tags.count()):
            tags.nth(i).click()
            page.wait_for_timeout(200)
            shown |= set(page.evaluate("Array.from(document.querySelectorAll('[data-path]')).map(e => e.dataset.path)"))
            tags.nth(i).click()
    assert shown == set(paths), set(paths) ^ shown
    redoc = _rendered(f"{server}/redoc", tmp_path / "b")
    assert "ASB intelligence mapping" in redoc and redoc.count("/api/v1/wards") >= 1
