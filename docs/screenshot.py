"""Make docs/map.png, the README's picture of the analyst map, from the demo store:

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    python docs/screenshot.py /tmp/aim-demo/aim.duckdb

Serves the store on a free loopback port with no basemap (AIM_TILE_URL=none: the picture is the same offline and
from one run to the next), signs in with a new analyst token, opens /?force=cleveland&res=8, clicks the ward with
the most incidents for its monthly trend, and saves a 1500x950 screenshot taken in headless Chromium (Debian's
chromium, driven by Playwright, as in the page tests).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings

VIEW = "/?force=cleveland&res=8"
SIZE = {"width": 1500, "height": 950}
OUT = Path(__file__).resolve().parent / "map.png"
# The ward with the most incidents, clicked as a person would (the click the page's ward layer listens for).
CLICK_BUSIEST_WARD = """() => {
  const side = document.getElementById("aim-side");
  const wards = window[side.dataset.wards].getLayers();
  const busiest = wards.reduce((a, b) => (b.feature.properties.count > a.feature.properties.count ? b : a));
  busiest.fire("click", {latlng: busiest.getBounds().getCenter()}, true);
  window[side.dataset.wards].closeTooltip();  // a click opens the ward's tooltip too: not in the picture
}"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(store: Path, out: Path = OUT) -> None:
    token = AccessStore(Settings(store=store).tasking_url()).create_token("docs", Role.ANALYST)
    port = _port()
    env = {**os.environ, "AIM_TILE_URL": "none", "AIM_COOKIE_SECURE": "false"}
    command = [sys.executable, "-m", "api", "serve", "--store", str(store), "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
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
            page.goto(url + VIEW)
            page.wait_for_function("document.querySelectorAll('path.aim-ward').length > 50")
            page.evaluate(CLICK_BUSIEST_WARD)
            page.wait_for_selector("#aim-trend[data-state=drawn]")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out))
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
