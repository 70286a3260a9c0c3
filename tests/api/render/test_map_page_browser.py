"""The map page answers a new analyst's questions in real headless Chromium, with no CSP violation or page error: a
ward's or a cell's monthly chart beside the map, the rising and falling wards in words, a legend of exactly the
layers shown, the patrol plan numbered as printed, downloads of the view, and no panel or control covering another.
Checked as an analyst and as the public, on the demo store (police.uk data and council feeds); screenshots of each
state are kept in the test's temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from api.render.map_counts import WARD_OPACITY, WARD_PALETTE
from api.services.hotspots import GI_LEGEND
from tests.api.render.browser import Watched, colour_share, needs_chromium, served_copy, serving

pytestmark = [needs_chromium, pytest.mark.browser]

ANALYST_VIEW = "/?force=cleveland&res=8&from=2025-07&to=2025-12"  # its previous half-year is held: movers are tested

# What the page shows of its layers: the overlays ticked in the layer control, the layers on the map (by their
# script names, as the side column names them) and the legend entries shown with the layers each explains.
LAYERS_SHOWN = """() => {
  const side = document.getElementById("aim-side");
  const map = window[side.dataset.map];
  const names = ["wards", "hexes", "statistics"].flatMap((k) => (side.dataset[k] || "").split(" "))
    .filter(Boolean);
  return {
    ticked: [...document.querySelectorAll(".leaflet-control-layers-overlays label")]
      .filter((l) => l.querySelector("input").checked).map((l) => l.textContent.trim()),
    onMap: names.filter((n) => map.hasLayer(window[n])),
    legend: [...document.querySelectorAll("#aim-legend [data-layers]")]
      .filter((e) => !e.hidden && e.getClientRects().length > 0)
      .map((e) => ({title: e.querySelector("em").textContent, layers: e.dataset.layers.split(" ").filter(Boolean)})),
    ranks: [...document.querySelectorAll(".aim-rank")].map((e) => e.textContent),
  };
}"""
# The boxes of the page's parts, of Leaflet's controls and of the side column's panels, as laid out.
BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right,
    bottom: r.bottom, name: e.id || e.className.toString().split(" ")[0] || e.tagName}; };
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  const all = (selector) => [...document.querySelectorAll(selector)].filter(shown).map(box);
  return {
    viewport: {left: 0, top: 0, right: innerWidth, bottom: innerHeight},
    page: all("#aim-filters, #aim-side, .folium-map"),
    map: box(document.querySelector(".folium-map")),
    side: box(document.getElementById("aim-side")),
    controls: all(".folium-map .leaflet-control"),
    layers: all(".leaflet-control-layers"),
    layersOnMap: document.querySelectorAll(".folium-map .leaflet-control-layers").length,
    panels: all("#aim-side > *"),
  };
}"""
# A point where a feature of the layer (by its path class) is the topmost thing on the map: where a person clicks.
CLEAR_POINT = """(cls) => {
  const map = document.querySelector(".folium-map").getBoundingClientRect();
  for (const path of document.querySelectorAll("path." + cls)) {
    const r = path.getBoundingClientRect();
    for (const [fx, fy] of [[0.5, 0.5], [0.4, 0.6], [0.6, 0.4], [0.3, 0.3], [0.7, 0.7]]) {
      const x = r.left + fx * r.width, y = r.top + fy * r.height;
      if (x < map.left + 60 || x > map.right - 60 || y < map.top + 80 || y > map.bottom - 40) continue;
      if (document.elementFromPoint(x, y) === path) return {x, y};
    }
  }
  return null;
}"""
ZOOM_ON_THE_FIRST_CELL = """() => {
  const side = document.getElementById("aim-side");
  const first = window[side.dataset.numbered].getLayers()[0];
  window[side.dataset.map].setView(first.getBounds().getCenter(), 15);
}"""
TREND = """() => {
  const panel = document.getElementById("aim-trend");
  const chart = panel.querySelector("svg.aim-chart");
  return {
    state: panel.dataset.state,
    heading: panel.querySelector("h3") ? panel.querySelector("h3").firstChild.textContent : null,
    months: chart ? Number(chart.dataset.months) : 0,
    points: panel.querySelectorAll("svg.aim-chart circle.aim-point").length,
    withheld: panel.querySelectorAll("svg.aim-chart rect.aim-withheld").length,
    compared: [...panel.querySelectorAll(".aim-compared li")].map((li) => li.textContent),
    fine: [...panel.querySelectorAll(".aim-fine")].map((e) => e.textContent),
    text: panel.innerText,
  };
}"""


