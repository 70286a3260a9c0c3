"""On the map, in real headless Chromium and with no basemap: hovering a patrol plan cell or a hot spot shows its ward
and its commonest streets, the plan's as the printed plan lists them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from api.services.cell_places import NO_PLACES, places_words
from tests.api.render.browser import Watched, needs_chromium, served_copy, serving

pytestmark = [needs_chromium, pytest.mark.browser]

VIEW = "/?force=cleveland&res=8&from=2025-07&to=2025-12"
# Where each cell of a layer (by its path class) is the topmost thing on the map: the points a person would hover.
CLEAR_POINTS = """(cls) => {
  const map = document.querySelector(".folium-map").getBoundingClientRect();
  const found = [];
  for (const path of document.querySelectorAll("path." + cls)) {
    const r = path.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < map.left + 60 || x > map.right - 60 || y < map.top + 80 || y > map.bottom - 40) continue;
    if (document.elementFromPoint(x, y) === path) found.push({x, y});
  }
  return found;
}"""
TOOLTIP_ROWS = """() => {
  const tip = document.querySelector(".leaflet-tooltip");
  if (!tip) return null;
  return Object.fromEntries([...tip.querySelectorAll("tr")].map((tr) => [...tr.cells].map((c) => c.textContent)));
}"""
ZOOM_ON_THE_PLAN = """() => {
  const side = document.getElementById("aim-side");
  const plan = window[side.dataset.numbered];
  window[side.dataset.map].fitBounds(plan.getBounds());
}"""


@pytest.fixture(scope="module")
def analyst(browser: Browser, demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watched]:
    store, token = served_copy(demo_store, tmp_path_factory.mktemp("streets"))
    with serving(store) as url:  # no basemap: the streets must come from the tooltips
        watched = Watched(browser, url, token)
        yield watched
        watched.context.close()


def _hovered(page: Page, cls: str, count: int) -> list[dict[str, str]]:
    """The tooltips shown when the mouse rests on up to `count` cells of the layer, one after another."""
    shown = []
    for point in page.evaluate(CLEAR_POINTS, cls)[:count]:
        page.mouse.move(point["x"], point["y"])
        page.wait_for_selector(".leaflet-tooltip")
        rows = page.evaluate(TOOLTIP_ROWS)
        if rows:
            shown.append(rows)
        page.mouse.move(1, 1)
    return shown


def test_hovering_a_plan_cell_or_a_hot_spot_names_its_streets_and_ward(analyst: Watched) -> None:
    page = analyst.page
    analyst.open(VIEW)
    page.wait_for_function("document.querySelectorAll('path.aim-ward').length > 50")
    assert page.locator(".leaflet-tile").count() == 0  # no basemap drawn
    href = page.locator("#aim-print-plan").get_attribute("href") or ""
    plan = page.request.get(analyst.server + href.replace("format=pdf", "format=json")).json()
    streets = {f"number {c['rank']} of 20, as on the printed plan": c for c in plan["cells"]}
    page.locator(".leaflet-control-layers-overlays label", has_text="Patrol plan").locator("input").click()
    page.evaluate(ZOOM_ON_THE_PLAN)
    page.wait_for_timeout(400)
    cells = _hovered(page, "aim-plan", 6)
    assert len(cells) >= 3
    for rows in cells:
        printed = streets[rows["Patrol plan"]]
        assert rows["Streets"] == places_words(printed["places"]) != NO_PLACES
        assert rows["Ward"] == printed["ward_name"]
    page.locator(".leaflet-control-layers-overlays label", has_text="Patrol plan").locator("input").click()
    hot = [rows for rows in _hovered(page, "aim-gi", 6) if rows.get("Hot or cold spot", "").startswith("Gi* hot")]
    assert hot and all(rows["Streets"] != NO_PLACES and rows["Ward"] for rows in hot)
    analyst.assert_clean()
