"""The analyst map from the keyboard alone, in real headless Chromium on a served demo store: skip links first, the
shapes reached with Tab and named for screen readers, Enter on a ward shows its trend (with the chart's values as a
table equal to the trends API's), the table view's figures equal the layers' (and the API's) and its columns sort
from the keyboard, and a problem's area is chosen from the keyboard: wards ticked by name and Enter on a ward, plan
cells by number, and a grid reference with a radius; with no CSP violation or page error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.api.render.browser import Watched, needs_chromium, served_copy, serving

pytestmark = [needs_chromium, pytest.mark.browser]

VIEW = "/?force=cleveland&res=8&from=2025-07&to=2025-12"
FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim(), label: el.getAttribute("aria-label"),
    cls: el.getAttribute("class") || ""};
}"""
# Each layer's features as the page holds them: name -> [{id, properties}] (text decoded from folium's escaping).
LAYER = """(name) => {
  const text = (v) => typeof v === "string" ? new DOMParser().parseFromString(v, "text/html").body.textContent : v;
  return window[name].getLayers().map((shape) => {
    const p = {};
    for (const [k, v] of Object.entries(shape.feature.properties)) p[k] = text(v);
    return {id: text(shape.feature.id || p.h3 || ""), properties: p};
  });
}"""
# The rows of a table of the table view: the first cell's button (data-ward or data-cell) and each cell's data-value.
# Whether the focused shape lies (at least partly) within the map's box on the page.
IN_VIEW = """() => {
  const r = document.activeElement.getBoundingClientRect();
  const box = document.querySelector(".folium-map").getBoundingClientRect();
  return r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
}"""
# Focus the shape of the ward with this code.
FOCUS_WARD = """([name, code]) => window[name].getLayers().find(
  (w) => new DOMParser().parseFromString(w.feature.properties.code, "text/html").body.textContent === code
)._path.focus()"""
TABLE = """(id) => Array.from(document.querySelectorAll("#" + id + " tbody tr")).map((row) => {
  const button = row.querySelector("button");
  return {key: button ? (button.dataset.ward || button.dataset.cell) : "", name: row.cells[0].textContent.trim(),
    values: Array.from(row.cells).map((c) => c.getAttribute("data-value")),
    texts: Array.from(row.cells).map((c) => c.textContent.trim())};
})"""


@pytest.fixture(scope="module")
def demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return served_copy(demo_store, tmp_path_factory.mktemp("keyboard"))


@pytest.fixture(scope="module")
def server(demo: tuple[Path, str]) -> Iterator[str]:
    with serving(demo[0]) as url:
        yield url


@pytest.fixture()
def analyst(browser: Browser, server: str, demo: tuple[Path, str]) -> Iterator[Watched]:
    watched = Watched(browser, server, demo[1])
    yield watched
    watched.context.close()


