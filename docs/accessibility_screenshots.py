"""Make the accessibility page's pictures from the demo store: the analyst map zoomed on hot and cold spots
(docs/map-hot-cold.png), the same converted to greyscale (docs/map-hot-cold-greyscale.png: the cold spots' dashed
outlines still tell them from the hot spots), and on a 320 px wide screen the map (docs/map-320.png), the sources
page with its first table of months focused and scrolled sideways in its own region (docs/sources-320.png) and the
first problem's actions (docs/problem-320.png):

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    PYTHONPATH=. python docs/accessibility_screenshots.py /tmp/aim-demo/aim.duckdb

Serves a copy of the store and of its tasking database (both left unchanged) with no basemap and signs in as a new
analyst in headless Chromium, as docs/screenshot.py does.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import ViewportSize

from docs.screenshot import signed_in

HERE = Path(__file__).resolve().parent
VIEW = "/?force=cleveland"
SIZE: ViewportSize = {"width": 1400, "height": 900}
NARROW: ViewportSize = {"width": 320, "height": 640}
# Centre the map on the hot spots at the lowest level (the ones whose fill matches the cold spots' in greyscale).
ZOOM_ON_HOT_AND_COLD = """() => {
  const map = window[document.querySelector('.folium-map').id];
  const bounds = L.latLngBounds([]);
  map.eachLayer((layer) => {
    if (layer._path && layer._path.matches("path.aim-gi-hot[fill='#fddbc7']")) { bounds.extend(layer.getBounds()); }
  });
  map.setView(bounds.getCenter(), 13, {animate: false});
}"""


# The first table of figures scrolled sideways in its region by the keyboard, as a phone user would.
SCROLL_FIRST_REGION = """() => {
  const region = document.querySelector(".aim-scroll");
  region.closest("section").scrollIntoView({block: "start"});
  region.focus({preventScroll: true});
}"""


def main(store: Path) -> None:
    """Write the five pictures."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "aim.duckdb"
        shutil.copyfile(store, copy)
        tasking = store.with_name(f"{store.stem}-tasking.sqlite")  # the demo's problems
        if tasking.exists():
            shutil.copyfile(tasking, copy.with_name(f"{copy.stem}-tasking.sqlite"))
        with signed_in(copy, SIZE) as (page, url):
            page.goto(f"{url}{VIEW}")
            page.wait_for_load_state("networkidle")
            page.evaluate(ZOOM_ON_HOT_AND_COLD)
            page.wait_for_timeout(800)
            page.screenshot(path=HERE / "map-hot-cold.png")
            Image.open(HERE / "map-hot-cold.png").convert("L").save(HERE / "map-hot-cold-greyscale.png", optimize=True)
            page.set_viewport_size(NARROW)
            page.goto(f"{url}{VIEW}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=HERE / "map-320.png", full_page=True)
            page.goto(f"{url}/sources")
            page.wait_for_load_state("networkidle")
            page.evaluate(SCROLL_FIRST_REGION)
            for _ in range(6):
                page.keyboard.press("ArrowRight")
            page.wait_for_timeout(500)
            page.screenshot(path=HERE / "sources-320.png")
            page.goto(f"{url}/problems/1")
            page.wait_for_load_state("networkidle")
            page.get_by_role("heading", name="Actions").scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, 200)")
            page.screenshot(path=HERE / "problem-320.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