@pytest.fixture(scope="module")
def demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the demo store, served by this module's server, and an analyst's token."""
    return served_copy(demo_store, tmp_path_factory.mktemp("page"))


@pytest.fixture(scope="module")
def server(demo: tuple[Path, str]) -> Iterator[str]:
    with serving(demo[0]) as url:
        yield url


@pytest.fixture(scope="module")
def analyst(browser: Browser, server: str, demo: tuple[Path, str]) -> Iterator[Watched]:
    watched = Watched(browser, server, demo[1])
    yield watched
    watched.context.close()


@pytest.fixture(scope="module")
def public(browser: Browser, server: str) -> Iterator[Watched]:
    watched = Watched(browser, server)
    yield watched
    watched.context.close()


def _open(watched: Watched, path: str) -> Page:
    watched.open(path)
    watched.page.wait_for_function("document.querySelectorAll('path.aim-ward').length > 50")
    return watched.page


def _shot(page: Page, folder: Path, name: str) -> Image.Image:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return Image.open(path).convert("RGB")


def _toggle(page: Page, label: str) -> None:
    page.locator(".leaflet-control-layers-overlays label", has_text=label).locator("input").click()


def _assert_legend_is_the_layers_shown(shown: dict[str, Any]) -> None:
    """One legend entry per kind of layer shown, none for a layer hidden; every layer shown is explained."""
    on_map = set(shown["onMap"])
    assert len(shown["ticked"]) == len(on_map)
    for entry in shown["legend"]:
        assert set(entry["layers"]) & on_map, entry  # an entry shows only while its layer does
    explained = {name for entry in shown["legend"] for name in entry["layers"]}
    assert on_map <= explained, (on_map, shown["legend"])


def _overlap(a: dict[str, float], b: dict[str, float]) -> float:
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, width) * max(0.0, height)


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return all(
        (inner["left"] >= outer["left"] - 0.5, inner["top"] >= outer["top"] - 0.5)
        + (inner["right"] <= outer["right"] + 0.5, inner["bottom"] <= outer["bottom"] + 0.5)
    )


def _assert_nothing_overlaps(page: Page) -> None:
    boxes = page.evaluate(BOXES)
    for group in ("page", "controls", "panels"):
        found = boxes[group]
        for i, a in enumerate(found):
            for b in found[i + 1 :]:
                assert _overlap(a, b) < 1, (group, a, b)
    assert len(boxes["page"]) == 3 and all(_inside(b, boxes["viewport"]) for b in boxes["page"])
    assert all(_inside(c, boxes["map"]) for c in boxes["controls"])  # zoom, scale and attribution stay on the map
    # the layer control is in the side column (which scrolls: compare across only), never on the map
    assert len(boxes["layers"]) == 1 and boxes["layersOnMap"] == 0
    layers, side = boxes["layers"][0], boxes["side"]
    assert side["left"] <= layers["left"] and layers["right"] <= side["right"]


def _click_clear(page: Page, cls: str) -> None:
    point = page.evaluate(CLEAR_POINT, cls)
    assert point, f"no {cls} feature is clear of the others"
    page.mouse.click(point["x"], point["y"])


def _trend_after(page: Page, click: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Do `click`, wait for the trend the page asks the API for, and return that answer and what the panel shows."""
    with page.expect_response(lambda r: "/api/v1/trends?" in r.url) as answered:
        click()
    answer = answered.value.json()
    page.wait_for_selector("#aim-trend[data-state=drawn]")
    return answer, page.evaluate(TREND)


