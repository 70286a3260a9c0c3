"""Make the Methods page's pictures of the place statistics from the demo store: the analyst map of Middlesbrough
with the risky facilities of the demo's sample list of licensed premises (docs/risky-facilities.png), and the first
demo problem's concentration (its Lorenz curve) and repeat places (docs/problem-places.png):

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    PYTHONPATH=. python docs/places_screenshots.py /tmp/aim-demo/aim.duckdb

Serves a copy of the store and of its tasking database (both left unchanged) with no basemap and signs in as a new
analyst in headless Chromium (Debian's chromium, driven by Playwright), as docs/screenshot.py does. Each map picture
ticks its layer in the list of layers as an analyst would (and unticks the hot and cold spots), zooms to the layer's
cells and holds the mouse over one, so its tooltip shows.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import FloatRect, Page, ViewportSize

from docs.screenshot import signed_in

HERE = Path(__file__).resolve().parent
VIEW = "/?lad=Middlesbrough&res=9"
SIZE: ViewportSize = {"width": 1400, "height": 1330}  # tall enough for the legend of the layers shown
FACILITIES = "Risky facilities (kept lists)"
GI = "Gi* hot and cold spots (res 9)"
# The features holding a property (the layer just ticked on): with a rank, the map puts that feature near its left
# edge (its tooltip opens to the right in full) at the zoom given; without, it fits every feature and takes the one
# nearest its centre. Gives that feature's screen position, to hold the mouse over.
ZOOM_TO_FEATURE = """([property, rank, zoom]) => {
  const map = window[document.querySelector('.folium-map').id];
  const found = [];
  map.eachLayer((layer) => {
    const p = layer.feature ? layer.feature.properties : {};
    if (property in p && layer.getBounds) { found.push(layer); }
  });
  let chosen;
  if (rank !== null) {
    chosen = found.find((layer) => layer.feature.properties.rank === rank);
    map.setView(chosen.getBounds().getCenter(), zoom, {animate: false});
    map.panBy([map.getSize().x / 2 - 70, 0], {animate: false});
  } else {
    map.fitBounds(L.latLngBounds(found.map((layer) => layer.getBounds())), {animate: false, padding: [20, 20]});
    const centre = map.getCenter();
    const away = (layer) => layer.getBounds().getCenter().distanceTo(centre);
    chosen = found.reduce((a, b) => (away(b) < away(a) ? b : a));
  }
  const point = map.latLngToContainerPoint(chosen.getBounds().getCenter());
  const box = map.getContainer().getBoundingClientRect();
  return [box.left + point.x, box.top + point.y];
}"""


def _tick(page: Page, name: str, on: bool = True) -> None:
    """Tick (or untick) the layer's box in the side column's list of layers, as an analyst would."""
    page.get_by_role("checkbox", name=name, exact=True).set_checked(on)


def _map_layer(page: Page, url: str, name: str, property_: str, rank: int | None, zoom: int, out: Path) -> None:
    """The map with one statistic's layer ticked, zoomed on it (on the feature of the rank asked, if any), a
    feature's tooltip shown."""
    page.goto(url + VIEW)
    page.wait_for_load_state("networkidle")
    _tick(page, GI, on=False)  # the hot and cold spots, shown when the map opens, would hide the layer's cells
    _tick(page, name)
    x, y = page.evaluate(ZOOM_TO_FEATURE, [property_, rank, zoom])
    page.wait_for_timeout(600)
    page.mouse.move(x, y)
    page.wait_for_selector(".leaflet-tooltip")
    page.screenshot(path=str(out))
    print(f"wrote {out}")


def _problem_places(page: Page, url: str, out: Path) -> None:
    """The first problem's concentration and repeat places: from the Concentration heading to the Near-repeats."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{url}/problems/1")
    page.wait_for_load_state("networkidle")
    top = page.get_by_role("heading", name="Concentration", exact=True).bounding_box()
    end = page.get_by_role("heading", name="Near-repeats", exact=True).bounding_box()
    section = page.locator("section", has=page.get_by_role("heading", name="Concentration", exact=True))
    box = section.bounding_box()
    assert top and end and box
    clip: FloatRect = {"x": box["x"] - 8, "y": top["y"] - 8, "width": box["width"] + 16, "height": end["y"] - top["y"]}
    page.screenshot(path=str(out), clip=clip, full_page=True)
    print(f"wrote {out}")


def main(store: Path) -> None:
    """Write the three pictures."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "aim.duckdb"
        shutil.copyfile(store, copy)
        tasking = store.with_name(f"{store.stem}-tasking.sqlite")  # the demo's problems
        if tasking.exists():
            shutil.copyfile(tasking, copy.with_name(f"{copy.stem}-tasking.sqlite"))
        with signed_in(copy, SIZE) as (page, url):
            # the town centre, where most of the sample's premises above the knee stand: centred on the third busiest
            _map_layer(page, url, FACILITIES, "knee_count", 3, 16, HERE / "risky-facilities.png")
            _problem_places(page, url, HERE / "problem-places.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
