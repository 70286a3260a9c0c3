"""Opening a problem from the analyst map in real headless Chromium, on a served demo store: patrol-plan cells
clicked on the map, a polygon drawn with clicks, a ward clicked or a GeoJSON file chosen become the problem's area
exactly (checked over the API), the panel shows the problem opened with its link and frozen baseline, and no CSP
violation or page error is reported. The screenshot of the panel with a selection (1280x800) is kept in the test's
folder (docs/map-problem.png when AIM_DOCS_SCREENSHOTS is set)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import httpx
import pytest
import shapely
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.api.render.browser import Watched, needs_chromium, served_copy, serving

pytestmark = [needs_chromium, pytest.mark.browser]

VIEW = "/?force=cleveland&res=8&from=2025-07&to=2025-12"
SIZE = {"width": 1280, "height": 800}
DOCS = Path(__file__).resolve().parents[3] / "docs" / "map-problem.png"
# Zoom on the patrol plan's first cell (by rank), so that its neighbours are large enough to click.
ZOOM_ON_THE_PLAN = """() => {
  const side = document.getElementById("aim-side");
  const cells = window[side.dataset.numbered].getLayers();
  const first = cells.reduce((a, b) => (b.feature.properties.rank < a.feature.properties.rank ? b : a));
  window[side.dataset.map].setView(first.getBounds().getCenter(), 15, {animate: false});
}"""
# Where each plan cell on screen is the topmost thing under the pointer: its cell id, number and that point.
PLAN_POINTS = """() => {
  const side = document.getElementById("aim-side");
  const box = document.querySelector(".folium-map").getBoundingClientRect();
  const found = [];
  for (const cell of window[side.dataset.numbered].getLayers()) {
    const r = cell._path.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < box.left + 60 || x > box.right - 60 || y < box.top + 60 || y > box.bottom - 60) continue;
    if (document.elementFromPoint(x, y) !== cell._path) continue;
    found.push({h3: cell.feature.id || cell.feature.properties.h3, rank: cell.feature.properties.rank, x, y});
  }
  return found;
}"""
# Where on the page the map shows points given as [longitude, latitude].
ON_MAP = """(points) => {
  const side = document.getElementById("aim-side");
  const map = window[side.dataset.map];
  return points.map(([lng, lat]) => { const p = map.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; });
}"""  # where stored points lie on the map, in pixels from its corner (the page around it may have moved since)


@pytest.fixture(scope="module")
def demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the demo store, served by this module's server, and an analyst's token."""
    return served_copy(demo_store, tmp_path_factory.mktemp("problem"))


@pytest.fixture(scope="module")
def server(demo: tuple[Path, str]) -> Iterator[str]:
    with serving(demo[0]) as url:
        yield url


@pytest.fixture()
def analyst(browser: Browser, server: str, demo: tuple[Path, str]) -> Iterator[Watched]:
    watched = Watched(browser, server, demo[1], viewport=SIZE)
    yield watched
    watched.context.close()