def _assert_chart_is_the_answer(answer: dict[str, Any], shown: dict[str, Any]) -> None:
    series = answer["series"]
    assert shown["months"] == len(series)
    assert shown["points"] == sum(s["count"] is not None for s in series)  # a point per published month
    assert shown["withheld"] == sum(s["count"] is None and s["held"] for s in series)  # not held: no mark


@pytest.mark.parametrize("viewport", [(1400, 900), (1200, 800)])
def test_no_panel_or_control_covers_another(
    browser: Browser, server: str, demo: tuple[Path, str], viewport: Any
) -> None:
    watched = Watched(browser, server, demo[1], viewport={"width": viewport[0], "height": viewport[1]})
    try:
        page = _open(watched, ANALYST_VIEW)
        _assert_nothing_overlaps(page)
        page.click("#aim-movers summary")
        page.click("#aim-downloads summary")
        _assert_nothing_overlaps(page)
        watched.assert_clean()
    finally:
        watched.context.close()


def test_the_legend_follows_the_layers_shown(analyst: Watched, tmp_path: Path) -> None:
    page = _open(analyst, ANALYST_VIEW)
    shown = page.evaluate(LAYERS_SHOWN)
    assert shown["ticked"] == ["Wards (count)", "Gi* hot and cold spots (res 8)"]  # Gi* in the hexagons' place
    assert [e["title"].split(":")[0] for e in shown["legend"]] == ["Wards", "Gi* hot/cold spots, Cleveland"]
    _assert_legend_is_the_layers_shown(shown)
    image = _shot(page, tmp_path, "analyst")
    assert colour_share(image, WARD_PALETTE, WARD_OPACITY) > 0.03, "ward choropleth fills not drawn"
    hot = [r["colour"] for r in GI_LEGEND if r["class"] == "hot-99"]
    assert colour_share(image, hot, 0.85, tolerance=60) > 0.0005, "no Gi* hot spot drawn"  # over the wards
    for label in ("Gi* hot and cold spots", "Hexagons, all sources", "Patrol plan", "Hexagons: warden only"):
        _toggle(page, label)
        _assert_legend_is_the_layers_shown(page.evaluate(LAYERS_SHOWN))
    shown = page.evaluate(LAYERS_SHOWN)
    titles = [e["title"].split(" (")[0].split(":")[0] for e in shown["legend"]]
    assert titles == ["Wards", "Hexagons", "Patrol plan"]  # the per-source hexagons share the hexagons' entry
    _shot(page, tmp_path, "analyst-layers")
    for label in ("Wards (count)", "Hexagons, all sources", "Hexagons: warden only", "Patrol plan"):
        _toggle(page, label)
    shown = page.evaluate(LAYERS_SHOWN)
    assert shown["onMap"] == [] and shown["legend"] == []
    assert page.locator("#aim-legend-empty").is_visible()
    analyst.assert_clean()


def test_the_plan_is_numbered_as_printed_and_one_click_away(analyst: Watched, tmp_path: Path) -> None:
    page = _open(analyst, ANALYST_VIEW)
    assert page.evaluate(LAYERS_SHOWN)["ranks"] == []  # the plan's layer starts hidden, and its numbers with it
    button = page.locator("#aim-print-plan")
    assert button.is_visible() and button.inner_text() == "Print the patrol plan (PDF)"
    href = button.get_attribute("href") or ""
    assert "format=pdf" in href and "cells=20" in href
    printed = page.request.get(analyst.server + href)
    assert printed.status == 200 and printed.body().startswith(b"%PDF")
    plan = page.request.get(analyst.server + href.replace("format=pdf", "format=json")).json()
    _toggle(page, "Patrol plan")
    numbers = [int(n) for label in page.evaluate(LAYERS_SHOWN)["ranks"] for n in label.split(", ")]
    assert sorted(numbers) == [cell["rank"] for cell in plan["cells"]] == list(range(1, 21))
    page.evaluate(ZOOM_ON_THE_FIRST_CELL)
    page.wait_for_timeout(400)
    zoomed = page.evaluate(LAYERS_SHOWN)["ranks"]
    assert sorted(int(n) for label in zoomed for n in label.split(", ")) == list(range(1, 21))  # regrouped, all kept
    _shot(page, tmp_path, "plan")
    _toggle(page, "Patrol plan")
    assert page.evaluate(LAYERS_SHOWN)["ranks"] == []
    analyst.assert_clean()


