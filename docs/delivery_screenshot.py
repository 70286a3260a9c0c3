"""Make docs/delivery-map.png and docs/delivery-pack.png, the pictures of patrol delivery in docs/delivery.md, from
the demo store (which loads a fortnight of sample patrols, 5 to 19 January 2026):

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    PYTHONPATH=. python docs/delivery_screenshot.py /tmp/aim-demo/aim.duckdb

Serves the store on a free loopback port with no basemap and signs in with a new analyst token (docs/screenshot.py),
in headless Chromium. The map: opens /?force=cleveland&res=9, ticks **Patrol delivery** in the layer control (and
unticks the Gi* layer drawn under it) and saves a 1500x950 screenshot centred, at zoom 13, on the middle of the
plan's cells (in Middlesbrough). The pack: opens /tasking?csp=Middlesbrough&date=2026-01-20 (the meeting after the
sample fortnight) and saves a 1280x1100 screenshot of its "Delivery since the last meeting" section.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import ViewportSize

from docs.screenshot import signed_in

HERE = Path(__file__).resolve().parent
MAP_SIZE: ViewportSize = {"width": 1500, "height": 950}
PACK_SIZE: ViewportSize = {"width": 1280, "height": 1100}
MAP_VIEW = "/?force=cleveland&res=9"
PACK_VIEW = "/tasking?csp=Middlesbrough&date=2026-01-20"
# Centre the page's Leaflet map on the middle of the plan's cells (the median of their centres: most lie in
# Middlesbrough) at zoom 13 (the side panel names the map's variable).
CENTRE_ON_DELIVERY = """() => {
  const map = window[document.getElementById('aim-side').dataset.map];
  const lat = [], lng = [];
  map.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.planned === true) {
      const c = l.getBounds().getCenter(); lat.push(c.lat); lng.push(c.lng);
    }
  });
  if (!lat.length) return 0;
  const median = xs => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  map.setView([median(lat), median(lng)], 13);
  return lat.length;
}"""


def delivery_map(store: Path, out: Path = HERE / "delivery-map.png") -> None:
    """docs/delivery-map.png: the analyst map with the Patrol delivery layer ticked."""
    with signed_in(store, MAP_SIZE) as (page, url):
        page.goto(url + MAP_VIEW)
        page.wait_for_function("document.querySelectorAll('path.aim-ward').length > 50")
        overlays = page.locator(".leaflet-control-layers-overlays label")
        overlays.filter(has_text="Gi* hot and cold spots").locator("input[type=checkbox]").uncheck()
        overlays.filter(has_text="Patrol delivery").locator("input[type=checkbox]").check()
        page.wait_for_timeout(500)
        drawn = page.evaluate(CENTRE_ON_DELIVERY)
        if not drawn:
            raise SystemExit("the Patrol delivery layer drew no cells: is delivery loaded?")
        page.wait_for_timeout(800)
        page.screenshot(path=str(out))
    print(f"wrote {out} (centred on {drawn} planned cells)")


def delivery_pack(store: Path, out: Path = HERE / "delivery-pack.png") -> None:
    """docs/delivery-pack.png: the tasking pack's delivery since the last meeting."""
    with signed_in(store, PACK_SIZE) as (page, url):
        page.goto(url + PACK_VIEW)
        heading = page.locator("#aim-pack-delivery")
        heading.scroll_into_view_if_needed()
        page.evaluate("() => document.getElementById('aim-pack-delivery').scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    delivery_map(Path(sys.argv[1]))
    delivery_pack(Path(sys.argv[1]))
