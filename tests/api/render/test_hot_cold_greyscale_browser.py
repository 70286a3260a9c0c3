"""Hot and cold spots not by colour alone (WCAG 1.4.1): on the served map in Chromium, a hot and a cold spot at the
same FDR level (fills of equal luminance) still differ once the screenshot is greyscale, by the cold spot's dashed
outline; without the dash they would not."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from tests.api.render.browser import Watched, needs_chromium, served_copy, serving

pytestmark = [needs_chromium, pytest.mark.browser]

# The hot-90 and cold-90 fills (#fddbc7, #d1e5f0) and outlines are of equal luminance: only the dash tells them apart
HOT, COLD = "path.aim-gi-hot[fill='#fddbc7']", "path.aim-gi-cold[fill='#d1e5f0']"

ZOOMED_IN = """() => {
  const map = window[document.querySelector('.folium-map').id];
  if (map.getZoom() !== 15) { map.setView(window.__aimCentre, 15, {animate: false}); return false; }
  return document.querySelector('[data-aim-chosen]').getBoundingClientRect().width > 150;
}"""


def _isolated(page: Page, selector: str) -> Image.Image:
    """A greyscale screenshot of one cell matching the selector, zoomed in and drawn alone (every other shape
    hidden)."""
    page.evaluate(
        """(selector) => {
          const map = window[document.querySelector('.folium-map').id];
          let chosen = null;
          map.eachLayer((layer) => {
            if (!chosen && layer._path && layer._path.matches(selector)) { chosen = layer; }
          });
          document.querySelectorAll('[data-aim-chosen]').forEach((p) => p.removeAttribute('data-aim-chosen'));
          chosen._path.setAttribute('data-aim-chosen', '');
          window.__aimCentre = chosen.getBounds().getCenter();
          map.setView(window.__aimCentre, 15, {animate: false});
          document.querySelectorAll('path.leaflet-interactive').forEach((p) => {
            p.style.visibility = p === chosen._path ? 'visible' : 'hidden';
          });
        }""",
        selector,
    )
    page.wait_for_function(ZOOMED_IN)  # the page's own first fit of the map may still be under way: again until zoomed
    page.wait_for_timeout(200)
    box = page.locator("[data-aim-chosen]").bounding_box()
    assert box is not None and box["width"] < 1000 and box["height"] < 800, box
    shot = page.screenshot(clip=box)
    return Image.open(io.BytesIO(shot)).convert("L")


def _dark_share(image: Image.Image) -> float:
    """Share of the crop's pixels as dark as the outline (well below the pale fill, the crop's commonest grey)."""
    pixels = np.asarray(image, dtype=np.int32)
    return float((pixels < np.median(pixels) - 50).mean())


def test_hot_and_cold_spots_differ_in_greyscale(browser: Browser, tmp_path: Path, demo_store: Path) -> None:
    store, token = served_copy(demo_store, tmp_path)
    with serving(store, AIM_COOKIE_SECURE="false") as url:
        watched = Watched(browser, url, token)
        try:
            watched.open("/?force=cleveland")
            page = watched.page
            page.wait_for_selector(HOT, state="attached")
            page.wait_for_selector(COLD, state="attached")
            hot, cold = _isolated(page, HOT), _isolated(page, COLD)
            assert abs(np.median(np.asarray(hot)) - np.median(np.asarray(cold))) < 12  # fills alike in greyscale
            solid, dashed = _dark_share(hot), _dark_share(cold)
            assert solid > 0.01 and dashed < 0.75 * solid, (solid, dashed)

            page.evaluate(
                "(s) => document.querySelectorAll(s).forEach((p) => p.removeAttribute('stroke-dasharray'))", COLD
            )
            undashed = _dark_share(_isolated(page, COLD))
            assert 0.8 * solid < undashed < 1.25 * solid, (solid, undashed)  # colour alone: no difference
            watched.assert_clean()
        finally:
            watched.context.close()