def test_clicking_a_ward_or_a_cell_draws_its_monthly_trend(analyst: Watched, tmp_path: Path) -> None:
    page = _open(analyst, ANALYST_VIEW)
    assert page.locator("#aim-trend svg").count() == 0
    _toggle(page, "Gi* hot and cold spots")  # the wards alone: a click lands on one
    answer, shown = _trend_after(page, lambda: _click_clear(page, "aim-ward"))
    assert answer["area"]["type"] == "ward" and shown["heading"] == answer["area"]["name"]
    _assert_chart_is_the_answer(answer, shown)
    assert shown["months"] == 6 and shown["points"] == 6
    assert shown["compared"][0].startswith("Previous period (Jan–Jun 2025): ")
    # a ward's verdict is the movers' verdict: against its study area's own change, FDR across the area's wards
    assert (
        "→" in shown["compared"][0]
        and "significant against Cleveland's own change (at 5% FDR, q " in shown["compared"][0]
    )
    assert answer["compared"]["previous_period"]["against"]["name"] == "Cleveland"
    area = answer["compared"]["previous_period"]
    assert f"; Cleveland: {area['area_previous_total']:,} → {area['area_total']:,} (" in shown["compared"][0]
    assert not answer["season"]["told_apart"] and "a season cannot be told from a trend" in shown["text"]
    assert shown["compared"][1] == "Same months last year (Jul–Dec 2024): not comparable: Jul–Dec 2024 not held"
    _shot(page, tmp_path, "ward-trend")
    whole = page.locator("#aim-trend button", has_text="Whole authority")
    answer, shown = _trend_after(page, whole.click)
    assert answer["area"]["type"] == "lad" and shown["heading"] == answer["area"]["name"]
    # a district is tested among the study area's districts, against the area's own change, as a ward is
    assert "against Cleveland's own change (at 5% FDR" in shown["compared"][0]
    _assert_chart_is_the_answer(answer, shown)
    _toggle(page, "Gi* hot and cold spots")
    answer, shown = _trend_after(page, lambda: _click_clear(page, "aim-gi"))
    assert answer["area"]["type"] == "h3" and shown["heading"] == "this hexagon"
    assert shown["fine"][0] == f"Cell {answer['area']['code']}"  # the id in small print, never the headline
    assert f"Over the months: {answer['cell_trend']['trend']} against Cleveland's cells" in shown["text"]
    _assert_chart_is_the_answer(answer, shown)
    answer, shown = _trend_after(page, lambda: page.click("#aim-trend-all"))
    assert answer["area"] == {"type": "all"} and shown["heading"] == "every ward counted"
    _assert_chart_is_the_answer(answer, shown)
    csv = page.locator("#aim-trend a", has_text="This series (CSV)").get_attribute("href") or ""
    got = page.request.get(analyst.server + csv)
    assert got.status == 200 and got.text().startswith("month,count")
    analyst.assert_clean()