def _api(server: str, token: str, path: str) -> dict[str, Any]:
    answer = httpx.get(f"{server}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _open_panel(watched: Watched) -> Page:
    watched.open(VIEW)
    page = watched.page
    page.wait_for_function("document.querySelectorAll('path.aim-ward').length > 50")
    page.wait_for_selector("#aim-problem[data-ready]", state="attached")
    page.click("#aim-problem summary")
    return page


def _fill(page: Page, title: str) -> None:
    page.fill("#aim-problem-form input[name=title]", title)
    page.fill("#aim-problem-form textarea[name=description]", "Groups gathering after school; reports of damage")
    page.select_option("#aim-problem-form select[name=category_group]", "asb")
    page.fill("#aim-problem-form input[name=owner]", "CSP analyst team")
    page.fill("#aim-problem-form input[name=partners]", "police, warden")


def _opened(page: Page) -> int:
    page.click("#aim-problem-open")
    page.wait_for_selector("#aim-problem[data-state=opened], #aim-problem[data-state=failed]")
    assert page.get_attribute("#aim-problem", "data-state") == "opened", page.inner_text("#aim-problem-result")
    problem = int(page.get_attribute(".aim-opened", "data-problem") or 0)
    assert page.get_attribute(".aim-opened a", "href") == f"/problems/{problem}"
    return problem


def test_two_plan_cells_clicked_open_a_problem_over_exactly_those_cells(
    analyst: Watched, server: str, demo: tuple[Path, str], tmp_path: Path
) -> None:
    page = _open_panel(analyst)
    assert page.is_checked("#aim-problem-mode input[value=cells]")
    plan_label = page.locator(".leaflet-control-layers-overlays label", has_text="Patrol plan")
    # opening the panel shows the plan's cells to pick from (the details element's toggle event comes after the click)
    expect(plan_label.locator("input")).to_be_checked()
    page.evaluate(ZOOM_ON_THE_PLAN)
    page.wait_for_timeout(300)
    points = page.evaluate(PLAN_POINTS)
    assert len(points) >= 2, points
    first, second = points[0], points[1]
    trend_before = page.get_attribute("#aim-trend", "data-state")
    for cell in (first, second):
        page.mouse.click(cell["x"], cell["y"])
    ranks = sorted([first["rank"], second["rank"]])
    assert page.inner_text("#aim-problem-area") == f"2 patrol-plan cells (numbers {ranks[0]}, {ranks[1]})"
    assert page.get_attribute("#aim-trend", "data-state") == trend_before  # clicks picked cells, asked no trend
    if len(points) > 2:  # a third cell clicked twice is in, then out again
        page.mouse.click(points[2]["x"], points[2]["y"])
        assert page.inner_text("#aim-problem-area").startswith("3 patrol-plan cells")
        page.mouse.click(points[2]["x"], points[2]["y"])
        assert page.inner_text("#aim-problem-area").startswith("2 patrol-plan cells")
    _fill(page, "Youth ASB by the two busiest plan cells")
    page.locator("#aim-problem").scroll_into_view_if_needed()
    shot = tmp_path / "map-problem.png"
    page.screenshot(path=str(shot))
    assert Image.open(shot).size == (SIZE["width"], SIZE["height"])
    if os.environ.get("AIM_DOCS_SCREENSHOTS"):
        shutil.copyfile(shot, DOCS)
    problem = _opened(page)
    headline = page.inner_text(".aim-opened")
    detail = _api(server, demo[1], f"/api/v1/problems/{problem}")
    assert detail["area"]["kind"] == "cells" and detail["area"]["value"] == sorted([first["h3"], second["h3"]])
    assert detail["title"] == "Youth ASB by the two busiest plan cells" and detail["partners"] == ["police", "warden"]
    profile = detail["profile"]
    assert profile["cells"] == {"res": detail["area"]["res"], "count": 2}  # the plan's own resolution
    assert f"{profile['total']:,} incidents in 2 cells of res {detail['area']['res']}" in headline
    assert f"{profile['period']['from']} to {profile['period']['to']}" in headline
    analyst.assert_clean()


def test_a_polygon_drawn_with_clicks_is_the_problems_area(
    analyst: Watched, server: str, demo: tuple[Path, str]
) -> None:
    page = _open_panel(analyst)
    page.evaluate(ZOOM_ON_THE_PLAN)
    page.check("#aim-problem-mode input[value=polygon]")
    page.click("#aim-problem-draw")
    box = page.locator(".folium-map").bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(cx - 150, cy - 100), (cx + 150, cy - 120), (cx + 170, cy + 110), (cx - 120, cy + 130)]
    for x, y in corners:
        page.mouse.click(x, y)
        page.wait_for_timeout(100)
    assert page.is_enabled("#aim-problem-finish")
    page.mouse.click(*corners[0])  # the first corner again closes the polygon
    summary = page.inner_text("#aim-problem-area")
    assert summary.startswith("A drawn polygon of") and summary.endswith("(4 corners)"), summary
    assert page.get_attribute("#aim-problem-area", "data-kind") == "polygon"
    _fill(page, "Nuisance inside the drawn area")
    problem = _opened(page)
    detail = _api(server, demo[1], f"/api/v1/problems/{problem}")
    area = detail["area"]
    assert area["kind"] == "polygon" and area["value"]["type"] == "Polygon"
    ring = area["value"]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1]
    stored = page.evaluate(ON_MAP, ring[:-1])
    for x, y in corners:  # every corner clicked is a corner of the stored polygon, where it was clicked on the map
        mx, my = x - box["x"], y - box["y"]
        near = [abs(mx - px) <= 2 and abs(my - py) <= 2 for px, py in stored]  # mouse events land on whole pixels
        assert any(near), ((mx, my), stored)
    assert detail["profile"]["cells"]["count"] > 0 and area["res"] == 9
    analyst.assert_clean()


