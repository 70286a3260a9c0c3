"""Make docs/tasking-pack.png, the README's picture of the tasking pack page, from the demo store:

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    python docs/tasking_pack_screenshot.py /tmp/aim-demo/aim.duckdb [Middlesbrough] [YYYY-MM-DD]

Serves the store (with the tasking database `aim demo` opens beside it) on a free loopback port with no basemap,
signs in with a new analyst token, opens /tasking?csp=...&date=... (default: Middlesbrough, today: the demo opens
its problems today, so a meeting from today on sees them) and saves a 1280-wide screenshot of the page's top
2000 pixels, taken in headless Chromium (Debian's chromium, driven by Playwright, as in the page tests).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx
from playwright.sync_api import ViewportSize, sync_playwright

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings

SIZE: ViewportSize = {"width": 1280, "height": 2000}
OUT = Path(__file__).resolve().parent / "tasking-pack.png"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(store: Path, csp: str = "Middlesbrough", when: str | None = None, out: Path = OUT) -> None:
    """Serve the store, open the pack page signed in as an analyst, and save the screenshot."""
    token = AccessStore(Settings(store=store).tasking_url()).create_token("docs", Role.ANALYST)
    port = _port()
    env = {**os.environ, "AIM_TILE_URL": "none", "AIM_COOKIE_SECURE": "false"}
    command = [sys.executable, "-m", "api", "serve", "--store", str(store), "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    query = urlencode({"csp": csp, "date": when or date.today().isoformat()})
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            chromium = shutil.which("chromium") or shutil.which("chromium-browser")
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport=SIZE)
            page.goto(f"{url}/login")
            page.fill("input[name=token]", token)
            with page.expect_navigation():
                page.click("button[type=submit]")
            page.goto(f"{url}/tasking?{query}")
            page.wait_for_function("document.querySelector('img.aim-pack-plan').complete")
            page.screenshot(path=str(out))
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:3], *sys.argv[3:4])  # type: ignore[arg-type]