def test_the_movers_panel_says_who_rose_and_fell(analyst: Watched, tmp_path: Path) -> None:
    page = _open(analyst, ANALYST_VIEW)
    movers = page.locator("#aim-movers")
    assert not movers.locator("ol").first.is_visible()  # closed until asked
    page.click("#aim-movers summary")
    api = page.locator("#aim-movers a", has_text="The same figures as data").get_attribute("href") or ""
    same = page.request.get(analyst.server + api).json()
    rising = movers.locator(".aim-movers-rising li").all_inner_texts()
    falling = movers.locator(".aim-movers-falling li").all_inner_texts()
    assert len(rising) == len(same["rising"]) == 5 and len(falling) == len(same["falling"]) == 5
    first = same["rising"][0]
    assert rising[0].startswith(f"{first['name']}: {first['previous_count']:,} → {first['count']:,} (")
    assert rising[0].endswith("significant at 5% FDR)")
    assert "tested against its area's overall change" in movers.inner_text()
    _shot(page, tmp_path, "movers")
    answer, shown = _trend_after(page, movers.locator("[data-ward]").first.click)
    assert answer["area"]["code"] == first["code"] and shown["heading"] == first["name"]
    _assert_chart_is_the_answer(answer, shown)
    analyst.assert_clean()


def test_the_analyst_downloads_the_view(analyst: Watched) -> None:
    page = _open(analyst, ANALYST_VIEW)
    page.click("#aim-downloads summary")
    links = page.locator("#aim-downloads a")
    labels = links.all_inner_texts()
    assert {"Ward counts (GeoJSON)", "Ward counts (GeoPackage)", "Incident records (CSV)"} <= set(labels)
    for i in range(links.count()):
        got = page.request.get(analyst.server + (links.nth(i).get_attribute("href") or ""))
        assert got.status == 200, (labels[i], got.text()[:200])
    analyst.assert_clean()


def test_the_public_page_answers_with_published_figures(public: Watched, tmp_path: Path) -> None:
    page = _open(public, "/?source=council")
    assert page.locator("#aim-print-plan").count() == 0 and page.locator("select[name=area]").count() == 0
    page.click("#aim-downloads summary")
    labels = page.locator("#aim-downloads a").all_inner_texts()
    assert labels and not any("GeoPackage" in label or "Incident" in label for label in labels)
    page.click("#aim-movers summary")
    assert "Not comparable: 2024 not held" in page.locator("#aim-movers").inner_text()
    with page.expect_navigation():
        page.click("#aim-movers a:has-text('Compare Oct–Dec 2025 with the quarter before')")
    page.wait_for_function("document.querySelectorAll('path.aim-ward').length > 50")
    page.click("#aim-movers summary")
    said = page.locator("#aim-movers").inner_text()
    assert "Oct–Dec 2025 against Jul–Sep 2025" in said and "no significance test below analyst" in said
    assert "FDR" not in said and "→" in said
    _assert_legend_is_the_layers_shown(page.evaluate(LAYERS_SHOWN))
    _assert_nothing_overlaps(page)
    page.mouse.move(2, 2)  # off the map: a ward hovered before is raised above the hexagons; find one still clear
    page.wait_for_timeout(200)
    hexagon = page.evaluate(CLEAR_POINT, "aim-hex")
    assert hexagon
    tip = ""
    for step in range(10):  # the tooltip of the last shape hovered can linger a moment: hover the hexagon again
        page.mouse.move(hexagon["x"] + step % 3, hexagon["y"] + step // 3)
        page.wait_for_timeout(150)
        tips = page.locator(".leaflet-tooltip").all_inner_texts()
        tip = next((t for t in tips if t.startswith("Incidents here")), tip)
        if tip:
            break
    assert tip.startswith("Incidents here") and "H3" not in tip and "Cell" not in tip  # no ids for the public
    _toggle(page, "Hexagons")
    answer, shown = _trend_after(page, lambda: _click_clear(page, "aim-ward"))
    assert answer["filters"]["disclosure"]["table"] == "council"
    _assert_chart_is_the_answer(answer, shown)
    assert "published counts, no significance test" in shown["text"] or "not comparable" in shown["text"]
    _shot(page, tmp_path, "public")
    public.assert_clean()