# A point where a ward is the topmost thing on the map, its code and name (decoded from folium's escaped text).
WARD_POINT = """() => {
  const side = document.getElementById("aim-side");
  const box = document.querySelector(".folium-map").getBoundingClientRect();
  const text = (v) => new DOMParser().parseFromString(String(v), "text/html").body.textContent;
  for (const ward of window[side.dataset.wards].getLayers()) {
    const r = ward._path.getBoundingClientRect();
    for (const [fx, fy] of [[0.5, 0.5], [0.4, 0.6], [0.6, 0.4], [0.3, 0.3], [0.7, 0.7]]) {
      const x = r.left + fx * r.width, y = r.top + fy * r.height;
      if (x < box.left + 60 || x > box.right - 60 || y < box.top + 60 || y > box.bottom - 40) continue;
      if (document.elementFromPoint(x, y) === ward._path) {
        return {x, y, code: text(ward.feature.properties.code), name: text(ward.feature.properties.name)};
      }
    }
  }
  return null;
}"""


def test_a_ward_clicked_or_a_file_chosen_is_the_area(
    analyst: Watched, server: str, demo: tuple[Path, str], tmp_path: Path
) -> None:
    page = _open_panel(analyst)
    page.check("#aim-problem-mode input[value=wards]")
    ward = page.evaluate(WARD_POINT)
    assert ward, "no ward is clear of the other layers"
    page.mouse.click(ward["x"], ward["y"])
    assert page.inner_text("#aim-problem-area") == f"1 ward: {ward['name']}"
    _fill(page, "Nuisance across one ward")
    problem = _opened(page)
    detail = _api(server, demo[1], f"/api/v1/problems/{problem}")
    assert detail["area"]["kind"] == "wards" and detail["area"]["value"] == [ward["code"]]
    page.click("#aim-problem summary")  # closed: a click on the map asks for the ward's trend again
    page.wait_for_function("() => !document.getElementById('aim-side').hasAttribute('data-picking')")  # toggle: async
    page.mouse.click(ward["x"], ward["y"])
    page.wait_for_selector("#aim-trend[data-state=drawn]")
    page.click("#aim-problem summary")
    # a file in British National Grid: read by the service, outlined on the map, opened as a polygon
    square = gpd.GeoDataFrame(geometry=[shapely.box(449000, 519000, 450000, 520000)], crs="EPSG:27700")
    square.to_file(tmp_path / "area.geojson", driver="GeoJSON")
    page.check("#aim-problem-mode input[value=file]")
    page.set_input_files("#aim-problem-file", str(tmp_path / "area.geojson"))
    page.wait_for_selector("#aim-problem-area[data-kind=polygon]")
    summary = page.inner_text("#aim-problem-area")
    assert summary.startswith("The file's area (GeoJSON, EPSG:27700, 1 feature): 1.00 km², "), summary
    _fill(page, "Nuisance in the square from the file")
    detail = _api(server, demo[1], f"/api/v1/problems/{_opened(page)}")
    assert detail["area"]["kind"] == "polygon"
    assert summary.endswith(f" {detail['profile']['cells']['count']} res-9 cells")
    analyst.assert_clean()
