"""Make the README's pictures from the demo store: docs/map.png (the analyst map) and docs/feeds-upload.png (the
feeds page after checking a messy council export):

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    PYTHONPATH=. python docs/screenshot.py /tmp/aim-demo/aim.duckdb          # docs/map.png
    PYTHONPATH=. python docs/screenshot.py /tmp/aim-demo/aim.duckdb feeds    # docs/feeds-upload.png

Serves the store on a free loopback port with no basemap (AIM_TILE_URL=none: the picture is the same offline and
from one run to the next) and signs in with a new analyst token, in headless Chromium (Debian's chromium, driven
by Playwright, as in the page tests). The map: opens /?force=cleveland&res=8, clicks the ward with the most
incidents for its monthly trend and saves a 1500x950 screenshot. The feeds page (on a copy of the store, which it
leaves unchanged): sends a profile of a council's own (the shipped wardens profile under another name), checks the
shipped wardens sample through it and saves a 1280x900 screenshot of what the check found.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, ViewportSize

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import PROJECT_DATA, Settings
from ingest.profiles import shipped_profiles
from tests.api.render.browser import chromium, serving

VIEW = "/?force=cleveland&res=8"
SIZE: ViewportSize = {"width": 1500, "height": 950}
OUT = Path(__file__).resolve().parent / "map.png"
FEEDS_SIZE: ViewportSize = {"width": 1280, "height": 900}
FEEDS_OUT = Path(__file__).resolve().parent / "feeds-upload.png"
# The ward with the most incidents, clicked as a person would (the click the page's ward layer listens for).
CLICK_BUSIEST_WARD = """() => {
  const side = document.getElementById("aim-side");
  const wards = window[side.dataset.wards].getLayers();
  const busiest = wards.reduce((a, b) => (b.feature.properties.count > a.feature.properties.count ? b : a));
  busiest.fire("click", {latlng: busiest.getBounds().getCenter()}, true);
  window[side.dataset.wards].closeTooltip();  // a click opens the ward's tooltip too: not in the picture
}"""


@contextmanager
def signed_in(store: Path, size: ViewportSize) -> Iterator[tuple[Page, str]]:
    """`aim serve` over the store, and a Chromium page signed in there as a new analyst; the page and its URL."""
    token = AccessStore(Settings(store=store).tasking_url()).create_token("docs", Role.ANALYST)
    with serving(store, AIM_COOKIE_SECURE="false") as url, chromium() as browser:
        page = browser.new_page(viewport=size)
        page.goto(f"{url}/login")
        page.fill("input[name=token]", token)
        with page.expect_navigation():
            page.click("button[type=submit]")
        yield page, url


def main(store: Path, out: Path = OUT) -> None:
    """docs/map.png: the analyst map with the busiest ward's trend."""
    with signed_in(store, SIZE) as (page, url):
        page.goto(url + VIEW)
        page.wait_for_function("document.querySelectorAll('path.aim-ward').length > 50")
        page.evaluate(CLICK_BUSIEST_WARD)
        page.wait_for_selector("#aim-trend[data-state=drawn]")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out))
    print(f"wrote {out}")


def feeds(store: Path, out: Path = FEEDS_OUT) -> None:
    """docs/feeds-upload.png: the feeds page after a profile was sent and a messy export checked through it."""
    with tempfile.TemporaryDirectory(prefix="aim-docs-") as folder:
        copy = Path(folder) / "aim.duckdb"
        shutil.copyfile(store, copy)
        profile = Path(folder) / "redcar-wardens.toml"
        shipped = shipped_profiles()["cleveland-wardens"]
        profile.write_text(shipped.replace('name = "cleveland-wardens"', 'name = "redcar-wardens"', 1))
        with signed_in(copy, FEEDS_SIZE) as (page, url):
            page.goto(f"{url}/feeds")
            page.set_input_files("input[name=profile]", str(profile))
            with page.expect_navigation():
                page.click("#aim-profile button[type=submit]")
            page.set_input_files("input[name=file]", str(PROJECT_DATA / "feeds" / "cleveland-wardens.csv"))
            with page.expect_navigation():
                page.click("#aim-check button[type=submit]")
            page.wait_for_selector("#aim-load")
            page.screenshot(path=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    if sys.argv[2:] == ["feeds"]:
        feeds(Path(sys.argv[1]))
    else:
        main(Path(sys.argv[1]))