def _api(server: str, token: str, path: str) -> Any:
    answer = httpx.get(f"{server}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=120)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _opened(watched: Watched) -> Page:
    watched.open(VIEW)
    page = watched.page
    page.wait_for_function("() => document.querySelectorAll('path.aim-ward[tabindex]').length > 50")
    return page


def _side(page: Page, name: str) -> str:
    return page.get_attribute("#aim-side", f"data-{name}") or ""


def test_skip_links_then_the_shapes_by_tab_and_enter_shows_a_wards_trend(
    analyst: Watched, server: str, demo: tuple[Path, str]
) -> None:
    page = _opened(analyst)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Skip to the map"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Skip to the side panel"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Skip to the table view"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["id"] == "aim-side"
    page.focus("#aim-skip a")  # back to the first skip link
    page.keyboard.press("Enter")
    assert "leaflet-container" in page.evaluate(FOCUSED)["cls"]
    wards = page.evaluate(LAYER, _side(page, "wards"))
    by_name = sorted(wards, key=lambda w: w["properties"]["name"].casefold())
    # the map looks elsewhere (the Irish Sea, zoomed in): the first shape focused is brought into view
    page.evaluate("(name) => window[name].setView([54.2, -4.0], 14, {animate: false})", _side(page, "map"))
    page.keyboard.press("Tab")  # the first shape: the first ward by name
    first = page.evaluate(FOCUSED)
    assert first["tag"] == "path" and first["label"] == by_name[0]["properties"]["label"]
    assert page.evaluate(IN_VIEW)  # a shape focused is on the map's view (the map pans to one outside it)
    labels = []
    for _ in range(3):
        page.keyboard.press("Tab")
        labels.append(page.evaluate(FOCUSED)["label"])
    assert labels == [w["properties"]["label"] for w in by_name[1:4]]
    ward = by_name[3]["properties"]
    count, change = ward["count"], ward["change"]
    assert labels[-1].startswith(f"{ward['name']} ward, " + (f"{ward['lad_name']}, " if ward["lad_name"] else ""))
    assert (f"{count:,} incidents" if count is not None else "not published") in labels[-1]
    way = "rising" if (change or 0) > 0 else "falling" if (change or 0) < 0 else "no change"
    assert change is None or f"{way} (" in labels[-1]
    page.keyboard.press("Enter")
    page.wait_for_selector("#aim-trend[data-state=drawn]")
    assert page.inner_text("#aim-trend-body h3").startswith(ward["name"])
    # the chart's values as a table: the trends API's series for the ward, month by month
    area = _side(page, "area")
    query = f"{_side(page, 'query')}&ward={ward['code']}" + (f"&area={area}" if area else "")
    series = _api(server, demo[1], f"/api/v1/trends?{query}")["series"]
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll(".aim-values-table tbody tr")).map(
        (r) => [r.dataset.month, r.cells[1].textContent])"""
    )
    assert [m for m, _ in rows] == [s["month"] for s in series]
    for (_, shown), s in zip(rows, series, strict=True):
        published = "not published (a small count)" if s["count"] is None else f"{s['count']:,}"
        assert shown == ("not held" if s.get("held") is False else published)
    # Space on a hexagon cell (reached by Tab past the wards) asks its trend too
    page.focus("path.aim-gi")
    page.keyboard.press(" ")
    page.wait_for_function("() => document.querySelector('#aim-trend-body h3')?.textContent.startsWith('this hexagon')")
    analyst.assert_clean()


def test_the_table_view_shows_the_layers_figures_and_sorts_from_the_keyboard(
    analyst: Watched, server: str, demo: tuple[Path, str]
) -> None:
    page = _opened(analyst)
    wards = {w["properties"]["code"]: w["properties"] for w in page.evaluate(LAYER, _side(page, "wards"))}
    api_wards = _api(server, demo[1], f"/api/v1/wards?{_side(page, 'query')}")["features"]
    from_api = {f["properties"]["code"]: f["properties"]["count"] for f in api_wards}
    assert {code: from_api[code] for code in wards} == {code: p["count"] for code, p in wards.items()}
    rows = page.evaluate(TABLE, "aim-table-wards")
    assert {r["key"] for r in rows} == set(wards)
    for row in rows:
        p = wards[row["key"]]
        assert row["name"] == p["name"]
        assert [row["values"][2], row["values"][4]] == [
            None if p["count"] is None else repr(float(p["count"])),
            None if p["change"] is None else repr(float(p["change"])),
        ]
    counts = [float(r["values"][2]) for r in rows if r["values"][2] is not None]
    assert counts == sorted(counts, reverse=True)  # first sorted by incidents, busiest first
    # the Gi* spots and the plan's cells, as their layers (and the API's GeoJSON) hold them
    statistics = _side(page, "statistics").split()
    layers = {name: page.evaluate(LAYER, name) for name in statistics}
    gi = next(cells for cells in layers.values() if cells and "gi_text" in cells[0]["properties"])
    gi_rows = {r["key"]: r for r in page.evaluate(TABLE, "aim-table-gi")}
    assert set(gi_rows) == {c["id"] for c in gi}
    for cell in gi:
        row = gi_rows[cell["id"]]
        assert row["values"][2:4] == [repr(float(cell["properties"][k])) for k in ("count", "neighbourhood_count")]
        assert row["texts"][1] == cell["properties"]["gi_text"]
    gi_href = page.get_attribute("#aim-downloads a:has-text('Gi* hot and cold spots')", "href")
    assert gi_href
    gi_api = _api(server, demo[1], gi_href)["features"]
    assert {f["id"]: f["properties"]["count"] for f in gi_api} == {c["id"]: c["properties"]["count"] for c in gi}
    plan = page.evaluate(LAYER, _side(page, "numbered"))
    plan_rows = page.evaluate(TABLE, "aim-table-patrol_plan")
    assert [r["key"] for r in plan_rows] == [c["id"] for c in sorted(plan, key=lambda c: c["properties"]["rank"])]
    plan_url = (page.get_attribute("#aim-print-plan", "href") or "").replace("format=pdf", "format=geojson")
    plan_api = _api(server, demo[1], plan_url)["features"]
    assert [(f["id"], f["properties"]["expected_per_month"]) for f in plan_api] == [
        (r["key"], float(r["values"][4])) for r in plan_rows
    ]
    # sorting from the keyboard: Enter on the "Ward" heading sorts by name, again the other way
    page.click("#aim-tables summary")
    heading = page.locator("#aim-table-wards thead th", has_text="Ward").first
    heading.locator("button").focus()
    page.keyboard.press("Enter")
    assert heading.get_attribute("aria-sort") == "ascending"
    assert page.locator("#aim-table-wards th[aria-sort]").count() == 1
    names = [r["name"] for r in page.evaluate(TABLE, "aim-table-wards")]
    assert names == sorted(names, key=str.casefold)
    page.keyboard.press("Enter")
    assert heading.get_attribute("aria-sort") == "descending"
    assert [r["name"] for r in page.evaluate(TABLE, "aim-table-wards")] == sorted(names, key=str.casefold)[::-1]
    # a ward's name in the table shows its trend
    page.locator("#aim-table-wards tbody button").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#aim-trend[data-state=drawn]")
    assert page.inner_text("#aim-trend-body h3").startswith(names[-1])
    analyst.assert_clean()


def _problem_panel(page: Page) -> None:
    page.wait_for_selector("#aim-problem[data-ready]", state="attached")
    page.focus("#aim-problem summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('aim-problem').open")


def _open_problem(page: Page, title: str) -> int:
    page.fill("#aim-problem-form input[name=title]", "")
    page.focus("#aim-problem-form input[name=title]")
    page.keyboard.type(title)
    page.focus("#aim-problem-open")
    page.keyboard.press("Enter")
    page.wait_for_selector("#aim-problem[data-state=opened], #aim-problem[data-state=failed]")
    assert page.get_attribute("#aim-problem", "data-state") == "opened", page.inner_text("#aim-problem-result")
    return int(page.get_attribute(".aim-opened", "data-problem") or 0)


def test_a_problems_area_chosen_from_the_keyboard(analyst: Watched, server: str, demo: tuple[Path, str]) -> None:
    page = _opened(analyst)
    _problem_panel(page)
    # wards: one ticked in the list found by name, one by Enter on its shape
    page.focus("#aim-problem-mode input[value=wards]")
    page.keyboard.press("Space")
    wards = sorted(page.evaluate(LAYER, _side(page, "wards")), key=lambda w: w["properties"]["name"].casefold())
    listed, shape = wards[5]["properties"], wards[6]["properties"]
    page.focus("#aim-problem-find")
    page.keyboard.type(listed["name"])
    visible = page.locator("#aim-problem-choices label:visible")
    assert 1 <= visible.count() < len(wards)
    page.locator(f"#aim-problem-choices label[data-key='{listed['code']}'] input").focus()
    page.keyboard.press("Space")
    page.evaluate(FOCUS_WARD, [_side(page, "wards"), shape["code"]])
    page.keyboard.press("Enter")
    assert page.inner_text("#aim-problem-area") == f"2 wards: {listed['name']}, {shape['name']}"
    assert page.is_checked(f"#aim-problem-choices label[data-key='{shape['code']}'] input")
    problem = _open_problem(page, "Wards chosen from the keyboard")
    area = _api(server, demo[1], f"/api/v1/problems/{problem}")["area"]
    assert area["kind"] == "wards" and sorted(area["value"]) == sorted([listed["code"], shape["code"]])

    # plan cells by their numbers
    page.focus("#aim-problem-mode input[value=cells]")
    page.keyboard.press("Space")
    plan = {c["properties"]["rank"]: c["id"] for c in page.evaluate(LAYER, _side(page, "numbered"))}
    for rank in (2, 5):
        page.locator("#aim-problem-choices label", has_text=f"Number {rank}:").locator("input").focus()
        page.keyboard.press("Space")
    assert page.inner_text("#aim-problem-area") == "2 patrol-plan cells (numbers 2, 5)"
    problem = _open_problem(page, "Plan cells chosen by number")
    area = _api(server, demo[1], f"/api/v1/problems/{problem}")["area"]
    assert area["kind"] == "cells" and area["value"] == sorted([plan[2], plan[5]])

    # a grid reference and a radius
    page.focus("#aim-problem-mode input[value=around]")
    page.keyboard.press("Space")
    page.focus("#aim-problem-grid")
    page.keyboard.type("NZ 4953 1970")
    page.fill("#aim-problem-radius", "")
    page.focus("#aim-problem-radius")
    page.keyboard.type("400")
    page.focus("#aim-problem-around-use")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('aim-problem-area').dataset.kind === 'polygon'")
    summary = page.inner_text("#aim-problem-area")
    assert summary.startswith("A circle of 400 m around NZ 4953 1970: "), summary
    circle = _api(server, demo[1], "/api/v1/problem-areas/around?grid_ref=NZ%204953%201970&radius_m=400")
    assert summary.endswith(f"{circle['cells']} res-9 cells")
    problem = _open_problem(page, "Around a grid reference")
    detail = _api(server, demo[1], f"/api/v1/problems/{problem}")
    assert detail["area"]["kind"] == "polygon" and detail["area"]["value"]["type"] == "Polygon"
    assert detail["profile"]["cells"]["count"] == circle["cells"]
    analyst.assert_clean()


def test_the_public_map_from_the_keyboard(browser: Browser, server: str) -> None:
    """Signed out: the same skip links and named wards, and the table view has the published ward figures."""
    public = Watched(browser, server)
    try:
        public.open("/")
        page = public.page
        page.wait_for_function("() => document.querySelectorAll('path.aim-ward[tabindex]').length > 50")
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED)["text"] == "Skip to the map"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        wards = sorted(page.evaluate(LAYER, _side(page, "wards")), key=lambda w: w["properties"]["name"].casefold())
        assert page.evaluate(FOCUSED)["label"] == wards[0]["properties"]["label"]
        rows = {r["key"]: r for r in page.evaluate(TABLE, "aim-table-wards")}
        for ward in wards:
            count = ward["properties"]["count"]
            assert rows[ward["properties"]["code"]]["values"][2] == (None if count is None else repr(float(count)))
        assert page.locator("#aim-problem").count() == 0
        public.assert_clean()
    finally:
        public.context.close()
